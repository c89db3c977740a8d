"""Nothing is deleted by surprise (issue 16): restarting ``geokg serve``, loading the bundled corpus or
``geokg sync`` never remove a paper without ``--prune``; writes made through the API are listed by
``geokg sync --status`` and kept until ``--overwrite``.

The rule: the project folder is the source of truth, but the store loses nothing without being told.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import yaml

from geokg.load.write import GraphWrite
from geokg.model.vocab import Iris
from geokg.store.embedded import EmbeddedStore
from support import ROOT

BUNDLED = 35


#: The commands' environment: the test's own, without settings that would pick another project or store.
ENV = {k: v for k, v in os.environ.items() if k not in ("GEOKG_HOME", "GEOKG_STORE")}


def geokg(*args: str, cwd: Path = ROOT, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "geokg", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                            env=ENV)
    if ok:
        assert result.returncode == 0, f"geokg {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def paper_ids(store: Path) -> set[str]:
    s = EmbeddedStore(store, create=False)
    try:
        prefix = Iris().paper_graph_prefix
        return {g[len(prefix):] for g in s.graph_names() if g.startswith(prefix)}
    finally:
        s.close()


def serve_once(store: Path) -> int:
    """Start `geokg serve` on the store (it loads the bundled records first), count the papers it serves, stop it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "geokg", "--store", str(store), "serve", "--port", str(port)], cwd=ROOT,
                              env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/papers", timeout=2)
                if response.status_code == 200:
                    return int(response.json()["total"])
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "geokg serve did not start"
            time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def own_project(tmp_path: Path) -> Path:
    """A project holding one paper of its own (a copy of a bundled record under a new id and DOI)."""
    project = tmp_path / "mine"
    geokg("init", str(project))
    record = yaml.safe_load((ROOT / "loaders" / "records" / "s41561-024-01517-y.yaml").read_text(encoding="utf-8"))
    record.update(id="my-own-paper", doi="10.9999/My.Own(Paper);1", url="https://example.org/mine")
    record.pop("provenance", None)
    record.pop("report_sections", None)
    record.pop("report_positions", None)
    (project / "loaders" / "records" / "my-own-paper.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    for dataset in {d for ma in record["method_applications"] for d in ma["inputs"]} | {u["dataset"] for u in record.get("other_datasets", [])}:
        (project / "loaders" / "datasets" / f"{dataset}.yaml").write_bytes((ROOT / "loaders" / "datasets" / f"{dataset}.yaml").read_bytes())
    (project / "loaders" / "venues.yaml").write_bytes((ROOT / "loaders" / "journals.yaml").read_bytes())
    return project


def test_serve_load_and_sync_never_remove_a_paper_without_prune(tmp_path: Path) -> None:
    store = tmp_path / "store"
    geokg("--store", str(store), "load")
    project = own_project(tmp_path)
    geokg("--store", str(store), "--project", str(project), "load")
    assert paper_ids(store) >= {"my-own-paper"} and len(paper_ids(store)) == BUNDLED + 1

    # Loading the bundled corpus again, restarting serve twice, a plain sync: the project's paper stays.
    reloaded = geokg("--store", str(store), "load")
    assert "0 removed" in reloaded.stdout and "my-own-paper" in reloaded.stdout  # kept, and said so
    assert serve_once(store) == BUNDLED + 1
    assert serve_once(store) == BUNDLED + 1
    synced = geokg("--store", str(store), "sync")
    assert "0 removed" in synced.stdout and len(paper_ids(store)) == BUNDLED + 1

    status = geokg("--store", str(store), "sync", "--status")
    assert "only in the store, no record file (sync --prune removes them): 1\n  my-own-paper" in status.stdout
    assert len(paper_ids(store)) == BUNDLED + 1  # --status changes nothing

    pruned = geokg("--store", str(store), "sync", "--prune")
    assert pruned.stdout.index("removing my-own-paper") < pruned.stdout.index("1 removed")  # listed before it goes
    assert "my-own-paper" not in paper_ids(store) and len(paper_ids(store)) == BUNDLED


def test_an_api_write_is_listed_and_kept_until_overwrite(tmp_path: Path) -> None:
    store = tmp_path / "store"
    geokg("--store", str(store), "load")
    graph = str(Iris().paper_graph("s41561-024-01517-y"))
    paper = ox.NamedNode(str(Iris().paper("s41561-024-01517-y")))
    title = ox.NamedNode("http://purl.org/dc/terms/title")

    def retitle(scratch: ox.Store) -> None:  # what a Graph Store PUT or SPARQL Update does, on the same write path
        g = ox.NamedNode(graph)
        for quad in list(scratch.quads_for_pattern(paper, title, None, g)):
            if quad.object.language == "en":
                scratch.remove(quad)
        scratch.add(ox.Quad(paper, title, ox.Literal("Edited through the API", language="en"), g))

    s = EmbeddedStore(store, create=False)
    try:
        GraphWrite(s, Iris()).write({graph}, retitle)
    finally:
        s.close()

    status = geokg("--store", str(store), "sync", "--status")
    assert "changed through the API, differ from their record file (sync --overwrite replaces them): 1\n  s41561-024-01517-y" in status.stdout
    loaded = geokg("--store", str(store), "load")
    assert "1 changed through the API kept as they are: s41561-024-01517-y" in loaded.stdout

    def english_title() -> str:
        s = EmbeddedStore(store, create=False)
        try:
            rows = s.query(f"SELECT ?t WHERE {{ GRAPH <{graph}> {{ <{paper.value}> <{title.value}> ?t FILTER(LANG(?t) = 'en') }} }}")
            return next(iter(rows))["t"].value  # type: ignore[index, no-any-return]
        finally:
            s.close()

    assert english_title() == "Edited through the API"
    geokg("--store", str(store), "sync", "--overwrite")
    assert english_title() != "Edited through the API"
    assert "changed through the API, differ from their record file (sync --overwrite replaces them): 0" in geokg(
        "--store", str(store), "sync", "--status").stdout
