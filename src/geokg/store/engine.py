"""The query engine behind ``geokg serve``: an Oxigraph server process on the store folder.

Serving through a child process is what lets a runaway query be *really* stopped: Oxigraph's
own timeout does not interrupt every plan (an ORDER BY over a cartesian product ran on past
its limit to 16 GB here), so the engine is killed and restarted when a query overruns, and a
watchdog kills it when its resident memory passes a cap, so one query cannot exhaust the
machine. (An address-space rlimit was tried first: RocksDB and thread stacks reserve so much
virtual memory that the engine failed with EAGAIN under ordinary load.) RocksDB recovers
the store on restart; committed writes are durable and a killed write leaves nothing behind.
"""

from __future__ import annotations

import logging
import os
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
    :param memory_limit: cap of the engine's resident memory, in bytes (0: no cap)
    """

    def __init__(self, location: str | Path, *, timeout: float = 30.0, memory_limit: int = 0) -> None:
        self.location = str(location)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.generation = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _rss(self) -> int:
        process = self.process
        if process is None:
            return 0
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _supervise(self) -> None:
        """Restart the engine when it dies or grows past its memory cap."""
        while not self._stopping.wait(0.25):
            generation = self.generation
            try:
                if self.process is not None and self.process.poll() is not None:
                    log.warning("query engine exited (code %s); restarting", self.process.returncode)
                    self.kill_and_restart(generation)
                elif self.memory_limit and self._rss() > self.memory_limit:
                    log.warning("query engine over its memory cap (%d MiB); restarting", self.memory_limit >> 20)
                    self.kill_and_restart(generation)
            except StoreUnavailable:
                log.exception("query engine restart failed; trying again")

    def start(self) -> None:
        self.port = self.port or free_port()  # a restart keeps the address clients know
        command = [oxigraph_binary(), "serve", "--location", self.location, "--bind", f"127.0.0.1:{self.port}",
                   "--union-default-graph", "--timeout-s", str(max(1, int(self.timeout)))]
        # The engine's messages go to a file beside the store: an unread pipe would fill and block it.
        self.log_path = Path(self.location).parent / "engine.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True)  # noqa: S603 - our own binary, fixed arguments
        self.generation += 1
        self._wait_ready()
        if self._watchdog is None:
            self._stopping.clear()
            self._watchdog = threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True)
            self._watchdog.start()
        log.info("query engine %s started on %s (generation %d)", self.process.pid, self.url, self.generation)

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = self.log_path.read_text(encoding="utf-8", errors="replace")[-500:]
                raise StoreUnavailable(f"the query engine exited at start: {err.strip()}")
            try:
                if httpx.post(f"{self.url}/query", data={"query": "ASK {}"}, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise StoreUnavailable(f"the query engine did not answer within {seconds} s")

    def stop(self) -> None:
        self._stopping.set()
        if self._watchdog is not None:
            self._watchdog.join(timeout=5)
            self._watchdog = None
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
            if generation != self.generation or self._stopping.is_set():
                return
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            log.warning("query engine killed or dead; restarting")
            self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
