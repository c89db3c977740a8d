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

from geokg.load.corpus import load_corpus
from geokg.settings import Settings
from geokg.store import open_store
from geokg.store.embedded import EmbeddedStore
from geokg.store.servers import VirtuosoServer, virtuoso_binary

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
    """Settings for a service over a copy of the store: managed engine, or a remote server we start
    (``remote``: `oxigraph serve` on the copy; ``virtuoso``: Virtuoso with the bundled corpus loaded)."""
    common: dict[str, object] = {"query_timeout": 5, "max_rows": 500, "engine_memory_mb": 2048, **extra}
    if backend == "embedded":
        yield Settings(backend="oxigraph", store=str(folder), **common)
    elif backend == "virtuoso":
        with VirtuosoServer(folder.parent / "virtuoso") as server:
            settings = server.settings(index=folder.parent / "virtuoso.index.sqlite", **common)
            store = open_store(settings)
            try:
                load_corpus(store)
            finally:
                store.close()
            yield settings
    else:
        with OxigraphServer(folder) as server:
            yield Settings(backend="sparql", store=server.url, **common)


#: The backends the service tests run on: the managed embedded engine, `oxigraph serve`, Virtuoso.
BACKENDS = ["embedded", "remote", "virtuoso"]


def require_virtuoso() -> None:
    """Virtuoso is installed by scripts/setup; a machine without it fails here, saying so."""
    if virtuoso_binary() is None:
        raise RuntimeError("Virtuoso is not installed: run ./scripts/setup (Debian: apt-get install virtuoso-opensource)")


def virtuoso_view(text: str, query: str) -> str:
    """The reviewed TSV as Virtuoso answers it: concatenations untagged, EXISTS booleans as 0/1."""
    concatenated = set(re.findall(r"GROUP_CONCAT\((?:[^()]|\([^()]*\))*\)\s+AS\s+\?(\w+)", query, re.IGNORECASE))
    booleans = set(re.findall(r"EXISTS\s*\{[^{}]*\}\s*AS\s+\?(\w+)", query, re.IGNORECASE))
    lines = text.strip("\n").split("\n")
    header = [h.lstrip("?") for h in lines[0].split("\t")]
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split("\t")
        for i, name in enumerate(header):
            if name in concatenated:
                cells[i] = re.sub(r'^(".*")@[\w-]+$', r"\1", cells[i])
            if name in booleans:
                cells[i] = {"true": "1", "false": "0"}.get(cells[i], cells[i])
        out.append("\t".join(cells))
    return "\n".join(out) + "\n"


def reviewed_answer(name: str, query: str, settings: Settings | None = None) -> str:
    """A named question's reviewed TSV answer, as the settings' store gives it (see :func:`virtuoso_view`)."""
    text = (ANSWERS / f"{name}.tsv").read_text(encoding="utf-8")
    if settings is not None and settings.backend == "sparql" and settings.engine == "virtuoso":
        return virtuoso_view(text, query)
    return text


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
