"""The REST API through real HTTP on both backends: lookup, papers, compare, stats, questions,
ask, Linked Data, and problem+json errors."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from rdflib import Graph

EXAMPLE = "10.1038/s41561-024-01517-y"
GLACIAL = "10.1038/s41561-025-01747-8"


def ids(hits: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [h["id"] for h in hits]


@pytest.mark.parametrize(
    ("q", "first"),
    [("loocv", "loocv"), ("LOOCV", "loocv"), ("留一交叉验证", "loocv"), ("random forests", "random-forest"),
     ("Random-Forest", "random-forest"), ("Bootstrap重采样", "bootstrap"), ("boostrap", "bootstrap"),
     ("satelite data", "satellite-data"), ("Mossbauer spectral fitting", "mossbauer-spectral-fitting"),
     ("弹性网络回归", "elastic-net"), ("uq", "uncertainty-quantification"), ("再分析", "reanalysis")],
)
def test_concept_lookup(client: httpx.Client, q: str, first: str) -> None:
    r = client.get("/concepts", params={"q": q})
    assert r.status_code == 200
    assert ids(r.json())[0] == first


def test_concept_lookup_by_scheme_and_ranking(client: httpx.Client) -> None:
    hits = client.get("/concepts", params={"q": "validation", "scheme": "purpose"}).json()
    assert hits and all(h["scheme"] == "purpose" for h in hits)
    exact = client.get("/concepts", params={"q": "bootstrap"}).json()
    assert exact[0]["score"] >= 0.95 and all(h["score"] <= exact[0]["score"] for h in exact)


def test_concept_detail_includes_papers_of_narrower_concepts(client: httpx.Client) -> None:
    resampling = client.get("/concepts/resampling").json()
    assert {"bootstrap", "cross-validation"} <= set(ids(resampling["narrower"]))
    assert resampling["broader"][0]["id"] == "statistics-regression"
    dois = {p["doi"] for p in resampling["papers"]}
    assert {EXAMPLE, GLACIAL} <= dois  # bootstrap (narrower) is used by both
    bootstrap = {p["doi"] for p in client.get("/concepts/bootstrap").json()["papers"]}
    assert bootstrap <= dois


def test_papers_facets_expand_narrower_concepts(client: httpx.Client) -> None:
    narrow = client.get("/papers", params={"method": "bootstrap", "data_type": "satellite-data"}).json()
    broad = client.get("/papers", params={"method": "resampling", "data_type": "remote-sensing"}).json()
    assert EXAMPLE in {p["doi"] for p in narrow["papers"]}
    assert {p["doi"] for p in narrow["papers"]} <= {p["doi"] for p in broad["papers"]}
    family = client.get("/papers", params={"method": "classical-ml"}).json()
    assert GLACIAL in {p["doi"] for p in family["papers"]}  # elastic net sits under regularised regression → 4.2


def test_papers_other_facets_and_text(client: httpx.Client) -> None:
    assert client.get("/papers", params={"journal": "science"}).json()["total"] == 4
    assert client.get("/papers", params={"dataset": "era5"}).json()["total"] == 2
    assert client.get("/papers", params={"process": "cryosphere-processes"}).json()["total"] == 3
    assert client.get("/papers", params={"section": "4.5"}).json()["total"] == 1
    assert client.get("/papers", params={"year_from": 2025, "year_to": 2025}).json()["total"] == 16
    text = client.get("/papers", params={"q": "Glacier"}).json()
    assert {p["doi"] for p in text["papers"]} == {GLACIAL, "10.1038/s41586-024-08545-z"}
    both = client.get("/papers", params={"purpose": "uncertainty-quantification", "journal": "nature-geoscience"}).json()
    assert both["total"] >= 1 and all(p["journal"] == "Nature Geoscience" for p in both["papers"])


def test_papers_pagination_is_stable(client: httpx.Client) -> None:
    all_ = client.get("/papers", params={"per_page": 200}).json()
    assert all_["total"] == 35 and len(all_["papers"]) == 35
    pages = [client.get("/papers", params={"per_page": 10, "page": p}).json()["papers"] for p in (1, 2, 3, 4)]
    assert [p["doi"] for page in pages for p in page] == [p["doi"] for p in all_["papers"]]


def test_paper_detail(client: httpx.Client) -> None:
    p = client.get(f"/papers/{EXAMPLE}").json()
    assert p["title"]["en"] == "Global ocean carbon uptake enhanced by rainfall" and p["journal"] == "nature-geoscience"
    boot = next(a for a in p["method_applications"] if a["method"]["id"] == "bootstrap")
    assert [x["id"] for x in boot["purposes"]] == ["uncertainty-quantification"] and "gpm-imerg" in boot["inputs"]
    assert any(d["id"] == "era5" and d["data_types"][0]["id"] == "reanalysis" for d in p["datasets"])
    assert p["provenance"]["appendix_row"] == 3 and p["provenance"]["record_file"] == "loaders/records/s41561-024-01517-y.yaml"
    assert p["report"]["asserted"] == ["3.4"] and "4.1" in p["report"]["derived"]
    assert len(p["findings"]) == 3 and p["findings"][0]["zh"]


def test_compare_json_and_csv(client: httpx.Client) -> None:
    j = client.get("/compare", params={"doi": [EXAMPLE, GLACIAL]}).json()
    assert [p["doi"] for p in j["papers"]] == [EXAMPLE, GLACIAL]
    assert "bootstrap (uncertainty quantification)" in j["papers"][0]["methods"]
    r = client.get("/compare", params={"doi": [EXAMPLE, GLACIAL]}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["doi"] for row in table] == [EXAMPLE, GLACIAL]
    assert client.get("/compare", params={"doi": [EXAMPLE]}).status_code == 422


def test_catalogue_routes(client: httpx.Client) -> None:
    datasets = client.get("/datasets").json()
    era5 = next(d for d in datasets if d["id"] == "era5")
    assert era5["data_types"] == ["reanalysis"] and era5["papers"] == 2
    processes = {p["id"]: p for p in client.get("/processes").json()}
    assert processes["cryosphere-processes"]["papers"] == 3
    journals = {j["id"]: j["papers"] for j in client.get("/journals").json()}
    assert sum(journals.values()) == 35


def test_stats(client: httpx.Client) -> None:
    s = client.get("/stats").json()
    assert s["papers"] == 35
    families = {f["section"]: f["papers"] for f in s["method_families"]}
    assert len(families) == 10 and families["4.5"] == 1
    coverage = {c["section"]: c for c in s["report_categories"]}
    assert coverage["4.3"]["asserted"] == 0 and coverage["4.3"]["derived"] > 0
    assert s["family_by_data_type"] and s["method_cooccurrence"] and s["per_year_and_journal"]


def test_questions_list_and_run(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/questions").json()}
    assert len(listed) >= 15 and listed["papers-by-method"]["params"][0]["type"] == "method"
    r = client.get("/questions/papers-by-method-purpose-datatype", params={"method": "resampling", "dataType": "remote-sensing"})
    assert [row["doi"] for row in r.json()["rows"]] == [EXAMPLE, GLACIAL]  # issue 19: the glacial bootstrap resamples satellite-based predictions
    assert client.get("/questions/nope").status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"method": "bootstrap> } ?s ?p ?o { <x"}, {"method": "gkc:bootstrap }"}, {"doi": '" } UNION { ?s ?p ?o } #'}, {"nope": "x"}],
)
def test_question_parameters_are_bound_not_pasted(client: httpx.Client, params: dict[str, str]) -> None:
    name = "paper-method-applications" if "doi" in params else "papers-by-method"
    r = client.get(f"/questions/{name}", params=params)
    if "doi" in params:
        assert r.status_code == 200 and r.json()["rows"] == []  # the text is a literal that matches nothing
    else:
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


ASK = [
    ("which papers use bootstrap uncertainty on satellite data", {"bootstrap", "uncertainty-quantification", "satellite-data"}, {EXAMPLE}),
    ("哪些论文在卫星数据上使用bootstrap进行不确定性分析", {"bootstrap", "uncertainty-quantification", "satellite-data"}, {EXAMPLE}),
    ("哪些论文用机器学习研究冰川?", {"classical-ml", "cryosphere-processes"}, {GLACIAL}),
    ("papers using random forest", {"random-forest"}, None),
    ("Which studies use InSAR for land subsidence?", {"radar-insar", "land-subsidence"}, {"10.1038/s43247-025-02108-4"}),
    ("persistent homology of plate reorganization", {"persistent-homology", "plate-reorganization"}, {"10.1038/s41561-025-01772-7"}),
    ("哪些论文使用了贝叶斯推断?", {"bayesian-inference"}, None),
    ("deep learning on remote sensing data", {"deep-learning", "remote-sensing"}, None),
    ("papers about glacier mass change since 2024", {"glacier-mass-loss"}, {"10.1038/s41586-024-08545-z"}),
    ("elastic net variable selection", {"elastic-net", "variable-importance"}, {GLACIAL}),
    ("使用再分析数据研究海洋热浪的论文", {"reanalysis", "marine-heatwaves"}, {"10.1038/s41561-023-01325-w"}),
    ("Monte Carlo simulation for uncertainty quantification", {"monte-carlo-simulation", "uncertainty-quantification"}, None),
    ("ensemble Kalman filter data assimilation", {"ensemble-kalman-filter"}, {"10.1126/science.adk3705"}),
    ("which papers use LOOCV", {"loocv"}, {GLACIAL}),
]


@pytest.mark.parametrize(("question", "concepts", "expected"), ASK, ids=[a[0][:30] for a in ASK])
def test_ask(client: httpx.Client, question: str, concepts: set[str], expected: set[str] | None) -> None:
    r = client.get("/ask", params={"q": question})
    assert r.status_code == 200
    answer = r.json()
    understood = {u["id"] for u in answer["understood"] if "id" in u}
    assert concepts <= understood, answer["understood"]
    assert "SELECT" in answer["sparql"]
    dois = {p["doi"] for p in answer["papers"]}
    assert dois, "the question found no paper"
    if expected is not None:
        assert expected <= dois


def test_ask_mixed_script_question_keeps_its_method(client: httpx.Client) -> None:
    """"bootstrap进行" is no word: the question is segmented as the annotator segments texts, so the
    method stays in the question and the answer is that of the same question in English."""
    mixed = client.get("/ask", params={"q": "哪些论文在卫星数据上使用bootstrap进行不确定性分析"}).json()
    english = client.get("/ask", params={"q": "which papers use bootstrap uncertainty on satellite data"}).json()
    assert "bootstrap" in {u.get("id") for u in mixed["understood"]}
    assert "bootstrap" in mixed["sparql"] and not [w for w in mixed["ignored"] if "bootstrap" in w]
    assert {p["doi"] for p in mixed["papers"]} == {p["doi"] for p in english["papers"]}
    assert mixed["total"] == english["total"] < 7


def test_ask_reports_what_it_ignored_and_years(client: httpx.Client) -> None:
    answer = client.get("/ask", params={"q": "bootstrap papers from 2024 about zebras"}).json()
    assert "zebras" in answer["ignored"]
    assert {"kind": "years", "from": 2024, "to": 2024} in answer["understood"]
    assert all(p["issued"].startswith("2024") for p in answer["papers"])


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")]
)
def test_linked_data_content_negotiation(client: httpx.Client, accept: str, fmt: str) -> None:
    r = client.get("/paper/s41561-024-01517-y", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
    if fmt == "json-ld":
        assert r.json()["@context"].endswith("/context.jsonld")
        context = client.get("/context.jsonld").json()
        data = r.json()
        data["@context"] = context["@context"]
        import json

        g = Graph().parse(data=json.dumps(data), format="json-ld")
    else:
        g = Graph().parse(data=r.text, format=fmt)
    subjects = {str(s) for s in g.subjects(None, None)}
    assert "https://w3id.org/geokg/paper/s41561-024-01517-y" in subjects
    assert "https://w3id.org/geokg/paper/s41561-024-01517-y#ma-2" in subjects  # its parts come along


def test_linked_data_html_and_other_entities(client: httpx.Client) -> None:
    page = client.get("/concept/bootstrap", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.headers["content-type"].startswith("text/html") and "自助法" in page.text
    for path in ("/dataset/era5", "/journal/science", "/source/report-2025", "/ontology"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "status"),
    [("/papers/10.1038/nope", 404), ("/concepts/nope", 404), ("/paper/nope", 404), ("/papers?method=nope", 422),
     ("/papers?year_from=abc", 422), ("/papers?per_page=0", 422), ("/papers?section=9.9", 422), ("/concepts?scheme=x&q=a", 422),
     ("/papers?dataset=a%20b", 422), ("/papers?year_from=2025&year_to=2020", 422), ("/ask?q=", 422), ("/concepts", 422)],
)
def test_errors_are_problem_json(client: httpx.Client, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status and r.json()["detail"]


def test_openapi_has_every_route(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/concepts", "/concepts/{concept_id}", "/papers", "/papers/{doi}", "/compare", "/stats", "/questions",
                  "/questions/{name}", "/ask", "/datasets", "/processes", "/journals", "/sparql", "/store"):
        assert route in paths, route
