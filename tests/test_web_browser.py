"""The pages in a real browser: Debian's Chromium driven by Playwright against a live service.

The fixtures (live service, Chromium, a page that fails on any request leaving the server) are in
tests/webpage.py. Each test saves screenshots in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from webpage import api, browser, drawn, errors, page, shots, site  # noqa: F401  (fixtures)

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


def test_paper_neighbourhood_draws_the_api_graph(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto(f"/paper/{RAIN.split('/')[1]}")
    drawn(page)
    figure = api.get(f"/figures/paper-neighbourhood/{RAIN}").json()
    chart = page.locator("#fig-neighbourhood svg")
    expect(chart.locator("a.node")).to_have_count(len(figure["nodes"]))
    expect(chart.locator("line.edge")).to_have_count(len(figure["edges"]))
    for kind in ("paper", "method", "dataset", "process", "related-paper"):
        expect(chart.locator(f"a.node[data-kind={kind}]")).to_have_count(sum(n["kind"] == kind for n in figure["nodes"]))
    chart.screenshot(path=shots / "paper-neighbourhood.png")
    # a node is a link: following the bootstrap node opens the concept
    chart.locator("a.node[href='/concept/bootstrap']").click()
    expect(page.locator("h1")).to_have_text("bootstrap")


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


def test_editor_runs_a_named_question(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/editor")
    expect(page.locator("#highlight .tok-keyword").first).to_be_visible()
    page.get_by_label("Named questions").select_option("method-usage-by-family")
    expect(page.locator("#query")).to_contain_text("method-usage-by-family".replace("-", " ").split()[0], ignore_case=True)
    page.get_by_role("button", name="Run").click()
    expected = api.get("/questions/method-usage-by-family").json()["rows"]
    expect(page.locator("#results tbody tr")).to_have_count(len(expected))
    expect(page.locator("#results thead th")).to_have_text(["section", "family", "papers", "applications"])
    first = page.locator("#results tbody tr").first.locator("td").all_inner_texts()
    assert first == [str(expected[0][k]) for k in ("section", "family", "papers", "applications")]
    page.screenshot(path=shots / "editor-results.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "section,family,papers,applications" and len(lines) == len(expected) + 1


def test_editor_shows_errors_and_runs_from_the_keyboard(page: Page, errors: list[str]) -> None:
    page.goto("/editor?query=" + "SELECT%20*%20WHERE%20%7B")
    page.locator("#query").focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("400")
    assert len(errors) == 1 and "400" in errors[0]  # the browser logs the refused query; expected here
    errors.clear()
    page.locator("#query").fill("ASK { ?s a <https://w3id.org/geokg/ontology#Paper> }")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("ASK: true")


def _figure(page: Page, name: str) -> Any:
    return page.locator(f"#fig-{name} svg")


def test_home_charts_draw_what_the_api_says(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/")
    drawn(page)
    heat = api.get("/figures/method-family-by-data-type").json()
    cells = _figure(page, "heatmap").locator("rect.cell")
    expect(cells).to_have_count(len(heat["rows"]) * len(heat["columns"]))
    drawn_counts = {(c["row"], c["column"]): c["papers"] for c in heat["cells"]}
    shown = cells.evaluate_all("rs => rs.map(r => [r.dataset.row, r.dataset.column, +r.dataset.papers])")
    assert {(r, c): n for r, c, n in shown if n} == drawn_counts
    years = api.get("/figures/papers-per-year-by-focus").json()
    bars = _figure(page, "years").locator("rect.bar")
    expect(bars).to_have_count(len(years["years"]) * len(years["series"]))
    heights = bars.evaluate_all("rs => rs.map(r => [r.dataset.series, +r.dataset.year, +r.dataset.papers, r.getBBox().height])")
    for series, year, papers, height in heights:
        s = next(x for x in years["series"] if x["id"] == series)
        assert papers == s["papers"][years["years"].index(year)]
        assert (height > 0) == (papers > 0)
    network = api.get("/figures/method-cooccurrence").json()
    expect(_figure(page, "network").locator("a.node")).to_have_count(len(network["nodes"]))
    expect(_figure(page, "network").locator("path.edge")).to_have_count(len(network["edges"]))
    page.screenshot(path=shots / "home.png", full_page=True)
    for name in ("heatmap", "years", "network"):
        _figure(page, name).screenshot(path=shots / f"chart-{name}.png")


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
    expect(page.locator("li[data-concept=statistics-regression] > details > summary a")).to_contain_text("统计分析与经典回归建模")
    page.screenshot(path=shots / "browse-zh.png")
    page.goto("/")  # the choice is remembered (cookie) and charts label in Chinese
    drawn(page)
    expect(_figure(page, "heatmap").locator("text.row-label").first).to_contain_text("统计分析")
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
