"""Helpers the tests import: where things are, and real servers on 127.0.0.1 that tests start and stop."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import uvicorn

from geokg.settings import Settings
from geokg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
#: Reviewed answers of the named questions (SPARQL 1.1 TSV results), one file per question.
ANSWERS = DATA / "answers"


def report_path() -> Path:
    """The source report, beside the checkout in shared/seeds (as on every dev machine and CI)."""
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        path = base / "seeds" / "000_aa391dd1f89d3a0a.txt"
        if path.is_file():
            return path
    raise FileNotFoundError("the source report shared/seeds/000_aa391dd1f89d3a0a.txt is not beside the checkout")


def quads(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.ox.quads_for_pattern(None, None, None, None))


class LiveServer:
    """A real `geokg` app served by uvicorn in a thread on 127.0.0.1 (ephemeral port)."""

    def __init__(self, settings: Settings) -> None:
        from geokg.app import create_app, server_config

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        self.server = uvicorn.Server(server_config(self.app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


class OxigraphServer:
    """A real `oxigraph serve` on 127.0.0.1 (the remote backend), stopped by the test."""

    def __init__(self, location: Path, timeout: float = 5) -> None:
        from geokg.store.engine import ManagedOxigraph

        self.engine = ManagedOxigraph(location, timeout=timeout)

    def __enter__(self) -> OxigraphServer:
        self.engine.start()
        self.url = self.engine.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.stop()


def served_settings(backend: str, folder: Path, **extra: object) -> Iterator[Settings]:
    """Settings for a service over a copy of the store: managed engine, or a remote server we start."""
    common: dict[str, object] = {"query_timeout": 5, "max_rows": 500, "engine_memory_mb": 2048, **extra}
    if backend == "embedded":
        yield Settings(backend="oxigraph", store=str(folder), **common)
    else:
        with OxigraphServer(folder) as server:
            yield Settings(backend="sparql", store=server.url, **common)


def normalised_rows(tsv: str) -> list[str]:
    """TSV rows with GROUP_CONCAT cells sorted (their order is not defined), as a sorted list."""
    lines = tsv.strip("\n").split("\n")
    body = []
    for line in lines[1:]:
        cells = []
        for cell in line.split("\t"):
            match = re.fullmatch(r'"(.*)"(@\w+|\^\^<[^>]+>)?', cell)
            if match and "; " in match[1]:
                cell = '"' + "; ".join(sorted(match[1].split("; "))) + '"' + (match[2] or "")
            cells.append(cell)
        body.append("\t".join(cells))
    return [lines[0], *sorted(body)]
