"""Hostile HTTP: bodies, headers, facets, HTML hygiene (issue 15, findings 3, 7, 8 and 10)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import LiveServer, served_settings

TOKEN = "hostile-http-token-0123456789"
GRAPH = "https://w3id.org/geokg/graph/paper/s41561-024-01517-y"


@pytest.fixture(scope="module")
def writable(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("hostile-http") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings_ in served_settings("embedded", folder, write_token=TOKEN, max_request_bytes=100_000):
        with LiveServer(settings_) as server:
            yield server


def chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"#" * 65536
        sent += 65536


@pytest.mark.parametrize(("method", "path", "media", "auth"), [
    ("POST", "/sparql", "application/sparql-query", False),
    ("POST", "/sparql", "application/x-www-form-urlencoded", False),
    ("POST", "/sparql", "application/sparql-update", True),
    ("PUT", "/store", "text/turtle", True),
    ("POST", "/store", "application/n-triples", True),
])
def test_a_chunked_body_over_the_limit_is_refused_before_it_is_read(writable: LiveServer, method: str, path: str, media: str, auth: bool) -> None:
    headers = {"Content-Type": media, **({"Authorization": f"Bearer {TOKEN}"} if auth else {})}
    params = {"graph": GRAPH} if path == "/store" else None
    try:
        r = httpx.request(method, f"{writable.url}{path}", params=params, content=chunks(20_000_000), headers=headers, timeout=60)
    except httpx.HTTPError:
        return  # the server closed the connection on the oversized body: also refused
    assert r.status_code == 413, (r.status_code, r.text[:200])
    assert httpx.get(f"{writable.url}/health").status_code == 200


def test_oversized_request_headers_are_refused(writable: LiveServer) -> None:
    try:
        r = httpx.get(f"{writable.url}/papers", headers={"X-Padding": "a" * 1_000_000}, timeout=30)
    except httpx.HTTPError:
        return  # connection closed: refused
    assert r.status_code in (400, 431)


def test_html_pages_forbid_framing_sniffing_and_foreign_scripts(writable: LiveServer) -> None:
    for path in ("/", "/papers?method=bootstrap", "/editor", "/browse?scheme=method", "/paper/s41561-024-01517-y", "/nope"):
        r = httpx.get(f"{writable.url}{path}", headers={"Accept": "text/html"}, timeout=60)
        assert r.headers.get("x-content-type-options") == "nosniff", path
        if r.headers.get("content-type", "").startswith("text/html"):
            policy = r.headers.get("content-security-policy", "")
            scripts = policy.split("script-src", 1)[1].split(";", 1)[0]
            assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
            assert scripts.split()[0] == "'self'" and "unsafe-inline" not in scripts, path


def test_head_on_the_graph_store(writable: LiveServer) -> None:
    r = httpx.head(f"{writable.url}/store", params={"graph": GRAPH}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle") and r.content == b""
    assert httpx.head(f"{writable.url}/store", params={"graph": GRAPH + "-none"}).status_code == 404


def test_an_nquads_put_naming_other_graphs_is_refused_not_dropped(writable: LiveServer) -> None:
    body = httpx.get(f"{writable.url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    quads = body + '<urn:a> <urn:b> "smuggled" <https://w3id.org/geokg/graph/catalogue> .\n'
    r = httpx.put(f"{writable.url}/store", params={"graph": GRAPH}, content=quads.encode(),
                  headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-quads"})
    assert r.status_code == 400 and "other graphs" in r.text


def test_a_graph_name_that_is_not_an_iri_is_a_4xx(writable: LiveServer) -> None:
    for graph in ("https://w3id.org/geokg/graph/paper/a b", "https://w3id.org/geokg/graph/paper/a>", "not an iri"):
        for method in ("PUT", "DELETE"):
            r = httpx.request(method, f"{writable.url}/store", params={"graph": graph}, content=b"",
                              headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"})
            assert 400 <= r.status_code < 500, (graph, method, r.status_code)


# --- finding 3: facet repetition ----------------------------------------------------------


def test_repeated_facet_values_count_once(writable: LiveServer) -> None:
    one = httpx.get(f"{writable.url}/papers", params={"method": "data-integration"}, timeout=60)
    assert one.status_code == 200
    for times in (10, 20, 200):
        many = httpx.get(f"{writable.url}/papers", params=[("method", "data-integration")] * times, timeout=60)
        assert many.status_code == 200 and many.json() == one.json()
        page = httpx.get(f"{writable.url}/search", params=[("method", "data-integration")] * times, timeout=60)
        assert page.status_code == 200


def test_too_many_distinct_facet_values_are_refused(writable: LiveServer) -> None:
    values = [("method", f"m{i}") for i in range(40)] + [("purpose", f"p{i}") for i in range(40)]
    r = httpx.get(f"{writable.url}/papers", params=values, timeout=60)
    assert r.status_code == 422


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["method", "purpose", "data_type", "process", "dataset", "journal", "section"]),
                          st.sampled_from(["data-integration", "bootstrap", "remote-sensing", "x", "../x", "<b>", "' OR 1=1"])),
                max_size=60))
def test_generated_facet_requests_are_answered_never_a_5xx(writable: LiveServer, facets: list[tuple[str, str]]) -> None:
    r = httpx.get(f"{writable.url}/papers", params=facets, timeout=60)
    assert r.status_code in (200, 404, 422), (facets, r.status_code)


# --- finding 8 ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/paper/a%20b", "/paper/a%00b", "/concept/a%20b", "/dataset/%3Cx%3E", "/journal/..%2F..",
                                  "/paper/s41561-024-01517-y%0d%0aSet-Cookie:x"])
def test_odd_entity_ids_are_a_4xx_page_not_a_500(writable: LiveServer, path: str) -> None:
    for accept in ("text/html", "text/turtle", "application/json"):
        r = httpx.get(f"{writable.url}{path}", headers={"Accept": accept}, timeout=60)
        assert 400 <= r.status_code < 500, (path, accept, r.status_code)
        assert "set-cookie" not in r.headers


def test_a_raw_socket_sending_garbage_gets_no_5xx(writable: LiveServer) -> None:
    host, port = writable.url.removeprefix("http://").split(":")
    for garbage in (b"GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n"):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(garbage)
            try:
                answer = sock.recv(200)
            except OSError:
                answer = b""
        assert not answer.startswith(b"HTTP/1.1 5"), answer


# --- finding 9: slow queries do not starve cheap routes ---------------------------------------


def test_slow_queries_never_take_the_threads_cheap_routes_need(writable: LiveServer) -> None:
    """45 queries that run to the time limit are in flight; a cheap route still answers before any of
    them has finished (ordering, not timing: before the fix it waited for a thread a query freed)."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) != STR(?i)) }"
    finished: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            r = httpx.get(f"{writable.url}/sparql", params={"query": slow}, timeout=120)
            assert r.status_code in (200, 503), r.status_code  # answered, stopped at the limit, or told to retry
        finally:
            with lock:
                finished.append(1)

    threads = [threading.Thread(target=run) for _ in range(45)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let them all arrive (not a timing assertion: only gives them the chance)
    cheap = httpx.get(f"{writable.url}/papers", params={"method": "bootstrap"}, timeout=120)
    with lock:
        done_when_cheap_answered = len(finished)
    assert cheap.status_code == 200
    assert done_when_cheap_answered == 0
    for thread in threads:
        thread.join()
    assert httpx.get(f"{writable.url}/health", timeout=60).status_code == 200
