"""Safety of the endpoint: timeouts that really stop queries, writes only with the token and
only when valid, CORS, body limits — on every backend."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from geokg.settings import Settings
from support import BACKENDS, LiveServer, served_settings

TOKEN = "a-long-enough-test-token-1234"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GRAPH = "https://w3id.org/geokg/graph/paper/s41561-024-01517-y"
PAPER = "https://w3id.org/geokg/paper/s41561-024-01517-y"


@pytest.fixture(scope="module", params=BACKENDS)
def writable(request: pytest.FixtureRequest, bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp(f"writable-{request.param}") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings(request.param, folder, write_token=TOKEN, cors_origins=["https://notebook.example"],
                                    max_request_bytes=200_000):
        with LiveServer(settings) as server:
            yield server


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def titles(url: str) -> set[str]:
    q = f"SELECT ?t WHERE {{ <{PAPER}> <http://purl.org/dc/terms/title> ?t }}"
    r = httpx.get(f"{url}/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    return {b["t"]["value"] for b in r.json()["results"]["bindings"]}


def test_runaway_query_is_stopped_and_the_server_keeps_answering(live: LiveServer) -> None:
    start = time.monotonic()
    r = httpx.post(f"{live.url}/sparql", data={"query": RUNAWAY}, timeout=120)
    elapsed = time.monotonic() - start
    assert r.status_code == 503 and "time limit" in r.text
    assert elapsed < 60
    ok = httpx.get(f"{live.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is True
    if live.app.state.settings.engine == "virtuoso" and live.app.state.settings.backend == "sparql":
        assert "stopped" in r.text or "cancelled" in r.text  # Virtuoso stopped it itself (its timeout parameter)
    engine = getattr(live.app.state.store, "engine", None)
    if engine is not None:  # the managed engine was killed and started again
        assert engine.generation >= 2 and engine.alive()


def test_update_needs_the_token(writable: LiveServer) -> None:
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{PAPER}> <http://www.w3.org/2000/01/rdf-schema#comment> "x" }} }}'
    assert httpx.post(f"{writable.url}/sparql", data={"update": update}).status_code == 401
    r = httpx.post(f"{writable.url}/sparql", data={"update": update}, headers=auth("wrong-token-wrong-token"))
    assert r.status_code == 401 and "wrong-token" not in r.text and TOKEN not in r.text


def test_valid_update_is_applied(writable: LiveServer) -> None:
    update = (f'DELETE {{ GRAPH <{GRAPH}> {{ <{PAPER}> <http://purl.org/dc/terms/title> ?t }} }} '
              f'INSERT {{ GRAPH <{GRAPH}> {{ <{PAPER}> <http://purl.org/dc/terms/title> "Rain and the ocean carbon sink"@en , "降雨与海洋碳汇"@zh }} }} '
              f'WHERE {{ GRAPH <{GRAPH}> {{ <{PAPER}> <http://purl.org/dc/terms/title> ?t }} }}')
    r = httpx.post(f"{writable.url}/sparql", content=update.encode(), headers={**auth(), "Content-Type": "application/sparql-update"})
    assert r.status_code == 204, r.text
    assert titles(writable.url) == {"Rain and the ocean carbon sink", "降雨与海洋碳汇"}


def test_invalid_update_is_refused_and_changes_nothing(writable: LiveServer) -> None:
    before = titles(writable.url)
    update = f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ <{PAPER}#ma-2> <https://w3id.org/geokg/ontology#purpose> ?p }} }}"
    r = httpx.post(f"{writable.url}/sparql", data={"update": update}, headers=auth())
    assert r.status_code == 422
    assert "method_applications[2].purposes" in r.text and "has no purpose" in r.text
    assert titles(writable.url) == before
    q = f"ASK {{ <{PAPER}#ma-2> <https://w3id.org/geokg/ontology#purpose> ?p }}"
    assert httpx.get(f"{writable.url}/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"}).json()["boolean"]


@pytest.mark.parametrize(
    ("update", "status", "message"),
    [
        ("INSERT DATA { <a:s> <a:p> <a:o> }", 400, "must name the graphs"),
        ("DROP ALL", 400, "must name the graphs"),
        ("INSERT DATA { GRAPH <https://w3id.org/geokg/ontology> { <a:s> <a:p> <a:o> } }", 403, "only paper graphs"),
        ("LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <https://w3id.org/geokg/graph/paper/x>", 403, "LOAD and SERVICE"),
        ("INSERT DATA { GRAPH <https://w3id.org/geokg/graph/paper/x> { <a:s> <a:p> ", 400, "malformed update"),
    ],
)
def test_updates_outside_paper_graphs_are_refused(writable: LiveServer, update: str, status: int, message: str) -> None:
    r = httpx.post(f"{writable.url}/sparql", data={"update": update}, headers=auth())
    assert r.status_code == status and message in r.text


def test_graph_store_get_put_delete(writable: LiveServer) -> None:
    got = httpx.get(f"{writable.url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and PAPER in got.text
    body = got.text.encode()
    new = "https://w3id.org/geokg/graph/paper/copy-test"
    # The same paper under a second graph would duplicate its DOI: refused.
    r = httpx.put(f"{writable.url}/store", params={"graph": new}, content=body, headers={**auth(), "Content-Type": "application/n-triples"})
    assert r.status_code == 422 and "already used by" in r.text
    # An invalid graph is refused with the field named.
    broken = b"\n".join(line for line in body.split(b"\n") if b"#summary>" not in line)
    r = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=broken, headers={**auth(), "Content-Type": "application/n-triples"})
    assert r.status_code == 422 and "summary" in r.text
    # Writing it back unchanged is valid.
    r = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=body, headers={**auth(), "Content-Type": "application/n-triples"})
    assert r.status_code == 204, r.text
    assert httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=body, headers={"Content-Type": "application/n-triples"}).status_code in (401, 403)
    r = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=b"<a:b> <a:c>", headers={**auth(), "Content-Type": "application/n-triples"})
    assert r.status_code == 400
    r = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=body, headers={**auth(), "Content-Type": "application/pdf"})
    assert r.status_code == 415
    assert httpx.delete(f"{writable.url}/store", params={"graph": new}, headers=auth()).status_code == 404
    assert httpx.get(f"{writable.url}/store", params={"graph": new}).status_code == 404


def test_cors_for_configured_origins(writable: LiveServer) -> None:
    r = httpx.options(f"{writable.url}/sparql", headers={"Origin": "https://notebook.example", "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") == "https://notebook.example"
    r = httpx.get(f"{writable.url}/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_request_body_limit(writable: LiveServer) -> None:
    r = httpx.post(f"{writable.url}/sparql", content=b"#" * 300_000, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_weak_write_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        Settings(write_token="changeme")
