"""Every page is accessible: axe-core (vendored for the tests) finds no serious or critical
violation, the content is there without JavaScript, and the editor works from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from support import LiveServer
from webpage import axe_violations, drawn, open_page

RAIN = "10.1038/s41561-024-01517-y"
EROSION = "10.1038/s41561-025-01747-8"
PAGES = ["/", "/?lang=zh", "/search?q=bootstrap uncertainty on satellite data", "/search?q=地震", "/search?q=随机森林 遥感",
         "/search?q=bootstrap&data_type=remote-sensing&sort=oldest", "/browse", "/browse?scheme=data-type",
         "/concept/resampling", "/paper/s41561-024-01517-y", f"/comparison?doi={RAIN}&doi={EROSION}", "/comparison",
         "/editor", "/editor?question=method-usage-by-family&run=1", "/dataset/era5", "/journal/nature-geoscience", "/paper/no-such-paper"]


def settle(page: Page) -> None:
    """Wait for what the page's scripts draw (charts, the editor and its results)."""
    if page.locator(".chart[data-chart]").count():
        drawn(page)
    if page.locator("#yasgui").count():
        expect(page.locator("#yasgui[data-ready=true]")).to_be_attached()
        if "run=1" in page.url:
            expect(page.locator(".yasr table.dataTable tbody tr").first).to_be_visible()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page: Page, path: str, errors: list[str]) -> None:
    page.goto(path)
    settle(page)
    if "no-such" in path:
        errors.clear()  # the 404 itself is logged by the browser
    found = axe_violations(page)
    assert not found, f"{path}: {found}"


@pytest.fixture
def no_js(browser: Browser, site: LiveServer, errors: list[str]) -> Iterator[Page]:
    """A page with JavaScript off, networking off."""
    elsewhere: list[str] = []
    p = open_page(browser, site, errors, elsewhere, java_script_enabled=False)
    yield p
    p.context.close()
    assert not elsewhere and not errors, (elsewhere, errors)


def test_pages_keep_their_content_without_javascript(no_js: Page, api: httpx.Client) -> None:
    p = no_js
    p.goto("/")
    expect(p.locator("#count-papers")).to_have_text(str(api.get("/stats").json()["papers"]))
    expect(p.locator("#fig-heatmap a[href='/figures/method-family-by-data-type']")).to_be_visible()  # the chart's data
    answer = api.get("/ask", params={"q": "random forest"}).json()
    p.goto("/search?q=random forest")
    expect(p.locator("#results > li")).to_have_count(len(answer["papers"]))
    p.goto("/concept/resampling")
    expect(p.locator("#concept-papers li")).to_have_count(len(api.get("/concepts/resampling").json()["papers"]))
    p.goto(f"/comparison?doi={RAIN}&doi={EROSION}")
    expect(p.locator("#comparison thead th")).to_have_count(3)
    # the editor: a named question from its form, the answer as a table rendered by the server
    p.goto("/editor?question=papers-by-dataset")
    p.get_by_label("dataset").select_option("era5")
    p.get_by_role("button", name="Run this question").click()
    expected = api.get("/questions/papers-by-dataset", params={"dataset": "era5"}).json()["rows"]
    expect(p.locator("#server-table tbody tr")).to_have_count(len(expected))
    # and a hand-written query from the plain form
    p.locator("#query").fill("ASK { ?s a <https://w3id.org/geokg/ontology#Paper> }")
    p.get_by_role("button", name="Run (Ctrl+Enter)").click()
    expect(p.locator("#ask-answer")).to_have_text("ASK: true")


def test_a_named_question_from_the_keyboard(page: Page, api: httpx.Client) -> None:
    page.goto("/editor?question=papers-by-data-type")
    expect(page.locator("#yasgui[data-ready=true]")).to_be_attached()
    page.locator("#question").focus()
    for _ in range(3):  # question picker → Load → the parameter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "param-dataType":
            break
    expect(page.locator("#param-dataType")).to_be_focused()
    page.locator("#param-dataType").select_option("reanalysis")  # as arrow keys would
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Run this question")).to_be_focused()
    page.keyboard.press("Enter")
    expected = api.get("/questions/papers-by-data-type", params={"dataType": "reanalysis"}).json()["rows"]
    expect(page.locator(".yasr table.dataTable tbody tr")).to_have_count(len(expected))
