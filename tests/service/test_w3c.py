"""The W3C SPARQL 1.1 syntax and protocol tests, run against a live read-only ``/sparql``.

The test data are the W3C's own (``shared/w3c-sparql11`` beside the checkout: manifests, queries,
data; see its SOURCE.md). Syntax: every positive query is answered (2xx), every negative one is
refused with 400, never sent on. Protocol: each manifest request is sent as the manifest describes
it (method, path, headers, body in its encoding) and the status class and boolean are checked. The
endpoint is read-only, so the protocol tests that expect an update to succeed must get the
read-only refusal (403) instead; every other expectation is the manifest's.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from geokg.settings import Settings
from support import ROOT, LiveServer

W3C = next((base / "w3c-sparql11" for base in (ROOT.parent / "shared", ROOT / "shared", ROOT.parent.parent / "shared")
            if (base / "w3c-sparql11").is_dir()), None)
pytestmark = pytest.mark.skipif(W3C is None, reason="shared/w3c-sparql11 is not beside the checkout")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


def manifest(folder: str) -> rdflib.Graph:
    assert W3C is not None
    path = W3C / folder / "manifest.ttl"
    graph = rdflib.Graph()
    graph.parse(path, publicID=path.as_uri())
    return graph


def entries(graph: rdflib.Graph) -> list[rdflib.term.Node]:
    top = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    return list(Collection(graph, graph.value(top, MF.entries)))


def syntax_cases() -> list[Any]:
    if W3C is None:
        return []
    graph = manifest("syntax-query")
    cases = []
    for test in entries(graph):
        kind = str(graph.value(test, rdflib.RDF.type))
        if "SyntaxTest" not in kind:
            continue
        path = Path(str(graph.value(test, MF.action)).removeprefix("file://"))
        cases.append(pytest.param(path, "Positive" in kind, id=path.name))
    return cases


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only service over the protocol tests' data: each data file in the named graph the manifest gives it."""
    assert W3C is not None
    folder = tmp_path_factory.mktemp("w3c") / "store"
    store = ox.Store(str(folder))
    graph = manifest("protocol")
    for data in set(graph.subjects(UT.graph, None)):
        file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
        store.load(file.read_bytes(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph.value(data, rdflib.RDFS.label))))
    store.flush()
    del store
    index = folder.parent / "index.sqlite"
    with LiveServer(Settings(backend="oxigraph", store=str(folder), index=index, query_timeout=10, max_rows=500)) as server:
        yield server.url
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(("path", "positive"), syntax_cases())
def test_w3c_syntax(endpoint: str, path: Path, positive: bool) -> None:
    text = path.read_text(encoding="utf-8")
    r = httpx.post(f"{endpoint}/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json, text/turtle"}, timeout=60)
    if positive:
        # Accepted by the grammar: answered, or (syntax-select-expr-04 calls <http://example/function>)
        # refused by the engine at evaluation with its own message, which is not a syntax refusal.
        assert 200 <= r.status_code < 300 or (r.status_code == 400 and "does not support" in r.text
                                               and "malformed" not in r.text), (r.status_code, r.text[:300])
    else:
        assert r.status_code == 400, (r.status_code, r.text[:300])


def protocol_cases() -> list[Any]:
    if W3C is None:
        return []
    graph = manifest("protocol")
    return [pytest.param(graph, test, id=str(test).rsplit("#", 1)[-1]) for test in entries(graph)]


def _request(graph: rdflib.Graph, node: rdflib.term.Node) -> dict[str, Any]:
    path = str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = {}
    header_list = graph.value(node, HT.headers)
    for header in Collection(graph, header_list) if header_list is not None else []:
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = graph.value(node, HT.body)
    content = None
    if body is not None:
        encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
        content = str(graph.value(body, CNT.chars)).encode(encoding.lower())
    return {"method": str(graph.value(node, HT.methodName)), "path": path, "headers": headers, "content": content}


def _is_update(request: dict[str, Any]) -> bool:
    media = request["headers"].get("content-type", "")
    return request["method"] == "POST" and ("sparql-update" in media or (request["content"] or b"").startswith(b"update="))


def _boolean(response: httpx.Response) -> bool:
    media = response.headers.get("content-type", "")
    if "json" in media:
        return bool(json.loads(response.text)["boolean"])
    root = ElementTree.fromstring(response.content)
    found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None and found.text is not None
    return found.text.strip() == "true"


@pytest.mark.parametrize(("graph", "test"), protocol_cases())
def test_w3c_protocol(endpoint: str, graph: rdflib.Graph, test: rdflib.term.Node) -> None:
    action = graph.value(test, MF.action)
    for node in Collection(graph, graph.value(action, HT.requests)):
        request = _request(graph, node)
        response_node = graph.value(node, HT.resp)
        expected = {str(code).removeprefix(HTS)[0] for code in graph.objects(response_node, MF.expectedStatus)}
        r = httpx.request(request["method"], endpoint + request["path"], headers=request["headers"], content=request["content"],
                          timeout=60)
        if _is_update(request) and "2" in expected:
            # Read-only endpoint: the update the test expects to succeed is refused, and says why.
            assert r.status_code == 403 and "read-only" in r.text, (r.status_code, r.text[:300])
            return  # the requests after it check the update's effect
        assert str(r.status_code)[0] in expected, (request, r.status_code, r.text[:300])
        wanted = graph.value(response_node, MF.expectedBoolean)
        if wanted is not None:
            assert _boolean(r) is bool(wanted.toPython()), r.text[:300]
        form = graph.value(response_node, MF.expectedFormat)
        media = r.headers.get("content-type", "")
        if form is not None and str(form) == "tabular":
            assert any(t in media for t in ("sparql-results+xml", "sparql-results+json", "text/csv", "tab-separated")), media
        if form is not None and str(form) == "RDF":
            assert any(t in media for t in ("rdf+xml", "turtle", "n-triples", "ld+json")), media
