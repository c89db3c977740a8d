"""Beyond one process: a GeoKG server as the store of another (a read replica), and several API
processes serving one SPARQL server with their writes serialised and validated."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from geokg.errors import QueryError
from geokg.read.questions import bind, questions
from geokg.settings import Settings
from geokg.store import open_store
from geokg.store.servers import free_port
from support import LiveServer, OxigraphServer, normalised_rows, reviewed_answer

TOKEN = "a-long-enough-primary-token-1234"
REPLICA_TOKEN = "a-long-enough-replica-token-5678"
GRAPH = "https://w3id.org/geokg/graph/paper/s41561-024-01517-y"
EXAMPLE = "10.1038/s41561-024-01517-y"
TITLE = "Global ocean carbon uptake enhanced by rainfall"


@pytest.fixture(scope="module")
def primary(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("primary") / "store"
    shutil.copytree(bundled_store_dir, folder)
    settings = Settings(backend="oxigraph", store=str(folder), write_token=TOKEN, query_timeout=10, max_rows=100_000)
    with LiveServer(settings) as server:
        yield server


def replica_settings(primary: LiveServer, folder: Path, **extra: object) -> Settings:
    return Settings(backend="sparql", engine="geokg", store=primary.url, index=folder / "replica.index.sqlite",
                    query_timeout=10, max_rows=500, index_refresh=1.0, **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def replica(primary: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read replica: the primary is its store, and it has no token for it."""
    with LiveServer(replica_settings(primary, tmp_path_factory.mktemp("replica"))) as server:
        yield server


