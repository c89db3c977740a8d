"""Real clients against a live service on both backends: SPARQLWrapper, rdflib's SPARQLStore,
plain HTTP — each runs every named question and gets the known answers."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from geokg.read.questions import bind, questions
from support import LiveServer, normalised_rows, reviewed_answer

NAMES = sorted(questions())


def expected(name: str, live: LiveServer, index) -> list[str]:  # type: ignore[no-untyped-def]
    """The reviewed answer, as the engine behind the live service gives it (Virtuoso's documented differences)."""
    return normalised_rows(reviewed_answer(name, bind(questions()[name], {}, index), live.app.state.settings))


def as_tsv(body: bytes, fmt: ox.QueryResultsFormat) -> list[str]:
    parsed = ox.parse_query_results(body, format=fmt)
    return normalised_rows(parsed.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8"))  # type: ignore[union-attr]


@pytest.mark.parametrize("name", NAMES)
def test_plain_http(name: str, live: LiveServer, index) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(f"{live.url}/sparql", data={"query": bind(questions()[name], {}, index)},
                   headers={"Accept": "text/tab-separated-values"}, timeout=60)
    assert r.status_code == 200, r.text
    assert normalised_rows(r.text) == expected(name, live, index)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper(name: str, fmt: str, live: LiveServer, index) -> None:  # type: ignore[no-untyped-def]
    sparql = SPARQLWrapper(f"{live.url}/sparql")
    sparql.setQuery(bind(questions()[name], {}, index))
    sparql.setReturnFormat(fmt)
    sparql.setMethod("POST")
    raw = sparql.query().response.read()
    results_format = ox.QueryResultsFormat.JSON if fmt == JSON else ox.QueryResultsFormat.XML
    assert as_tsv(raw, results_format) == expected(name, live, index)


def test_sparqlwrapper_construct_to_rdflib(live: LiveServer) -> None:
    sparql = SPARQLWrapper(f"{live.url}/sparql")
    sparql.setQuery("CONSTRUCT { ?p <http://purl.org/dc/terms/title> ?o } "
                    "WHERE { ?p a <https://w3id.org/geokg/ontology#Paper> ; <http://purl.org/dc/terms/title> ?o }")
    sparql.setReturnFormat(TURTLE)
    graph = Graph().parse(data=sparql.query().convert(), format="turtle")
    papers = set(graph.subjects(None, None))
    assert len(papers) == 35


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_sparqlstore(name: str, live: LiveServer, index) -> None:  # type: ignore[no-untyped-def]
    store = SPARQLStore(f"{live.url}/sparql", returnFormat="json")
    graph = Graph(store=store)
    result = graph.query(bind(questions()[name], {}, index))
    body = result.serialize(format="json")
    assert as_tsv(body, ox.QueryResultsFormat.JSON) == expected(name, live, index)
