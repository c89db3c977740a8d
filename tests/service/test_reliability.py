"""Reliability and security: crashes, concurrency, hostile input, no outbound surprises, secrets.

Short versions run here; bench/reliability.py runs the long ones.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geokg.errors import RecordError
from geokg.model.records import parse_paper
from geokg.store.embedded import EmbeddedStore
from geokg.store.sparql_guard import Refused, read_query, read_update
from geokg.store.sparql_text import cap_results, query_form, tokens
from support import LiveServer, served_settings

TOKEN = "reliability-test-token-0123456789"
PAPER = "https://w3id.org/geokg/paper/s41561-024-01517-y"
GRAPH = "https://w3id.org/geokg/graph/paper/s41561-024-01517-y"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def writable(bundled_store_dir: Path, tmp_path: Path) -> Iterator[LiveServer]:
    folder = tmp_path / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder, write_token=TOKEN):
        with LiveServer(settings) as server:
            yield server


def paper_version(url: str, k: int) -> bytes:
    """The example paper's graph with title and summary set to version k (valid, so the PUT lands)."""
    body = httpx.get(f"{url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}, timeout=60).text
    keep = [line for line in body.splitlines() if "/dc/terms/title>" not in line and "ontology#summary>" not in line]
    keep += [f'<{PAPER}> <http://purl.org/dc/terms/title> "version {k}"@en .', f'<{PAPER}> <http://purl.org/dc/terms/title> "版本 {k}"@zh .',
             f'<{PAPER}> <https://w3id.org/geokg/ontology#summary> "summary {k}"@en .']
    return ("\n".join(keep) + "\n").encode()


def seen_version(url: str) -> tuple[set[str], set[str]]:
    q = f"SELECT ?t ?s WHERE {{ <{PAPER}> <http://purl.org/dc/terms/title> ?t ; <https://w3id.org/geokg/ontology#summary> ?s }}"
    for _ in range(100):  # a read while the supervisor restarts a killed engine is refused (503): retry
        response = httpx.get(f"{url}/sparql", params={"query": q}, headers=JSON, timeout=60)
        if response.status_code == 200:
            break
        time.sleep(0.1)
    rows = response.json()["results"]["bindings"]
    return {r["t"]["value"] for r in rows}, {r["s"]["value"] for r in rows}


# --- crash safety -------------------------------------------------------------------------


def test_engine_killed_during_writes_loses_no_acknowledged_write(writable: LiveServer) -> None:
    engine = writable.app.state.store.engine
    template = paper_version(writable.url, 0)
    acknowledged = 0
    rng = random.Random(1)
    kills = 0
    with httpx.Client(base_url=writable.url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        for k in range(1, 41):
            body = template.replace(b"version 0", f"version {k}".encode()).replace("版本 0".encode(), f"版本 {k}".encode()).replace(b"summary 0", f"summary {k}".encode())
            if k % 8 == 0:  # SIGKILL the engine (it holds the store) at a random moment of a write
                # (a write takes a few milliseconds since validation has a fast path)
                threading.Timer(rng.uniform(0, 0.01), lambda: os.killpg(engine.process.pid, signal.SIGKILL)).start()
                kills += 1
            for _ in range(100):
                try:
                    r = client.put("/store", params={"graph": GRAPH}, content=body, headers={"Content-Type": "application/n-triples"})
                except httpx.HTTPError:
                    r = None
                if r is not None and r.status_code == 204:
                    acknowledged = k
                    break
                time.sleep(0.1)  # the supervisor restarts the engine; the client retries
            titles, summaries = seen_version(writable.url)
            version = {t.split()[-1] for t in titles} | {s.split()[-1] for s in summaries}
            assert len(version) == 1, f"torn paper: {titles} {summaries}"  # never a mix of two versions
            assert int(version.pop()) >= acknowledged
    assert kills == 5 and acknowledged == 40


def test_loader_killed_at_random_points_leaves_no_half_paper(tmp_path: Path, bundled_store_dir: Path) -> None:
    expected = EmbeddedStore()
    expected.ox.extend(EmbeddedStore(shutil.copytree(bundled_store_dir, tmp_path / "ref")).ox.quads_for_pattern(None, None, None, None))
    by_graph: dict[str, set[str]] = {}
    for q in expected.ox.quads_for_pattern(None, None, None, None):
        by_graph.setdefault(q.graph_name.value, set()).add(str(q))
    rng = random.Random(7)
    # bench: GEOKG_CRASH_TRIALS=50 .venv/bin/python -m pytest tests/test_reliability.py -k loader_killed
    for trial in range(int(os.environ.get("GEOKG_CRASH_TRIALS", "4"))):
        folder = tmp_path / f"trial{trial}"
        proc = subprocess.Popen([sys.executable, "-m", "geokg", "--store", str(folder / "store"), "load"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = EmbeddedStore(folder / "store")  # opens after the crash
        present: dict[str, set[str]] = {}
        for q in store.ox.quads_for_pattern(None, None, None, None):
            present.setdefault(q.graph_name.value, set()).add(str(q))
        for graph, quads in present.items():
            assert quads == by_graph[graph], f"trial {trial}: graph {graph} is half-written"
        store.close()
        done = subprocess.run([sys.executable, "-m", "geokg", "--store", str(folder / "store"), "load"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr


def test_dead_engine_is_restarted(writable: LiveServer) -> None:
    engine = writable.app.state.store.engine
    before = engine.generation
    os.killpg(engine.process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if engine.generation > before and engine.alive():
            break
        time.sleep(0.1)
    assert httpx.get(f"{writable.url}/health", timeout=30).status_code == 200


# --- concurrency ----------------------------------------------------------------------------


def test_readers_never_see_a_torn_paper_while_a_writer_replaces_it(writable: LiveServer) -> None:
    template = paper_version(writable.url, 0)
    put = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=template,
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"}, timeout=60)
    assert put.status_code == 204, put.text  # readers start from version 0
    stop = time.monotonic() + 5
    errors: list[str] = []
    reads = [0]

    def writer() -> None:
        k = 0
        with httpx.Client(base_url=writable.url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            while time.monotonic() < stop:
                k += 1
                body = template.replace(b"version 0", f"version {k}".encode()).replace("版本 0".encode(), f"版本 {k}".encode()).replace(b"summary 0", f"summary {k}".encode())
                r = client.put("/store", params={"graph": GRAPH}, content=body, headers={"Content-Type": "application/n-triples"})
                if r.status_code != 204:
                    errors.append(f"write {r.status_code}: {r.text[:200]}")

    def reader() -> None:
        while time.monotonic() < stop:
            try:
                titles, summaries = seen_version(writable.url)
            except Exception as exc:
                errors.append(f"read: {exc}")
                continue
            versions = {t.split()[-1] for t in titles} | {s.split()[-1] for s in summaries}
            if len(versions) != 1 or len(titles) != 2:
                errors.append(f"torn read: {titles} {summaries}")
            reads[0] += 1

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert reads[0] > 20


# --- hostile input --------------------------------------------------------------------------


def test_deeply_nested_query_is_refused_and_the_engine_survives(live: LiveServer) -> None:
    deep = "SELECT * WHERE " + "{ " * 20000 + "?s ?p ?o " + "} " * 20000
    r = httpx.post(f"{live.url}/sparql", data={"query": deep}, timeout=60)
    assert r.status_code in (400, 413) and r.status_code != 500
    nested_expr = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    assert httpx.post(f"{live.url}/sparql", data={"query": nested_expr}, timeout=60).status_code == 400
    assert httpx.get(f"{live.url}/sparql", params={"query": "ASK {}"}, headers=JSON).json()["boolean"] is True


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/sparql", {"params": {"query": "SELECT ?x WHERE { ?x ?y }"}}),
        ("POST", "/sparql", {"content": b"\xff\xfe\xfa", "headers": {"Content-Type": "application/sparql-query"}}),
        ("POST", "/sparql", {"content": b"query=%FF%FE", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
        ("GET", "/paper/..%2F..%2Fetc%2Fpasswd", {}),
        ("GET", "/concept/..%2F..%2Fontology%2Fgeodm.ttl", {}),
        ("GET", "/papers/..%2F..%2Fetc%2Fpasswd", {}),
        ("GET", "/questions/..%2F..%2Fpyproject", {}),
        ("POST", "/sparql", {"data": {"query": "SELECT * WHERE { ?s ?p ?o } FILTER(" + "?s = ?s || " * 20_000 + "true)"}}),
        ("GET", "/concepts", {"params": {"q": "\x00\x01\ud7ff"}}),
        ("GET", "/ask", {"params": {"q": "🙂" * 100}}),
    ],
)
def test_hostile_requests_get_a_4xx_never_a_500(live: LiveServer, method: str, path: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    r = httpx.request(method, f"{live.url}{path}", timeout=60, **kwargs)
    assert 400 <= r.status_code < 500 or (r.status_code == 200 and path in ("/concepts", "/ask")), (r.status_code, r.text[:200])
    assert "root:" not in r.text


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_sparql_reading_never_crashes(text: str) -> None:
    tokens(text)
    query_form(text)
    for read in (read_query, read_update):
        with contextlib.suppress(Refused):
            read(text)
    capped, changed = cap_results(text, 10)
    assert isinstance(capped, str) and (changed or capped == text)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                       lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
                       max_leaves=20)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["id", "doi", "url", "title", "journal", "published", "summary", "research_question",
                                        "processes", "method_applications", "findings", "report_sections", "provenance", "extra"]),
                       JSONISH, max_size=14))
def test_record_parser_only_raises_record_errors(data: dict) -> None:  # type: ignore[type-arg]
    try:
        parse_paper(data, "fuzz.yaml")
    except RecordError as exc:
        assert exc.source == "fuzz.yaml" and str(exc)


def _value_for(schema: dict, rng: random.Random):  # type: ignore[no-untyped-def, type-arg]
    kind = schema.get("type") or next((s.get("type") for s in schema.get("anyOf", []) if s.get("type") != "null"), "string")
    if kind == "integer":
        return rng.choice([0, -1, 1, 2**31, rng.randint(-10**6, 10**6)])
    if kind == "array":
        return [_value_for(schema.get("items", {}), rng) for _ in range(rng.randint(0, 3))]
    alphabet = string.ascii_letters + string.digits + string.punctuation + " 留一交叉验证é\u200b"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def test_openapi_driven_fuzz_finds_no_5xx(live: LiveServer) -> None:
    spec = httpx.get(f"{live.url}/openapi.json").json()
    rng = random.Random(3)
    tried = 0
    with httpx.Client(base_url=live.url, timeout=60) as client:
        for path, operations in spec["paths"].items():
            get = operations.get("get")
            if get is None or path in ("/sparql",):
                continue
            for _ in range(25):
                params, url = {}, path
                for p in get.get("parameters", []):
                    value = _value_for(p.get("schema", {}), rng)
                    if p["in"] == "path":
                        url = url.replace("{" + p["name"] + "}", httpx.URL("", params={"x": str(value)}).params["x"].replace("/", "%2F") or "x")
                    elif rng.random() < 0.8:
                        params[p["name"]] = value
                r = client.get(url, params=params)
                tried += 1
                assert r.status_code < 500, (url, params, r.status_code, r.text[:300])
    assert tried >= 300


# --- no outbound surprises ------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts connection attempts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


def test_no_request_reaches_a_non_allowlisted_host(writable: LiveServer) -> None:
    listener = Listener()
    target = f"http://127.0.0.1:{listener.port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        attempts = [
            httpx.get(f"{writable.url}/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"}),
            httpx.get(f"{writable.url}/sparql", params={"query": f"SELECT * WHERE {{ SERVICE SILENT <{target}/x> {{ ?s ?p ?o }} }}"}),
            httpx.get(f"{writable.url}/sparql", params={"query": f"SELECT * WHERE {{ BIND(<{target}/x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"}),
            httpx.post(f"{writable.url}/sparql", data={"update": f"LOAD <{target}/x.ttl> INTO GRAPH <{GRAPH}>"}, headers=auth),
            httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, headers={**auth, "Content-Type": "application/ld+json"},
                      content=f'{{"@context": "{target}/context.jsonld", "@id": "{PAPER}", "title": "x"}}'.encode()),
            httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, headers={**auth, "Content-Type": "application/rdf+xml"},
                      content=(f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{target}/secret">]>'
                               f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:d="http://purl.org/dc/terms/">'
                               f'<rdf:Description rdf:about="{PAPER}"><d:title>&x;</d:title></rdf:Description></rdf:RDF>').encode()),
        ]
        time.sleep(0.5)
        assert all(400 <= r.status_code < 500 for r in attempts), [(r.status_code, r.text[:120]) for r in attempts]
        assert listener.connections == 0
    finally:
        listener.close()


# --- writes need authority; secrets stay secret ----------------------------------------------


def test_the_token_never_appears_in_logs_or_errors(writable: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-" + TOKEN
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{PAPER}> <http://www.w3.org/2000/01/rdf-schema#comment> "x" }} }}'
    responses = [
        httpx.post(f"{writable.url}/sparql", data={"update": update}, headers={"Authorization": f"Bearer {wrong}"}),
        httpx.post(f"{writable.url}/sparql", data={"update": update}, headers={"Authorization": TOKEN}),
        httpx.post(f"{writable.url}/sparql", data={"update": "DROP ALL"}, headers={"Authorization": f"Bearer {TOKEN}"}),
        httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=b"garbage", headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}),
    ]
    assert [r.status_code for r in responses] == [401, 401, 400, 400]
    for r in responses:
        assert TOKEN not in r.text and wrong not in r.text
    assert TOKEN not in caplog.text
    log_file = Path(writable.app.state.store.engine.log_path)
    assert TOKEN not in log_file.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("route", [("POST", "/sparql"), ("PUT", "/store"), ("POST", "/store"), ("DELETE", "/store")])
def test_every_write_route_needs_the_token(writable: LiveServer, route: tuple[str, str]) -> None:
    method, path = route
    kwargs = {"data": {"update": "CLEAR GRAPH <x:y>"}} if path == "/sparql" else {"content": b"", "headers": {"Content-Type": "text/turtle"}}
    r = httpx.request(method, f"{writable.url}{path}", params={"graph": GRAPH} if path == "/store" else None, **kwargs)
    assert r.status_code == 401


# --- load -----------------------------------------------------------------------------------


def test_short_bounded_load_has_no_errors(bundled_store_dir: Path, tmp_path: Path) -> None:
    """The CI version of bench/load.py: a second process drives every route for a few seconds."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import load

    folder = tmp_path / "store"
    shutil.copytree(bundled_store_dir, folder)
    report = load.run(folder, seconds=5, clients=4, routes=list(load.ROUTES))
    assert report["requests"] > 50
    assert report["errors"] == 0 and report["error_rate"] == 0
    assert all(r["requests"] > 0 for r in report["routes"].values())
