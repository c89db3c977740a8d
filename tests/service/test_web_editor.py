"""The SPARQL editor (YASGUI) in Chromium with networking off: named questions from their forms,
results linked to GeoKG's pages, shareable URLs, errors with their position marked, completion from
this server, pivot and chart views."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Page, expect

ROWS = ".yasr table.dataTable tbody tr"


def ready(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("#yasgui[data-ready=true]")).to_be_attached()


def set_query(page: Page, text: str) -> None:
    page.evaluate("t => document.getElementById('yasgui').yasgui.getTab().getYasqe().setValue(t)", text)


def test_a_named_question_runs_from_its_form_and_links_to_geokg_pages(page: Page, api: httpx.Client, shots: Path) -> None:
    ready(page, "/editor?question=papers-by-method")
    expect(page.locator("#editor-form")).to_be_hidden()  # YASGUI replaced the plain form
    page.get_by_label("method").select_option("bootstrap")
    page.get_by_role("button", name="Run this question").click()
    expected = api.get("/questions/papers-by-method", params={"method": "bootstrap"}).json()["rows"]
    expect(page.locator(ROWS)).to_have_count(len(expected))
    assert "VALUES ?method { <https://w3id.org/geokg/concept/bootstrap> }" in page.evaluate(
        "document.getElementById('yasgui').yasgui.getTab().getYasqe().getValue()")
    links = page.locator(f"{ROWS} a.iri").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert {f"/paper/{r['paper'].rsplit('/', 1)[-1]}" for r in expected} <= set(links)
    # the address bar now holds a shareable URL that runs the same question
    query = parse_qs(urlparse(page.url).query)
    assert query["question"] == ["papers-by-method"] and query["method"] == ["bootstrap"] and query["run"] == ["1"]
    expect(page.locator("#share-link")).to_have_attribute("href", page.url[len(page.url.split("/editor")[0]):])
    page.screenshot(path=shots / "editor-question.png", full_page=True)
    shared = page.url
    page.goto("about:blank")
    ready(page, shared)
    expect(page.locator(ROWS)).to_have_count(len(expected))
    page.locator(f"{ROWS} a.iri").first.focus()  # a result opens GeoKG's page for the paper (from the keyboard)
    page.keyboard.press("Enter")
    expect(page.locator("#paper-title")).to_be_visible()


def test_a_refused_parameter_is_explained(page: Page, errors: list[str]) -> None:
    ready(page, "/editor?question=papers-by-method")
    # a value the form never offers (as a hand-made URL could send): the server refuses it, the form says why
    page.evaluate("""() => { const s = document.getElementById('param-method');
        s.add(new Option('nothing', 'no-such-method')); s.value = 'no-such-method'; }""")
    page.get_by_role("button", name="Run this question").click()
    expect(page.locator("#question-form .query-error")).to_contain_text("not a concept of the method scheme")
    assert errors and all("422" in e for e in errors)  # the refused request, logged by the browser
    errors.clear()


def test_ctrl_enter_runs_and_the_url_shares_the_query(page: Page, api: httpx.Client) -> None:
    ready(page, "/editor")
    text = "PREFIX geodm: <https://w3id.org/geokg/ontology#>\nSELECT (COUNT(?p) AS ?papers) WHERE { ?p a geodm:Paper }"
    set_query(page, text)
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text(str(api.get("/stats").json()["papers"]))
    assert parse_qs(urlparse(page.url).query)["query"] == [text]


def test_errors_are_styled_with_their_position_marked(page: Page, errors: list[str], shots: Path) -> None:
    ready(page, "/editor")
    set_query(page, "SELECT * WHERE {\n  ?s ?p }")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    box = page.locator(".yasr .query-error")
    expect(box).to_be_visible()
    expect(box.locator(".error-position")).to_have_text("line 2, column 10")
    expect(box.locator(".error-excerpt")).to_contain_text("?s ?p }")
    expect(page.locator(".yasqe .geokg-error-mark")).to_have_text("}")
    assert box.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(179, 38, 30)"
    page.screenshot(path=shots / "editor-error.png", full_page=True)
    assert errors and all("400" in e for e in errors)  # the browser logs the refused query; expected here
    errors.clear()
    set_query(page, "ASK { ?s a <https://w3id.org/geokg/ontology#Paper> }")  # editing clears the mark
    expect(page.locator(".yasqe .geokg-error-mark")).to_have_count(0)


def test_completion_comes_from_this_server(page: Page) -> None:
    ready(page, "/editor")
    set_query(page, "")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.type("PREFIX gk")
    expect(page.locator(".CodeMirror-hints li", has_text="gkc: <https://w3id.org/geokg/concept/>")).to_be_visible()
    page.keyboard.press("Escape")
    set_query(page, "PREFIX geodm: <https://w3id.org/geokg/ontology#>\nSELECT * WHERE { ?p a geodm:Pap")
    page.evaluate("() => { const y = document.getElementById('yasgui').yasgui.getTab().getYasqe(); y.focus(); y.setCursor(y.lineCount(), 1e9); }")
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints li", has_text="geodm:Paper").first).to_be_visible()


def test_pivot_and_chart_views_of_results(page: Page, api: httpx.Client, shots: Path) -> None:
    ready(page, "/editor?question=method-usage-by-family&run=1")
    expected = api.get("/questions/method-usage-by-family").json()["rows"]
    expect(page.locator(ROWS)).to_have_count(len(expected))
    page.locator(".yasr .select_pivot").click()
    pivot = page.locator(".geokg-pivot table")
    expect(pivot.locator("tbody tr")).to_have_count(len(expected))
    page.get_by_label("Rows").select_option("family")
    page.get_by_label("Value").select_option("sum:papers")
    total = sum(r["papers"] for r in expected)
    cells = pivot.locator("tbody td.num").all_text_contents()
    assert sum(float(c) for c in cells) == 2 * total  # each row's value and its total column
    page.locator(".yasr .select_chart").click()
    chart = page.locator(".geokg-chart .chart")
    expect(chart.locator("svg")).to_be_visible()
    bars = page.evaluate("() => document.querySelector('.geokg-chart .chart').chart.getOption().series[0].data")
    assert sorted(bars) == sorted(r["papers"] for r in expected)
    page.screenshot(path=shots / "editor-chart.png", full_page=True)
    with page.expect_download() as download:
        page.locator(".geokg-chart ~ .chart-tools button.download-png, .geokg-chart .chart-tools button.download-png").first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")


def test_question_titles_in_chinese(page: Page) -> None:
    ready(page, "/editor?lang=zh&question=papers-by-method")
    expect(page.locator("#question option[value=papers-by-method]")).to_have_text("按方法或方法类别查找论文")
    expect(page.locator("#question-title")).to_have_text("按方法或方法类别查找论文")
