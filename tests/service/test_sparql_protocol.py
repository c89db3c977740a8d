"""The SPARQL 1.1 Protocol through real HTTP, on both backends (managed embedded and remote)."""

from __future__ import annotations

import re

import httpx
import pytest
from rdflib import Graph

from geokg.read.questions import bind, questions

EXAMPLE_DOI = "10.1038/s41561-024-01517-y"
GLACIAL_DOI = "10.1038/s41561-025-01747-8"
PAPERS = "PREFIX geodm: <https://w3id.org/geokg/ontology#> SELECT ?p WHERE { ?p a geodm:Paper }"


def example(index) -> str:  # type: ignore[no-untyped-def]
    return bind(questions()["papers-by-method-purpose-datatype"], {}, index)


def test_get_query_json(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": PAPERS}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(r.json()["results"]["bindings"]) == 35


def test_post_form_and_direct_post_agree(client: httpx.Client, index) -> None:  # type: ignore[no-untyped-def]
    text = example(index)
    form = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    direct = client.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query",
                                                                    "Accept": "application/sparql-results+json"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()
    # Issue 19: the glacial-erosion bootstrap of satellite-based predictions answers too (ordered by DOI).
    assert [b["doi"]["value"] for b in form.json()["results"]["bindings"]] == [EXAMPLE_DOI, GLACIAL_DOI]


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "p\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?p\n"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("*/*", "application/sparql-results+json", '"bindings"'),
    ],
)
def test_select_content_negotiation(client: httpx.Client, accept: str, media: str, marker: str) -> None:
    r = client.get("/sparql", params={"query": PAPERS}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert marker in r.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_construct_content_negotiation(client: httpx.Client, accept: str, fmt: str) -> None:
    query = "CONSTRUCT { ?p <http://purl.org/dc/terms/title> ?t } WHERE { ?p a <https://w3id.org/geokg/ontology#Paper> ; <http://purl.org/dc/terms/title> ?t }"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    g = Graph().parse(data=r.text, format=fmt)
    assert len(g) == 70  # 35 papers × English and Chinese titles


def test_ask(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s a <https://w3id.org/geokg/ontology#Paper> }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True


def test_describe(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/geokg/paper/s41561-024-01517-y>"},
                   headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and EXAMPLE_DOI in r.text


def test_default_and_named_graph_parameters(client: httpx.Client) -> None:
    catalogue = "https://w3id.org/geokg/graph/catalogue"
    r = client.get("/sparql", params={"query": PAPERS, "default-graph-uri": catalogue}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["results"]["bindings"] == []  # papers are not in the catalogue graph
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": q, "named-graph-uri": catalogue}, headers={"Accept": "application/sparql-results+json"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [catalogue]


def test_malformed_query_is_400_with_a_message(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert r.status_code == 400
    # The parser's position: Oxigraph's "1:21", Virtuoso's "line 2:".
    assert "malformed query" in r.text and re.search(r"\d:", r.text)


def test_unacceptable_media_type_is_406(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": PAPERS}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "available" in r.text


def test_unsupported_content_type_is_415(client: httpx.Client) -> None:
    r = client.post("/sparql", content=b"<x/>", headers={"Content-Type": "application/xml"})
    assert r.status_code == 415


def test_service_description(client: httpx.Client) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in g.objects(None, None))
    assert any(str(o) == sd + "UnionDefaultGraph" for o in g.objects(None, None))


def test_updates_are_refused_when_read_only(client: httpx.Client) -> None:
    r = client.post("/sparql", data={"update": "INSERT DATA { GRAPH <https://w3id.org/geokg/graph/paper/x> { <a:b> <a:c> <a:d> } }"})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403


def test_result_rows_are_capped(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 500
    assert r.headers["x-geokg-result-cap"] == "500"


def test_service_to_a_host_not_allowlisted_is_refused(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403 and "allowlist" in r.text


def test_health(client: httpx.Client) -> None:
    assert client.get("/health").json()["status"] == "ok"
