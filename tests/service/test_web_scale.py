"""Screenshots of the main pages at the bundled size (35 papers) and at 10,000 papers, for people to
look at (test-artifacts/screenshots/, kept by CI), with checks that the pages still work at scale.

The 10,000-paper store is the bundled corpus plus bench/synthetic.py's seeded synthetic papers,
staged once per session (as the benchmark suite builds its stores)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from support import ROOT, LiveServer, served_settings
from webpage import drawn, open_page

sys.path.insert(0, str(ROOT / "bench"))
import synthetic

SYNTHETIC = 10_000
RAIN = "10.1038/s41561-024-01517-y"
EROSION = "10.1038/s41561-025-01747-8"


@pytest.fixture(scope="session")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.stage_store(SYNTHETIC, tmp_path_factory.mktemp("large") / "store")


@pytest.fixture(scope="module")
def large_site(large_store: Path) -> Iterator[LiveServer]:
    for settings in served_settings("embedded", large_store, query_timeout=60):
        with LiveServer(settings) as server:
            yield server


def tour(browser: Browser, server: LiveServer, errors: list[str], shots: Path, size: str) -> None:
    """Home, search, editor with results, concept and comparison pages: checked, then photographed."""
    elsewhere: list[str] = []
    page = open_page(browser, server, errors, elsewhere)
    page.set_default_timeout(60_000)
    with httpx.Client(base_url=server.url, timeout=120) as api:
        papers = api.get("/stats").json()["papers"]
    try:
        page.goto("/")
        expect(page.locator("#count-papers")).to_have_text(str(papers))
        drawn(page)
        page.screenshot(path=shots / f"{size}-home.png", full_page=True)
        page.goto("/search?q=bootstrap uncertainty on satellite data")
        expect(page.locator("#results > li").first).to_be_visible()
        page.screenshot(path=shots / f"{size}-search.png")
        page.goto("/editor?question=method-usage-by-family&run=1")
        expect(page.locator(".yasr table.dataTable tbody tr")).to_have_count(10)
        page.screenshot(path=shots / f"{size}-editor.png", full_page=True)
        page.goto("/concept/resampling")
        expect(page.locator("#concept-papers li").first).to_be_visible()
        page.screenshot(path=shots / f"{size}-concept.png")
        page.goto(f"/comparison?doi={RAIN}&doi={EROSION}")
        expect(page.locator("#comparison")).to_be_visible()
        page.screenshot(path=shots / f"{size}-comparison.png", full_page=True)
    finally:
        page.context.close()
    assert not elsewhere, elsewhere
    assert not errors, errors


def test_pages_at_the_bundled_size(browser: Browser, site: LiveServer, errors: list[str], shots: Path) -> None:
    tour(browser, site, errors, shots, "35-papers")


def test_pages_at_ten_thousand_papers(browser: Browser, large_site: LiveServer, errors: list[str], shots: Path) -> None:
    tour(browser, large_site, errors, shots, "10k-papers")
    with httpx.Client(base_url=large_site.url, timeout=120) as api:
        network = api.get("/figures/method-cooccurrence").json()
    assert len(network["edges"]) <= 60  # the network keeps the strongest pairs, however large the graph
