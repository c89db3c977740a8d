"""The review page: a live service with writes enabled, over HTTP and in Debian's Chromium.

A new paper's draft (its abstract carrying markup that must stay text) is opened with the write
token, its suggestions are accepted, edited or rejected, and the record is downloaded or saved
through the validated write path; nothing is stored before a valid save.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Page, expect

from geokg.review import issue_ticket
from support import LiveServer, served_settings
from webpage import axe_violations

TOKEN = "review-test-token-0123456789abcdef"
NEW_ID = "s41561-099-00001-x"
NEW_DOI = "10.1038/s41561-099-00001-x"
HOSTILE = "<img src=x onerror=alert(1)>"
DRAFT = {
    "id": NEW_ID, "doi": NEW_DOI, "url": f"https://www.nature.com/articles/{NEW_ID}",
    "title": {"en": "Glacial erosion rates <script>alert(1)</script> and sliding speed", "zh": "冰川侵蚀速率与滑动速度"},
    "journal": "nature-geoscience", "published": "2025-01-02",
    "summary": {"en": "Erosion rates of glaciers scale with sliding speed."},
    "research_question": {"en": "How fast do glaciers erode their beds?"},
    "provenance": {"source": "report-2025"},
    "abstract": (f"We fit an elastic net regression to the glacial erosion rate compilation {HOSTILE} and assess "
                 "uncertainty by bootstrap resampling. Our results show that erosion rates rise with sliding speed."),
}
DRAFT_YAML = yaml.safe_dump(DRAFT, allow_unicode=True, sort_keys=False)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def site(bundled_store_dir: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A service with writes enabled, over its own copy of the store (a test's saves stay its own)."""
    folder = tmp_path / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder, write_token=TOKEN):
        with LiveServer(settings) as server:
            yield server


@pytest.fixture
def http(site: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=120) as client:
        yield client


def hidden(html: str, name: str) -> str:
    """The value of a hidden input, unescaped as a browser would."""
    import html as markup

    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert found, f"no hidden {name}"
    return markup.unescape(found[1])


def opened(http: httpx.Client) -> str:
    r = http.post("/review", data={"token": TOKEN, "draft": DRAFT_YAML})
    assert r.status_code == 200, r.text
    return r.text


def test_opening_needs_the_token_and_everything_is_escaped(http: httpx.Client) -> None:
    start = http.get("/review")
    assert start.status_code == 200 and 'name="token"' in start.text
    assert start.headers["cache-control"] == "no-store" and start.headers["x-frame-options"] == "DENY"
    assert "审阅草稿" in http.get("/review", params={"lang": "zh"}).text
    assert http.post("/review", data={"token": "wrong-token-0123456789", "draft": DRAFT_YAML}).status_code == 401
    assert http.post("/review", data={"draft": DRAFT_YAML}).status_code == 401
    assert http.post("/review", content=b'{"token": "x"}', headers={"Content-Type": "application/json"}).status_code == 415
    page = opened(http)
    assert TOKEN not in page  # the token is never echoed
    assert "<script>alert(1)</script>" not in page and HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert re.search(r"<mark>elastic net regression</mark>", page)
    assert re.search(r"<mark>bootstrap resampling</mark>", page)


def test_saving_needs_a_ticket_from_this_server(http: httpx.Client) -> None:
    page = opened(http)
    form = {"ticket": issue_ticket("another-servers-token-0123456789"), "draft": hidden(page, "draft"), "record": "{}", "action": "save"}
    assert http.post("/review/save", data=form).status_code == 401  # forged elsewhere (CSRF)
    form["ticket"] = issue_ticket(TOKEN, now=0)
    assert http.post("/review/save", data=form).status_code == 401  # expired
    assert http.post("/review/save", data={**form, "ticket": ""}).status_code == 401


