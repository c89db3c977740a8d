"""The pages in a real browser: Debian's Chromium driven by Playwright against a live service.

The fixtures (live service, Chromium, a page that fails on any request leaving the server) are in
tests/webpage.py. Each test saves screenshots in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from webpage import drawn

RAIN = "10.1038/s41561-024-01517-y"
RAIN_TITLE = "Global ocean carbon uptake enhanced by rainfall"


def test_search_then_open_a_paper(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/")
    page.get_by_label("Ask a question").fill("bootstrap uncertainty on satellite data")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator("#understood a")).to_have_count(3)
    answer = api.get("/ask", params={"q": "bootstrap uncertainty on satellite data"}).json()
    expect(page.locator("#results > li")).to_have_count(len(answer["papers"]))
    page.screenshot(path=shots / "search-results.png", full_page=True)
    page.get_by_role("link", name=RAIN_TITLE).click()
    expect(page.locator("h1")).to_have_text(RAIN_TITLE)
    paper = api.get(f"/papers/{RAIN}").json()
    expect(page.locator("#applications tbody tr")).to_have_count(len(paper["method_applications"]))
    expect(page.locator("#findings li")).to_have_count(len(paper["findings"]))
    expect(page.locator("#doi-link")).to_have_attribute("href", f"https://doi.org/{RAIN}")
    drawn(page)
    page.screenshot(path=shots / "paper.png", full_page=True)


def test_browse_a_concept_and_see_papers_of_narrower_concepts(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/browse")
    node = page.locator("li[data-concept=resampling]")
    expect(node.locator(".count").first).to_have_text(str(len(api.get("/concepts/resampling").json()["papers"])))
    # narrower concepts unfold from the keyboard: focus the summary, press Enter
    expect(page.locator("li[data-concept=bootstrap]")).to_be_hidden()
    node.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("li[data-concept=bootstrap]")).to_be_visible()
    page.screenshot(path=shots / "browse-methods.png", full_page=False)
    node.get_by_role("link", name="resampling methods").click()
    expect(page.locator("h1")).to_have_text("resampling methods")
    expect(page.locator("#narrower a")).to_have_text(["cross-validation", "bootstrap"], ignore_case=True)
    listed = page.locator("#concept-papers a").all_inner_texts()
    for paper in api.get("/papers", params={"method": "bootstrap", "per_page": 100}).json()["papers"]:
        assert paper["title"] in listed  # a paper using bootstrap only is listed under resampling
    page.screenshot(path=shots / "concept-resampling.png", full_page=True)


def test_compare_two_papers_from_the_search(page: Page, shots: Path) -> None:
    page.goto("/search?q=bootstrap uncertainty on satellite data")
    boxes = page.locator("#results input[type=checkbox]")
    expect(boxes).to_have_count(2)
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Compare selected papers").click()
    expect(page.locator("#comparison thead th")).to_have_count(3)
    methods = page.locator("#comparison tbody tr").nth(2).locator("td")  # one cell per paper
    expect(methods).to_have_count(2)
    for i in range(2):  # bootstrap is in both papers, so it is marked shared in each
        expect(methods.nth(i).locator("li.shared a", has_text="bootstrap").first).to_be_visible()
    page.screenshot(path=shots / "compare.png", full_page=True)


def test_language_switch_shows_chinese_labels(page: Page, shots: Path) -> None:
    page.goto("/browse")
    page.locator("#lang-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator("h1")).to_have_text("浏览概念")
    expect(page.locator("li[data-concept=statistics-regression] > a")).to_contain_text("统计分析与经典回归建模")
    page.screenshot(path=shots / "browse-zh.png")
    page.goto("/")  # the choice is remembered (cookie) and charts label in Chinese
    drawn(page)
    rows = page.evaluate("document.querySelector('#fig-heatmap .chart').chart.getOption().yAxis[0].data")
    assert rows[0].startswith("4.1 统计分析")
    page.screenshot(path=shots / "home-zh.png", full_page=True)
    page.goto("/paper/s41561-024-01517-y")
    expect(page.locator("h1")).to_have_text("降雨增强了全球海洋碳吸收")
    page.locator("#lang-en").click()
    expect(page.locator("h1")).to_have_text(RAIN_TITLE)


def test_keyboard_only_search(page: Page) -> None:
    """Tab reaches the skip link first; the search box and every link are reachable and visibly focused."""
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    expect(page.locator("#q")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.type("random forest")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=random+forest")
    expect(page.locator("#results > li").first).to_be_visible()
