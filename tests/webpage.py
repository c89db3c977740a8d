"""Shared pieces of the browser tests: a live service, Debian's Chromium, a page that fails the test on
any request leaving the server or any script error, screenshots, and the axe-core accessibility check.

Playwright never downloads a browser here: it launches the system Chromium (scripts/setup installs
it). A test module imports the fixtures it uses (``from webpage import page, site, ...``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from support import LiveServer, served_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless, and no calls home: the machines have no internet and the pages need none.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--disable-default-apps"]
# axe-core, vendored for the tests by scripts/vendor-web-assets (injected into pages; never fetched).
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("web") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder):
        with LiveServer(settings) as server:
            yield server


@pytest.fixture(scope="module")
def api(site: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: run ./scripts/setup (installs Debian's chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def errors() -> list[str]:
    """Script errors and failed loads the page reported (a test that provokes one removes it)."""
    return []


def open_page(browser: Browser, site: LiveServer, errors: list[str], elsewhere: list[str], **options: Any) -> Page:
    """A fresh page in its own context; script errors go to ``errors``, requests off this server to ``elsewhere``
    (and are aborted: the network is off for the page, as on a machine without internet)."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900}, accept_downloads=True, **options)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site.url) else route.abort())
    p = context.new_page()
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("request", lambda r: None if r.url.startswith((site.url, "data:", "blob:")) else elsewhere.append(r.url))
    return p


@pytest.fixture
def page(browser: Browser, site: LiveServer, errors: list[str]) -> Iterator[Page]:
    """A fresh page (own cookies); fails the test on any script error or any request off this server."""
    elsewhere: list[str] = []
    p = open_page(browser, site, errors, elsewhere)
    yield p
    p.context.close()
    assert not elsewhere, f"requests that left the server (assets must be bundled): {elsewhere}"
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture(scope="module")
def shots(artifacts: Path) -> Path:
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def drawn(page: Page) -> None:
    """Wait until every chart of the page is drawn (or failed, which the test then sees)."""
    page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)")
    assert page.locator(".chart[data-drawn=error]").count() == 0, page.locator(".chart[data-drawn=error]").all_inner_texts()


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """The axe-core violations of the page as it is now, of the given impacts (WCAG 2.x A and AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the pages' Content Security Policy does not
        # govern (a <script> tag with the source inline would be refused, as it should be).
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})""")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]
