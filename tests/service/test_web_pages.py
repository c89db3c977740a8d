"""The web pages and the chart data, over HTTP on both backends (no browser: see test_web_browser.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from geokg.model.ontology import default_index
from geokg.web.i18n import STRINGS

HTML = {"Accept": "text/html"}
RAIN = "10.1038/s41561-024-01517-y"
EROSION = "10.1038/s41561-025-01747-8"


class Page(HTMLParser):
    """Element ids, links, form controls and their labels, and the text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.text: list[str] = []
        self.lang = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])  # type: ignore[arg-type]
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])  # type: ignore[arg-type]
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])  # type: ignore[arg-type]
        for attr in ("src", "href"):
            if tag in ("script", "link", "img") and a.get(attr):
                self.links.append(a[attr])  # type: ignore[arg-type]

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def content(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(client: httpx.Client, path: str, headers: dict[str, str] | None = None, **kwargs: object) -> Page:
    response = client.get(path, headers={**HTML, **(headers or {})}, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


PAGES = ["/", "/search?q=bootstrap", "/browse", "/browse?scheme=purpose", "/browse?scheme=data-type", "/browse?scheme=process",
         "/concept/resampling", "/paper/s41561-024-01517-y", f"/comparison?doi={RAIN}&doi={EROSION}", "/comparison",
         "/editor", "/dataset/era5", "/journal/nature-geoscience"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_labelled_and_self_contained(client: httpx.Client, path: str) -> None:
    """Every control has a label, every asset is local, the language is declared, a skip link leads to main."""
    p = page(client, path)
    assert p.lang == "en"
    assert "main" in p.ids and "#main" in p.links
    for control in p.controls:
        assert control.get("id") in p.labels or control.get("aria-label"), f"{path}: unlabelled control {control}"
    # external links are fine (DOIs, ontology IRIs); scripts and stylesheets all come from this server
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', client.get(path, headers=HTML).text)
    assert assets and all(a.startswith("/static/") or a == "data:," for a in assets), assets


def test_static_assets_are_served(client: httpx.Client) -> None:
    for name, kind in (("charts.js", "javascript"), ("editor.js", "javascript"), ("geokg.css", "css")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]


def test_home_counts_match_the_api(client: httpx.Client) -> None:
    p = page(client, "/")
    stats = client.get("/stats").json()
    assert f"{stats['papers']} papers" in p.content
    assert "/figures/method-family-by-data-type" in client.get("/", headers=HTML).text


def test_search_page_shows_what_ask_understood_and_found(client: httpx.Client) -> None:
    q = "bootstrap uncertainty on satellite data"
    p = page(client, "/search", params={"q": q})
    answer = client.get("/ask", params={"q": q}).json()
    for paper in answer["papers"]:
        assert paper["title"] in p.content
    for concept in answer["understood"]:
        assert f"/concept/{concept['id']}" in p.links
    assert any(link.startswith("/editor?query=") for link in p.links)


def test_empty_search_goes_home(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "  "}, headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_concept_tree_counts_match_the_concept_api(client: httpx.Client) -> None:
    body = client.get("/browse", headers=HTML).text
    counts = dict(re.findall(r'data-concept="([^"]+)" data-papers="(\d+)"', body))
    assert set(counts) == default_index().by_scheme["method"]  # every method concept of the ontology
    for concept in ("statistics-regression", "resampling", "bootstrap", "random-forest", "deep-learning"):
        assert int(counts[concept]) == len(client.get(f"/concepts/{concept}").json()["papers"]), concept


def test_unknown_tree_is_a_404_page(client: httpx.Client) -> None:
    response = client.get("/browse", params={"scheme": "nope"}, headers=HTML)
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "no concept tree" in response.text


def test_concept_page_lists_papers_of_narrower_concepts(client: httpx.Client) -> None:
    p = page(client, "/concept/resampling")
    bootstrap_papers = client.get("/papers", params={"method": "bootstrap", "per_page": 100}).json()["papers"]
    assert bootstrap_papers
    for paper in bootstrap_papers:
        assert paper["title"] in p.content
    assert "/concept/bootstrap" in p.links and "/concept/cross-validation" in p.links


def test_paper_page_has_every_fact(client: httpx.Client) -> None:
    p = page(client, "/paper/s41561-024-01517-y")
    paper = client.get(f"/papers/{RAIN}").json()
    assert paper["title"]["en"] in p.content and paper["title"]["zh"] in p.content
    assert f"https://doi.org/{RAIN}" in p.links
    for application in paper["method_applications"]:
        assert f"/concept/{application['method']['id']}" in p.links
    for dataset in paper["datasets"]:
        assert f"/dataset/{dataset['id']}" in p.links
    for finding in paper["findings"]:
        assert finding["en"] in p.content
    for correction in paper["provenance"]["corrections"]:
        assert correction["note"] in p.content
    assert "http://purl.obolibrary.org/obo/STATO_0000548" in p.links  # bootstrap's external match
    assert paper["provenance"]["record_file"] in p.content


def test_unknown_paper_is_a_404_page_for_browsers_and_json_for_programs(client: httpx.Client) -> None:
    browser = client.get("/paper/no-such-paper", headers=HTML)
    assert browser.status_code == 404 and "<html" in browser.text
    program = client.get("/papers/10.9999/none")
    assert program.status_code == 404 and program.headers["content-type"] == "application/problem+json"


def test_comparison_marks_what_the_papers_share(client: httpx.Client) -> None:
    body = client.get("/comparison", params=[("doi", RAIN), ("doi", EROSION)], headers=HTML).text
    p = Page(body)
    assert "comparison" in p.ids
    shared = re.findall(r'<li class="shared"[^>]*><a href="/concept/([^"]+)"', body)
    a, b = (client.get(f"/papers/{d}").json() for d in (RAIN, EROSION))
    common = {x["method"]["id"] for x in a["method_applications"]} & {x["method"]["id"] for x in b["method_applications"]}
    assert common and set(shared) >= common
    assert f"/compare?doi={RAIN.replace('/', '%2F')}&doi={EROSION.replace('/', '%2F')}&format=csv" in p.links


def test_comparison_of_an_unknown_doi_is_a_404(client: httpx.Client) -> None:
    assert client.get("/comparison", params=[("doi", RAIN), ("doi", "10.9/nope")], headers=HTML).status_code == 404


def test_editor_offers_every_named_question(client: httpx.Client) -> None:
    body = client.get("/editor", headers=HTML).text
    names = {q["name"] for q in client.get("/questions").json()}
    picker = body[body.index('<select id="question"'):]
    offered = set(re.findall(r'<option value="([^"]+)"', picker[:picker.index("</select>")]))
    assert offered == names
    assert "papers-by-method-purpose-datatype" in body


def test_editor_prefills_a_query(client: httpx.Client) -> None:
    body = client.get("/editor", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3 # </textarea>"}, headers=HTML).text
    assert "LIMIT 3 # &lt;/textarea&gt;</textarea>" in body  # escaped: a query can't break out of the page


def test_language_switch_sets_a_cookie_and_goes_back(client: httpx.Client) -> None:
    response = client.get("/language", params={"lang": "zh", "next": "/browse"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/browse"
    assert "geokg_lang=zh" in response.headers["set-cookie"]
    client.cookies.set("geokg_lang", "zh")
    p = page(client, "/browse")
    assert p.lang == "zh"
    assert STRINGS["nav.browse"]["zh"] in p.content
    assert "统计分析与经典回归建模" in p.content  # the Chinese prefLabel of method family 4.1


def test_language_switch_never_redirects_elsewhere(client: httpx.Client) -> None:
    for target in ("https://example.org/", "//example.org/", "javascript:alert(1)"):
        response = client.get("/language", params={"lang": "en", "next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"
    assert client.get("/language", params={"lang": "fr"}).status_code == 422


def test_accept_language_chooses_chinese(client: httpx.Client) -> None:
    assert page(client, "/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).lang == "zh"


def test_every_interface_string_has_both_languages() -> None:
    for key, texts in STRINGS.items():
        assert set(texts) == {"en", "zh"} and all(texts.values()), key


# --- the data behind the charts agrees with the named questions ---

def test_heatmap_data_matches_the_named_question(client: httpx.Client) -> None:
    figure = client.get("/figures/method-family-by-data-type").json()
    question = client.get("/questions/method-family-by-data-type").json()["rows"]
    rows = {r["id"]: r["label_en"] for r in figure["rows"]}
    columns = {c["id"]: c["label_en"] for c in figure["columns"]}
    assert [r["notation"] for r in figure["rows"]] == [f"4.{i}" for i in range(1, 11)]
    drawn = {(rows[c["row"]], columns[c["column"]], c["papers"]) for c in figure["cells"]}
    assert drawn == {(r["family"], r["dataType"], r["papers"]) for r in question}


def test_year_series_count_papers_per_year_and_focus(client: httpx.Client) -> None:
    figure = client.get("/figures/papers-per-year-by-focus").json()
    assert [s["notation"] for s in figure["series"]] == ["2.1", "2.2", "2.3"]
    assert sum(figure["papers"]) == client.get("/stats").json()["papers"]
    for i, year in enumerate(figure["years"]):
        assert figure["papers"][i] == client.get("/papers", params={"year_from": year, "year_to": year}).json()["total"]
    coverage = {c["section"]: c for c in client.get("/stats").json()["report_categories"]}
    for series in figure["series"]:  # a paper counts once per focus, listed by the report or derived
        listed, derived = coverage[series["notation"]]["asserted"], coverage[series["notation"]]["derived"]
        assert max(listed, derived) <= sum(series["papers"]) <= listed + derived, series["id"]


def test_network_data_matches_the_named_question(client: httpx.Client) -> None:
    question = client.get("/questions/method-cooccurrence").json()["rows"]
    figure = client.get("/figures/method-cooccurrence", params={"top": 500}).json()  # every pair, not the default 60
    assert len(question) <= 500
    labels = {n["id"]: n["label_en"] for n in figure["nodes"]}
    assert {(frozenset((labels[e["source"]], labels[e["target"]])), e["papers"]) for e in figure["edges"]} == \
        {(frozenset((r["methodA"], r["methodB"])), r["papers"]) for r in question}
    for node in figure["nodes"][:5]:  # papers using the method itself; /papers also counts narrower methods
        assert 2 <= node["papers"] <= client.get("/papers", params={"method": node["id"]}).json()["total"]
    assert client.get("/figures/method-cooccurrence", params={"min_papers": 100}).json() == {"nodes": [], "edges": [], "families": []}
    assert len(client.get("/figures/method-cooccurrence").json()["edges"]) == min(60, len(question))


def test_neighbourhood_links_the_paper_to_its_facts_and_related_papers(client: httpx.Client) -> None:
    figure = client.get(f"/figures/paper-neighbourhood/{RAIN}").json()
    paper = client.get(f"/papers/{RAIN}").json()
    kinds = [n["kind"] for n in figure["nodes"]]
    assert kinds[0] == "paper"
    assert kinds.count("method") == len({a["method"]["id"] for a in paper["method_applications"]})
    assert kinds.count("dataset") == len(paper["datasets"]) and kinds.count("process") == len(paper["processes"])
    ids = {n["id"] for n in figure["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in figure["edges"])
    for related in (n for n in figure["nodes"] if n["kind"] == "related-paper"):
        assert sum(1 for e in figure["edges"] if e["source"] == related["id"]) >= 2
    assert client.get("/figures/paper-neighbourhood/10.9/none").status_code == 404


def test_comparison_lists_few_papers_to_pick_from_a_large_graph(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from geokg.web import pages

    monkeypatch.setattr(pages, "PICK_LIMIT", 5)  # the bundled graph stands in for a large one
    oldest = "10.1038/s41561-022-01112-z"
    body = client.get("/comparison", params=[("doi", RAIN), ("doi", oldest)], headers=HTML).text
    offered = re.findall(r'<input type="checkbox" name="doi" value="([^"]+)"', body)
    assert len(offered) == 7 and RAIN in offered and oldest in offered  # 5 newest + the 2 chosen
    assert STRINGS["compare.more"]["en"] in body


def test_network_keeps_the_strongest_pairs(client: httpx.Client) -> None:
    everything = client.get("/figures/method-cooccurrence").json()["edges"]
    strongest = client.get("/figures/method-cooccurrence", params={"top": 3}).json()
    assert len(strongest["edges"]) == 3
    assert [e["papers"] for e in strongest["edges"]] == sorted((e["papers"] for e in everything), reverse=True)[:3]
    assert {n["id"] for n in strongest["nodes"]} == {x for e in strongest["edges"] for x in (e["source"], e["target"])}


# --- the SPARQL editor without JavaScript, named-question forms, localised lists ---

def test_a_named_question_runs_from_its_form_without_javascript(client: httpx.Client) -> None:
    """The parameter form is a plain GET form: the page binds the question and shows the answer as a table."""
    body = client.get("/editor", params={"question": "papers-by-method", "method": "bootstrap", "run": 1}, headers=HTML).text
    expected = client.get("/questions/papers-by-method", params={"method": "bootstrap"}).json()["rows"]
    table = body[body.index('id="server-table"'):]
    assert table.count("<tr>") == len(expected) + 1  # head + one row per answer
    for row in expected:
        assert f'href="/paper/{row["paper"].rsplit("/", 1)[-1]}"' in table  # GeoKG IRIs link to GeoKG pages
    assert 'VALUES ?method { &lt;https://w3id.org/geokg/concept/bootstrap&gt; }' in body  # the bound query, escaped
    p = Page(body)
    assert "param-method" in p.labels  # every parameter has a labelled control, no hand-edited VALUES line


def test_the_bound_question_route_checks_parameters(client: httpx.Client) -> None:
    bound = client.get("/editor/query", params={"question": "papers-by-journal-and-years", "journal": "nature", "from": 2023, "to": 2024})
    assert bound.status_code == 200 and "VALUES ?journal { <https://w3id.org/geokg/journal/nature> }" in bound.text
    assert "VALUES ?from { 2023 }" in bound.text
    refused = client.get("/editor/query", params={"question": "papers-by-method", "method": "no-such-method"})
    assert refused.status_code == 422 and "not a concept" in refused.json()["detail"]
    assert client.get("/editor/query", params={"question": "nope"}).status_code == 404


def test_editor_completion_data_come_from_this_server(client: httpx.Client) -> None:
    prefixes = client.get("/editor/prefixes.json").json()
    assert prefixes["geodm"] == "https://w3id.org/geokg/ontology#" and prefixes["gkc"] == "https://w3id.org/geokg/concept/"
    terms = client.get("/editor/terms.json").json()
    assert "https://w3id.org/geokg/ontology#Paper" in terms["classes"]
    assert {"https://w3id.org/geokg/ontology#hasMethodApplication", "http://purl.org/dc/terms/title"} <= set(terms["properties"])


def test_editor_shows_errors_of_a_query_run_without_javascript(client: httpx.Client) -> None:
    body = client.get("/editor", params={"query": "SELECT * WHERE {", "run": 1}, headers=HTML).text
    assert 'class="query-error"' in body and "malformed query: error at" in body


def test_editor_never_lets_a_query_out_of_its_place(client: httpx.Client) -> None:
    attack = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    body = client.get("/editor", params={"query": attack}, headers=HTML).text
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    for blob in re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', body, re.S):
        assert "</" not in blob and "<" not in blob  # JSON in script tags has < escaped


def test_editor_question_titles_in_chinese(client: httpx.Client) -> None:
    body = client.get("/editor", params={"lang": "zh"}, headers=HTML).text
    assert "按方法或方法类别查找论文" in body and "将某方法用于某目的、处理某类数据的论文" in body


def test_journals_are_shown_by_name(client: httpx.Client) -> None:
    paper = client.get(f"/papers/{RAIN}").json()
    name = next(j["name"] for j in client.get("/journals").json() if j["id"] == paper["journal"])
    assert name != paper["journal"]
    for path in ("/paper/s41561-024-01517-y", "/search?q=bootstrap", "/concept/bootstrap", f"/comparison?doi={RAIN}&doi={EROSION}"):
        content = page(client, path).content
        assert name in content, path
        assert f", {paper['journal']}" not in content and f"· {paper['journal']}" not in content, path


def test_chinese_pages_list_chinese_titles(client: httpx.Client) -> None:
    zh = client.get(f"/papers/{RAIN}").json()["title"]["zh"]
    for path in ("/search?q=bootstrap&lang=zh", "/concept/bootstrap?lang=zh", "/comparison?lang=zh"):
        content = page(client, path).content
        assert zh in content, path


def test_comparison_legend_shows_the_highlight_colour(client: httpx.Client) -> None:
    body = client.get("/comparison", params=[("doi", RAIN), ("doi", EROSION)], headers=HTML).text
    assert '<span class="swatch shared" aria-hidden="true"></span>' in body
    css = client.get("/static/geokg.css").text
    assert re.search(r"\.shared \{ background: var\(--shared\)", css) and ".swatch {" in css


def test_pages_reference_only_vendored_libraries(client: httpx.Client) -> None:
    for path, assets in (("/", ["vendor/echarts/echarts.min.js", "chartkit.js", "charts.js"]),
                         ("/editor", ["vendor/yasgui/yasgui.min.js", "vendor/yasgui/yasgui.min.css", "yasr-plugins.js", "editor.js"])):
        body = client.get(path, headers=HTML).text
        for asset in assets:
            assert f"/static/{asset}" in body, (path, asset)
            assert client.get(f"/static/{asset}").status_code == 200
