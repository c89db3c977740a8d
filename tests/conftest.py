"""Shared fixtures: the bundled corpus, real stores, the report file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from geokg import resources
from geokg.corpus import Corpus, read_corpus
from geokg.load import load_corpus
from geokg.ontology import ConceptIndex, default_index
from geokg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


def report_path() -> Path:
    """The source report, beside the checkout in shared/seeds (as on every dev machine and CI)."""
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        path = base / "seeds" / "000_aa391dd1f89d3a0a.txt"
        if path.is_file():
            return path
    raise FileNotFoundError("the source report shared/seeds/000_aa391dd1f89d3a0a.txt is not beside the checkout")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave files for people to look at (screenshots, executed notebooks); kept after the run."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def report() -> Path:
    return report_path()


@pytest.fixture(scope="session")
def index() -> ConceptIndex:
    return default_index()


@pytest.fixture(scope="session")
def corpus(index: ConceptIndex) -> Corpus:
    return read_corpus(index=index)


@pytest.fixture(scope="session")
def loaded_store() -> Iterator[EmbeddedStore]:
    """An in-memory store holding the bundled corpus (read-only use)."""
    store = EmbeddedStore()
    load_corpus(store)
    yield store
    store.close()


@pytest.fixture
def loaders_copy(tmp_path: Path) -> Path:
    """A private copy of the loaders folder that a test may edit."""
    target = tmp_path / "loaders"
    shutil.copytree(resources.loaders_dir(), target)
    return target


def quads(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.ox.quads_for_pattern(None, None, None, None))


# --- live servers ---------------------------------------------------------------------------

import socket
import threading
import time

import httpx
import uvicorn

from geokg.settings import Settings


class LiveServer:
    """A real `geokg` app served by uvicorn in a thread on 127.0.0.1 (ephemeral port)."""

    def __init__(self, settings: Settings) -> None:
        from geokg.api.app import create_app

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
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
        from geokg.engine import ManagedOxigraph

        self.engine = ManagedOxigraph(location, timeout=timeout)

    def __enter__(self) -> "OxigraphServer":
        self.engine.start()
        self.url = self.engine.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.stop()


@pytest.fixture(scope="session")
def bundled_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the bundled corpus, loaded once (copied by tests that serve it)."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    store = EmbeddedStore(path)
    load_corpus(store)
    store.close()
    return path


@pytest.fixture(scope="session", params=["embedded", "remote"])
def backend_settings(request: pytest.FixtureRequest, bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a service over each backend: the managed embedded store, or a remote Oxigraph server."""
    folder = tmp_path_factory.mktemp(request.param) / "store"
    shutil.copytree(bundled_store_dir, folder)
    yield from served_settings(request.param, folder)


def served_settings(backend: str, folder: Path, **extra: object) -> Iterator[Settings]:
    """Settings for a service over a copy of the store: managed engine, or a remote server we start."""
    common: dict[str, object] = {"query_timeout": 5, "max_rows": 500, "engine_memory_mb": 2048, **extra}
    if backend == "embedded":
        yield Settings(backend="oxigraph", store=str(folder), **common)
    else:
        with OxigraphServer(folder) as server:
            yield Settings(backend="sparql", store=server.url, **common)


@pytest.fixture(scope="session")
def live(backend_settings: Settings) -> Iterator[LiveServer]:
    """A live read-only service over each backend."""
    with LiveServer(backend_settings) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=60) as c:
        yield c
