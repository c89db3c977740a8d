"""The query engine behind ``geokg serve``: an Oxigraph server process on the store folder.

Serving through a child process is what lets a runaway query be *really* stopped: Oxigraph's
own timeout does not interrupt every plan (an ORDER BY over a cartesian product ran on past
its limit to 16 GB here), so the engine is killed and restarted when a query overruns, and
its address space is capped so that one query cannot exhaust the machine. RocksDB recovers
the store on restart; committed writes are durable and a killed write leaves nothing behind.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from geokg.errors import StoreUnavailable

log = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of this environment (PyPI package ``oxigraph``)."""
    here = Path(sys.executable).with_name("oxigraph")
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreUnavailable("the 'oxigraph' server binary is not installed (pip install oxigraph)")
    return found


class ManagedOxigraph:
    """An ``oxigraph serve`` child process on 127.0.0.1, restartable at any time.

    :param location: the store folder (the same RocksDB layout pyoxigraph writes)
    :param timeout: the server's own per-query timeout, in seconds
    :param memory_limit: cap of the engine's address space, in bytes (0: no cap)
    """

    def __init__(self, location: str | Path, *, timeout: float = 30.0, memory_limit: int = 0) -> None:
        self.location = str(location)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.generation = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _limit(self) -> None:  # runs in the child before exec
        os.setsid()
        if self.memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_limit, self.memory_limit))

    def start(self) -> None:
        self.port = self.port or free_port()  # a restart keeps the address clients know
        command = [oxigraph_binary(), "serve", "--location", self.location, "--bind", f"127.0.0.1:{self.port}",
                   "--union-default-graph", "--timeout-s", str(max(1, int(self.timeout)))]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=self._limit)
        self.generation += 1
        self._wait_ready()
        log.info("query engine %s started on %s (generation %d)", self.process.pid, self.url, self.generation)

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = self.process.stderr.read().decode("utf-8", "replace") if self.process.stderr else ""
                raise StoreUnavailable(f"the query engine exited at start: {err.strip()[:500]}")
            try:
                if httpx.post(f"{self.url}/query", data={"query": "ASK {}"}, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise StoreUnavailable(f"the query engine did not answer within {seconds} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill_and_restart(self, generation: int) -> None:
        """Stop a runaway query by killing the engine, then start it again.

        Several requests may time out together; only the first restart for a generation acts.
        """
        with self._lock:
            if generation != self.generation:
                return
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            log.warning("query engine killed to stop a query over the time limit; restarting")
            self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
