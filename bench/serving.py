"""Live servers for the benchmarks (started, waited for, stopped): `geokg serve`, and a bare
Oxigraph server for the remote backend."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from geokg.store.engine import ManagedOxigraph, free_port


@contextmanager
def served(store: Path | str, seconds: float = 60, backend: str = "oxigraph") -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Serve ``store`` (a folder, or a SPARQL server's URL with ``backend="sparql"``) on 127.0.0.1
    without a load step; yields the process and its base URL once healthy. The process's
    ``ready_s`` attribute is its cold start: seconds from launch to the first healthy answer."""
    port = free_port()
    command = [sys.executable, "-m", "geokg", "--backend", backend, "--store", str(store), "serve", "--no-load", "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"geokg serve on {store} did not become healthy")
            time.sleep(0.02)
        server.ready_s = time.perf_counter() - started  # type: ignore[attr-defined]
        yield server, url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def oxigraph_served(store: Path) -> Iterator[ManagedOxigraph]:
    """A plain `oxigraph serve` on the store folder (union default graph), as the remote backend."""
    engine = ManagedOxigraph(store, timeout=300)
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()
