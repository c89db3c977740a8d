"""Hostile writes with the token: content is checked like a record file, updates mean what SPARQL says.

Issue 15, findings 5 (the paper-graph rule checked names, not content) and 6 (updates saw only the
graphs they named). Every refused write must leave the store as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import LiveServer, served_settings

TOKEN = "hostile-writes-token-0123456789"
BASE = "https://w3id.org/geokg/"
PAPER = f"{BASE}paper/s41561-024-01517-y"
GRAPH = f"{BASE}graph/paper/s41561-024-01517-y"
OTHER_GRAPH = f"{BASE}graph/paper/s41561-023-01325-w"
OTHER_PAPER = f"{BASE}paper/s41561-023-01325-w"
ONTOLOGY = "https://w3id.org/geokg/ontology"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/sparql-results+json"}
NT = {"Content-Type": "application/n-triples"}
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geodm: <https://w3id.org/geokg/ontology#> PREFIX prism: <http://prismstandard.org/namespaces/basic/2.0/>
"""


@pytest.fixture(scope="module")
def writable(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("hostile-writes") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder, write_token=TOKEN):
        with LiveServer(settings) as server:
            yield server


def snapshot(url: str) -> str:
    """Every quad of the store, sorted (to prove a refused write changed nothing)."""
    q = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.post(f"{url}/sparql", data={"query": q}, headers={"Accept": "text/tab-separated-values"}, timeout=120)
    assert r.status_code == 200
    return "\n".join(sorted(r.text.splitlines()))


