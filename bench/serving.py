"""A live `geokg serve` on a store, for the benchmarks (started, waited for, stopped)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from geokg.engine import free_port


@contextmanager
def served(store: Path, seconds: float = 60) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Serve ``store`` on 127.0.0.1 (no load step); yields the process and its base URL once healthy."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "geokg", "--store", str(store), "serve", "--no-load", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            time.sleep(0.1)
        yield server, url
    finally:
        server.terminate()
        server.wait(timeout=30)