def test_invalid_decisions_store_nothing_and_valid_ones_are_saved(http: httpx.Client) -> None:
    page = opened(http)
    draft = hidden(page, "draft")
    ticket = hidden(page, "ticket")
    record = yaml.safe_dump({k: v for k, v in DRAFT.items() if k != "abstract"}, allow_unicode=True)
    form = {"ticket": ticket, "draft": draft, "record": record, "action": "save",
            "ma-0": "accept", "ma-0-method": "no-such-method", "ma-0-purposes": "variable-importance",
            "ma-0-inputs": "glacial-erosion-rate-compilation", "ma-1": "reject", "p-0": "accept", "p-0-id": "glacial-erosion", "f-0": "accept",
            "f-0-text": "Erosion rates rise with sliding speed."}
    refused = http.post("/review/save", data=form)
    assert refused.status_code == 422
    assert "no-such-method" in refused.text and 'role="alert"' in refused.text
    assert 'value="no-such-method"' in refused.text  # the curator's edit is kept for fixing
    assert http.get(f"/papers/{NEW_DOI}").status_code == 404  # nothing stored
    form["ma-0-method"] = "elastic-net"
    download = http.post("/review/save", data={**form, "action": "download"})
    assert download.status_code == 200 and download.headers["content-disposition"] == f'attachment; filename="{NEW_ID}.yaml"'
    merged = yaml.safe_load(download.text)
    assert merged["method_applications"] == [{"method": "elastic-net", "purposes": ["variable-importance"],
                                              "inputs": ["glacial-erosion-rate-compilation"]}]
    assert "draft" not in merged and "abstract" not in merged
    assert http.get(f"/papers/{NEW_DOI}").status_code == 404  # downloading stores nothing
    saved = http.post("/review/save", data=form)
    assert saved.status_code == 200 and f'href="/paper/{NEW_ID}"' in saved.text
    paper = http.get(f"/papers/{NEW_DOI}").json()
    assert [ma["method"]["id"] for ma in paper["method_applications"]] == ["elastic-net"]  # bootstrap was rejected
    assert paper["title"]["en"] == DRAFT["title"]["en"]  # stored as text, shown escaped
    assert "&lt;script&gt;" in http.get(f"/paper/{NEW_ID}", headers={"Accept": "text/html"}).text


def test_saving_an_existing_paper_replaces_it_through_the_write_path(http: httpx.Client) -> None:
    """A reviewed record of a paper already stored replaces its graph (one transaction, side index updated)."""
    page = opened(http)
    doi = "10.1038/s41561-024-01517-y"
    existing = {**{k: v for k, v in DRAFT.items() if k != "abstract"}, "id": "s41561-024-01517-y", "doi": doi,
                "url": "https://www.nature.com/articles/s41561-024-01517-y"}
    before = http.get(f"/papers/{doi}").json()
    form = {"ticket": hidden(page, "ticket"), "draft": hidden(page, "draft"), "record": yaml.safe_dump(existing), "action": "save",
            "ma-0": "accept", "ma-1": "reject", "p-0": "accept", "f-0": "accept",
            "ma-0-method": "elastic-net", "ma-0-purposes": "variable-importance", "ma-0-inputs": "glacial-erosion-rate-compilation"}
    assert http.post("/review/save", data=form).status_code == 200
    after = http.get(f"/papers/{doi}").json()
    assert after["title"]["en"] == DRAFT["title"]["en"] != before["title"]["en"]
    assert [ma["method"]["id"] for ma in after["method_applications"]] == ["elastic-net"]
    listed = http.get("/papers", params={"method": "elastic-net", "per_page": 100}).json()["papers"]
    assert doi in {p["doi"] for p in listed}  # the side index saw the write


def test_review_in_the_browser(page: Page, http: httpx.Client, shots: Path) -> None:
    page.goto("/review")
    page.get_by_label("Write token").fill(TOKEN)
    page.get_by_label("Or pick a file").set_input_files(files=[{"name": "draft.yaml", "mimeType": "application/yaml",
                                                                 "buffer": DRAFT_YAML.encode("utf-8")}])
    expect(page.get_by_label("Draft, record or paper text")).to_have_value(DRAFT_YAML)  # read by review.js
    page.get_by_role("button", name="Annotate and review").click()
    expect(page.locator("h1")).to_have_text("Review a draft")
    applications = page.locator("fieldset[id^=ma-]")
    expect(applications).to_have_count(2)
    expect(page.locator("#ma-0 mark").first).to_have_text("elastic net regression")
    expect(page.locator("#ma-1 mark").first).to_have_text("bootstrap resampling")
    expect(page.locator("#p-0 mark").first).to_be_visible()
    assert page.locator("img[src=x]").count() == 0 and page.locator("script:not([src])").count() == 0  # markup stayed text
    page.screenshot(path=shots / "review-draft.png", full_page=True)
    assert axe_violations(page) == []
    page.locator("#ma-1").get_by_role("radio", name="reject").check()
    expect(page.locator("#ma-1")).to_have_class(re.compile("rejected"))
    page.get_by_label("Purposes (concept ids, comma-separated)").first.fill("variable-importance")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download YAML").click()
    downloaded = yaml.safe_load(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert [ma["method"] for ma in downloaded["method_applications"]] == ["elastic-net"]
    assert http.get(f"/papers/{NEW_DOI}").status_code == 404
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator("#saved")).to_contain_text("Saved")
    page.screenshot(path=shots / "review-saved.png", full_page=True)
    page.locator("#saved a").click()
    expect(page.locator("h1")).to_contain_text("Glacial erosion rates <script>alert(1)</script> and sliding speed")
    expect(page.locator("#applications tbody tr")).to_have_count(1)
    stored = http.get(f"/papers/{NEW_DOI}").json()
    assert stored["method_applications"][0]["purposes"][0]["id"] == "variable-importance"