def graph_nt(url: str, graph: str) -> str:
    return httpx.get(f"{url}/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}, timeout=60).text


def update(url: str, text: str) -> httpx.Response:
    return httpx.post(f"{url}/sparql", data={"update": PREFIXES + text}, headers=AUTH, timeout=60)


def put(url: str, graph: str, body: str, media: str = "application/n-triples") -> httpx.Response:
    return httpx.put(f"{url}/store", params={"graph": graph}, content=body.encode(), headers={**AUTH, "Content-Type": media}, timeout=60)


NEW = f"{BASE}graph/paper/new-paper-1"


@pytest.mark.parametrize(("what", "send"), [
    ("a paper graph with no paper, only a concept's skos:broader self-loop",
     lambda url: put(url, NEW, "<https://w3id.org/geokg/concept/bootstrap> <http://www.w3.org/2004/02/skos/core#broader> "
                               "<https://w3id.org/geokg/concept/bootstrap> .\n")),
    ("ontology triples in a paper graph beside its paper",
     lambda url: put(url, GRAPH, graph_nt(url, GRAPH) + "<https://w3id.org/geokg/concept/bootstrap> "
                                  "<http://www.w3.org/2004/02/skos/core#broader> <https://w3id.org/geokg/concept/bootstrap> .\n")),
    ("a graph reusing another paper's IRI with a second DOI",
     lambda url: put(url, NEW, graph_nt(url, OTHER_GRAPH).replace(OTHER_GRAPH, NEW).replace(
         '"10.1038/s41561-023-01325-w"', '"10.9999/second-doi"'))),
    ("a paper with two DOIs",
     lambda url: put(url, GRAPH, graph_nt(url, GRAPH) + f'<{PAPER}> <http://prismstandard.org/namespaces/basic/2.0/doi> "10.9999/x" .\n')),
    ("a javascript: link on the paper (stored XSS)",
     lambda url: put(url, GRAPH, graph_nt(url, GRAPH) + f"<{PAPER}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> .\n")),
    ("a data: link in Turtle",
     lambda url: put(url, GRAPH, f"<{PAPER}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <data:text/html,x> .",
                     "text/turtle")),
    ("a blank-node subject",
     lambda url: put(url, GRAPH, graph_nt(url, GRAPH) + '_:b <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')),
    ("two graphs with one DOI in one update",
     lambda url: update(url, f"""INSERT DATA {{ GRAPH <{BASE}graph/paper/twin-a> {{ <{BASE}paper/twin-a> a geodm:Paper ;
         prism:doi "10.9999/twin" }} GRAPH <{BASE}graph/paper/twin-b> {{ <{BASE}paper/twin-b> a geodm:Paper ; prism:doi "10.9999/twin" }} }}""")),
    ("an update putting a concept's triples in a paper graph",
     lambda url: update(url, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://w3id.org/geokg/concept/bootstrap> skos:broader "
                             "<https://w3id.org/geokg/concept/bootstrap> } }")),
    ("COPY of a paper graph onto another (its paper then sits in the wrong graph)",
     lambda url: update(url, f"COPY <{OTHER_GRAPH}> TO <{GRAPH}>")),
    ("ADD into a new graph",
     lambda url: update(url, f"ADD <{OTHER_GRAPH}> TO <{NEW}>")),
    ("MOVE of a paper graph",
     lambda url: update(url, f"MOVE <{OTHER_GRAPH}> TO <{NEW}>")),
])
def test_writes_breaking_the_record_rules_are_refused_and_change_nothing(writable: LiveServer, what: str, send: object) -> None:
    before = snapshot(writable.url)
    r = send(writable.url)  # type: ignore[operator]
    assert r.status_code == 422, (what, r.status_code, r.text[:500])
    assert "nothing was changed" in r.text and "[rule:" in r.text, r.text
    assert snapshot(writable.url) == before, what
    assert httpx.get(f"{writable.url}/browse", params={"scheme": "method"}, timeout=60).status_code == 200
    assert "javascript:" not in httpx.get(f"{writable.url}/paper/s41561-024-01517-y", headers={"Accept": "text/html"}).text


@pytest.mark.parametrize("graph", [
    f"{BASE}graph/paper/../catalogue", f"{BASE}graph/paper/x/../../catalogue", f"{BASE}graph/paper/a?b=c",
    f"{BASE}graph/paper/a#b", f"{BASE}graph/paper/", f"{BASE}graph/paper/..", f"{BASE}graph/paper/a b",
    f"{BASE}graph/paper/%2e%2e", f"{BASE}graph/paper/a/b", "https://w3id.org/geokg/ontology",
])
def test_graph_names_that_are_not_paper_ids_are_refused(writable: LiveServer, graph: str) -> None:
    before = snapshot(writable.url)
    r = put(writable.url, graph, f"<{PAPER}> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    assert r.status_code in (400, 403), (graph, r.status_code, r.text)
    assert snapshot(writable.url) == before


# --- finding 6: updates have SPARQL 1.1 semantics over what they read ------------------------


def comments(url: str, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s <http://www.w3.org/2000/01/rdf-schema#comment> ?c }} }}"
    r = httpx.get(f"{url}/sparql", params={"query": q}, headers=JSON, timeout=60)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_a_delete_joining_the_ontology_graph_sees_it(writable: LiveServer) -> None:
    before = comments(writable.url, GRAPH)
    text = f"""DELETE {{ GRAPH <{GRAPH}> {{ ?ma rdfs:comment ?c }} }}
               WHERE {{ GRAPH <{GRAPH}> {{ ?ma geodm:method ?m ; rdfs:comment ?c }}
                       GRAPH <{ONTOLOGY}> {{ ?m skos:prefLabel ?label FILTER(CONTAINS(STR(?label), "regression")) }} }}"""
    r = update(writable.url, text)
    assert r.status_code == 204, r.text
    after = comments(writable.url, GRAPH)
    assert 0 < after < before  # the join found the regression methods in the ontology graph, and only those
    ontology = httpx.get(f"{writable.url}/sparql", params={"query": f"ASK {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}"}, headers=JSON)
    assert ontology.json()["boolean"] is True  # read, never written


def test_with_scopes_the_where_clause_to_the_graph(writable: LiveServer) -> None:
    text = f"""WITH <{GRAPH}> DELETE {{ ?ma rdfs:comment ?c }} INSERT {{ ?ma rdfs:comment "checked"@en }}
               WHERE {{ ?ma geodm:method ?m ; rdfs:comment ?c }}"""
    r = update(writable.url, text)
    assert r.status_code == 204, r.text
    q = f'ASK {{ GRAPH <{GRAPH}> {{ ?ma <http://www.w3.org/2000/01/rdf-schema#comment> "checked"@en }} }}'
    assert httpx.get(f"{writable.url}/sparql", params={"query": q}, headers=JSON).json()["boolean"] is True


@pytest.mark.parametrize(("text", "message"), [
    (f"DELETE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} USING <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", "USING"),
    (f"DELETE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} ?p a ?t }}", "default graph"),
    (f"DELETE {{ GRAPH ?g {{ <{PAPER}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{PAPER}> ?p ?o }} }}", "GRAPH ?g"),
    ("CLEAR ALL", "all graphs"),
    (f"COPY DEFAULT TO <{GRAPH}>", "default graph"),
    ("#\rLOAD <http://127.0.0.1:9/x> INTO GRAPH <" + GRAPH + ">", "LOAD"),
])
def test_updates_needing_more_than_named_graphs_get_a_clear_4xx(writable: LiveServer, text: str, message: str) -> None:
    before = snapshot(writable.url)
    r = update(writable.url, text)
    assert 400 <= r.status_code < 500 and message in r.text, (r.status_code, r.text)
    assert snapshot(writable.url) == before