def test_a_replica_answers_as_its_primary(primary: LiveServer, replica: LiveServer, index) -> None:  # type: ignore[no-untyped-def]
    for path in ("/papers?per_page=100", f"/papers/{EXAMPLE}", "/stats", "/concepts/bootstrap", "/datasets"):
        mine, theirs = httpx.get(replica.url + path, timeout=30), httpx.get(primary.url + path, timeout=30)
        assert mine.status_code == 200 and mine.json() == theirs.json(), path
    for name in ("papers-by-method-purpose-datatype", "method-family-by-data-type", "findings-about-process"):
        query = bind(questions()[name], {}, index)
        r = httpx.post(f"{replica.url}/sparql", data={"query": query}, headers={"Accept": "text/tab-separated-values"}, timeout=30)
        assert r.status_code == 200 and normalised_rows(r.text) == normalised_rows(reviewed_answer(name, query))
    got = httpx.get(f"{replica.url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and EXAMPLE in got.text


def test_a_replica_without_the_primarys_token_is_read_only(replica: LiveServer) -> None:
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <a:b> <a:c> "d" }} }}'
    r = httpx.post(f"{replica.url}/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (401, 403)


def test_a_capped_answer_from_the_primary_is_refused(tmp_path: Path) -> None:
    """A replica must not build its lists from a primary's cut answer: it fails, saying why."""
    with LiveServer(Settings(backend="oxigraph", store=str(tmp_path / "three"), max_rows=3)) as three:
        store = open_store(Settings(backend="sparql", engine="geokg", store=three.url))
        try:
            with pytest.raises(QueryError, match="at most 3 rows"):
                store.query("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }")
            assert len(list(store.query("SELECT ?x WHERE { VALUES ?x { 1 2 } }"))) == 2  # type: ignore[arg-type]
        finally:
            store.close()


def test_writes_through_a_replica_reach_the_primary_and_other_replicas_see_them(
    primary: LiveServer, replica: LiveServer, tmp_path: Path
) -> None:
    settings = replica_settings(primary, tmp_path, write_token=REPLICA_TOKEN, store_password=TOKEN)
    with LiveServer(settings) as writer:
        body = httpx.get(f"{primary.url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}, timeout=60).text
        changed = body.replace(f'"{TITLE}"@en', '"Rain raises the ocean carbon sink"@en')
        assert changed != body
        # Validated on the replica: a broken paper never reaches the primary.
        broken = "\n".join(line for line in changed.split("\n") if "<http://purl.org/dc/terms/title>" not in line)
        r = httpx.put(f"{writer.url}/store", params={"graph": GRAPH}, content=broken,
                      headers={"Authorization": f"Bearer {REPLICA_TOKEN}", "Content-Type": "application/n-triples"}, timeout=60)
        assert r.status_code == 422 and "title" in r.text, r.text
        r = httpx.put(f"{writer.url}/store", params={"graph": GRAPH}, content=changed,
                      headers={"Authorization": f"Bearer {REPLICA_TOKEN}", "Content-Type": "application/n-triples"}, timeout=60)
        assert r.status_code == 204, r.text
        assert httpx.get(f"{primary.url}/papers/{EXAMPLE}").json()["title"]["en"] == "Rain raises the ocean carbon sink"
        assert httpx.get(f"{writer.url}/papers/{EXAMPLE}").json()["title"]["en"] == "Rain raises the ocean carbon sink"
        # The read replica picks the change up in its side index (lists, text search) when it next checks.
        deadline = time.monotonic() + 60
        while "Rain raises" not in httpx.get(f"{replica.url}/papers", params={"q": "carbon sink"}).text:
            assert time.monotonic() < deadline, "the read replica never saw the write"
            time.sleep(0.2)
        r = httpx.put(f"{writer.url}/store", params={"graph": GRAPH}, content=body,
                      headers={"Authorization": f"Bearer {REPLICA_TOKEN}", "Content-Type": "application/n-triples"}, timeout=60)
        assert r.status_code == 204


def _serve(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--no-load", "--port", str(port), *args],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and process.poll() is None, "an API process did not come up"
        time.sleep(0.1)


def test_several_api_processes_serve_one_store_and_serialise_writes(bundled_store_dir: Path, tmp_path: Path) -> None:
    """Two uvicorn workers and one more process on one Oxigraph server: two new papers claiming the
    same DOI, sent to different processes at once, are validated one after the other: one is refused."""
    shutil.copytree(bundled_store_dir, tmp_path / "data")
    with OxigraphServer(tmp_path / "data") as store:
        env = {**os.environ, "GEOKG_BACKEND": "sparql", "GEOKG_STORE": store.url, "GEOKG_WRITE_TOKEN": TOKEN,
               "GEOKG_INDEX": str(tmp_path / "index.sqlite"), "GEOKG_WRITE_LOCK": str(tmp_path / "write.lock"),
               "GEOKG_INDEX_REFRESH": "0.5"}
        workers, workers_url = _serve(["--workers", "2"], env)
        single, single_url = _serve([], {**env, "GEOKG_INDEX": str(tmp_path / "other.index.sqlite")})
        try:
            body = httpx.get(f"{workers_url}/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
            claim = body.replace(EXAMPLE, "10.9999/one-doi-two-papers")
            puts = [(url, claim.replace("s41561-024-01517-y", name)) for url, name in
                    ((workers_url, "race-a"), (single_url, "race-b"), (workers_url, "race-c"))]

            def put(item: tuple[str, str]) -> httpx.Response:
                url, text = item
                graph = GRAPH.replace("s41561-024-01517-y", text.split("/graph/paper/")[1].split(">")[0])
                return httpx.put(f"{url}/store", params={"graph": graph}, content=text.encode(), timeout=120,
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"})

            with ThreadPoolExecutor(3) as pool:
                statuses = sorted(r.status_code for r in pool.map(put, puts))
            assert statuses == [204, 422, 422], statuses
            q = "SELECT (COUNT(*) AS ?n) WHERE { ?p <http://prismstandard.org/namespaces/basic/2.0/doi> '10.9999/one-doi-two-papers' }"
            r = httpx.get(f"{single_url}/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
            assert r.json()["results"]["bindings"][0]["n"]["value"] == "1"
            # A write waits while another process holds the write lock, and goes through once it is released.
            again = claim.replace("10.9999/one-doi-two-papers", "10.9999/after-the-lock").replace("s41561-024-01517-y", "race-d")
            with open(tmp_path / "write.lock", "a+b") as held, ThreadPoolExecutor(1) as pool:
                fcntl.flock(held, fcntl.LOCK_EX)
                pending = pool.submit(put, (single_url, again))
                time.sleep(3)
                assert not pending.done(), "the write did not wait for the lock"
                fcntl.flock(held, fcntl.LOCK_UN)
                assert pending.result().status_code == 204
            # Every process lists the new paper (the others pick it up from the store).
            for url in (workers_url, single_url):
                deadline = time.monotonic() + 60
                while "10.9999/one-doi-two-papers" not in httpx.get(f"{url}/papers", params={"q": "rainfall", "per_page": 100}).text:
                    assert time.monotonic() < deadline, f"{url} never listed the new paper"
                    time.sleep(0.2)
        finally:
            for process in (workers, single):
                process.terminate()
                process.wait(timeout=30)
