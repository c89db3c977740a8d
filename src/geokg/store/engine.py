"""The query engine behind ``geokg serve``: an Oxigraph server process on the store folder.

Serving through a child process is what lets a runaway query be *really* stopped: Oxigraph's
own timeout does not interrupt every plan (an ORDER BY over a cartesian product ran on past
its limit to 16 GB here), so the engine is killed and restarted when a query overruns, and a
watchdog kills it when its resident memory passes a cap, so one query cannot exhaust the
machine. (An address-space rlimit was tried first: RocksDB and thread stacks reserve so much
virtual memory that the engine failed with EAGAIN under ordinary load.) RocksDB recovers
the store on restart; committed writes are durable and a killed write leaves nothing behind.

``geokg serve`` runs the engine *isolated* (:mod:`geokg.store.sandbox`): in a network namespace of
its own, reachable only through a Unix socket in a private directory with a per-start key, so
nothing but GeoKG can query or write the store. Unisolated (a plain TCP listener on 127.0.0.1) is
for the tests and benchmarks that need a stand-in remote SPARQL server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Generator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from geokg.errors import StoreUnavailable
from geokg.store.sandbox import KEY_HEADER

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


def isolation_available() -> bool:
    """Whether this machine lets an unprivileged process make a user + network namespace."""
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    try:
        return subprocess.run([unshare, "--user", "--map-root-user", "--net", "true"],  # noqa: S603 - fixed arguments
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def loopback_endpoints(allowlist: list[str]) -> dict[int, tuple[str, int]]:
    """The allowlisted SERVICE endpoints on this machine's loopback, by port: the isolated engine can
    reach those (relayed out by GeoKG) and nothing else."""
    out: dict[int, tuple[str, int]] = {}
    for entry in allowlist:
        parts = urlsplit(entry)
        if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost") and parts.port:
            out[parts.port] = ("127.0.0.1", parts.port)
    return out


class _Egress(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Relays the isolated engine's connections to one allowlisted endpoint (and nowhere else)."""

    daemon_threads = True

    def __init__(self, path: str, target: tuple[str, int]) -> None:
        self.target = target
        super().__init__(path, _EgressHandler)


class _EgressHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        target: tuple[str, int] = self.server.target  # type: ignore[attr-defined]
        try:
            upstream = socket.create_connection(target, timeout=30)
        except OSError:
            return
        with upstream:
            threading.Thread(target=_copy, args=(upstream, self.request), daemon=True).start()
            _copy(self.request, upstream)


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


class _EngineKey(httpx.Auth):
    """Sends the engine's current key (a restart makes a new one)."""

    def __init__(self, engine: ManagedOxigraph) -> None:
        self.engine = engine

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[KEY_HEADER] = self.engine._key
        yield request


def _process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return out


class ManagedOxigraph:
    """An ``oxigraph serve`` child process, restartable at any time.

    :param location: the store folder (the same RocksDB layout pyoxigraph writes)
    :param timeout: the server's own per-query timeout, in seconds
    :param memory_limit: cap of the engine's resident memory, in bytes (0: no cap)
    :param isolated: reachable only by GeoKG (see :mod:`geokg.store.sandbox`); else a TCP port on
        127.0.0.1 that anyone on the machine can use (tests and benchmarks only)
    :param allowlist: SERVICE endpoints the isolated engine may call (loopback ones only)
    """

    def __init__(self, location: str | Path, *, timeout: float = 30.0, memory_limit: int = 0,
                 isolated: bool = False, allowlist: list[str] | None = None) -> None:
        self.location = str(location)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.isolated = isolated
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.generation = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None
        #: Generations killed for passing the memory cap (what the requests they were answering hear).
        self.over_memory: set[int] = set()
        self._private = ""
        self._key = ""
        self._egress: list[_Egress] = []
        self._relayed = loopback_endpoints(allowlist or []) if isolated else {}
        self.pid_path = Path(self.location).parent / (Path(self.location).name + ".engine.pid")

    @property
    def url(self) -> str:
        return "http://geokg-engine" if self.isolated else f"http://127.0.0.1:{self.port}"

    @property
    def socket_path(self) -> str:
        return os.path.join(self._private, "engine.sock")

    def client(self, timeout: float) -> httpx.Client:
        """An HTTP client of the engine (through the private socket, with the key, when isolated)."""
        if not self.isolated:
            return httpx.Client(timeout=timeout)
        return httpx.Client(timeout=timeout, transport=httpx.HTTPTransport(uds=self.socket_path), auth=_EngineKey(self))

    def _rss(self) -> int:
        process = self.process
        if process is None:
            return 0
        total = 0
        for pid in _process_tree(process.pid):
            try:
                with open(f"/proc/{pid}/status", encoding="ascii") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def _reap_stale(self) -> None:
        """Kill an engine a killed GeoKG left on this store (it would hold the database lock)."""
        try:
            pid = int(self.pid_path.read_text(encoding="ascii").split()[0])
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                mine = self.location.encode() in cmdline.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            return
        if not mine or (self.process is not None and self.process.pid == pid):
            return
        log.warning("stopping the engine %d a previous GeoKG left on %s", pid, self.location)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)

    def _isolated_command(self) -> list[str]:
        unshare = shutil.which("unshare")
        if not unshare or not isolation_available():
            raise StoreUnavailable(
                "the query engine runs in a private network namespace, and this machine does not allow that "
                "(unprivileged user namespaces are off: sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu "
                "kernel.apparmor_restrict_unprivileged_userns=0); or serve with GEOKG_ENGINE_ISOLATION=off, "
                "which leaves the engine open to every local process")
        if not self._private:
            self._private = tempfile.mkdtemp(prefix="geokg-engine-")  # mode 0700
            for port, target in self._relayed.items():
                egress = _Egress(os.path.join(self._private, f"egress-{port}.sock"), target)
                threading.Thread(target=egress.serve_forever, name=f"engine-egress-{port}", daemon=True).start()
                self._egress.append(egress)
        self._key = secrets.token_urlsafe(32)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        command = [unshare, "--user", "--map-root-user", "--net", sys.executable, "-m", "geokg.store.sandbox",
                   "--oxigraph", oxigraph_binary(), "--location", self.location, "--socket", self.socket_path,
                   "--timeout-s", str(max(1, int(self.timeout)))]
        for port in self._relayed:
            command += ["--egress", f"{port}={os.path.join(self._private, f'egress-{port}.sock')}"]
        return command

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
                    self.over_memory.add(generation)
                    self.kill_and_restart(generation)
            except StoreUnavailable:
                log.exception("query engine restart failed; trying again")

    def start(self) -> None:
        self._reap_stale()
        if self.isolated:
            command = self._isolated_command()
        else:
            self.port = self.port or free_port()  # a restart keeps the address clients know
            command = [oxigraph_binary(), "serve", "--location", self.location, "--bind", f"127.0.0.1:{self.port}",
                       "--union-default-graph", "--timeout-s", str(max(1, int(self.timeout)))]
        # The engine's messages go to a file beside the store: an unread pipe would fill and block it.
        self.log_path = Path(self.location).parent / "engine.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            # Isolated, the sandbox reads its key from stdin and lives as long as the pipe: as long as we do.
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE if self.isolated else subprocess.DEVNULL,  # noqa: S603 - our own binary, fixed arguments
                                            stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True)
        if self.isolated and self.process.stdin is not None:
            self.process.stdin.write(self._key.encode("ascii") + b"\n")
            self.process.stdin.flush()
        self.pid_path.write_text(f"{self.process.pid}\n", encoding="ascii")
        self._wait_ready()
        self.generation += 1  # only now: a request that fails meanwhile must not restart it again
        if self._watchdog is None:
            self._stopping.clear()
            self._watchdog = threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True)
            self._watchdog.start()
        log.info("query engine %s started on %s (generation %d)", self.process.pid, self.url, self.generation)

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        with self.client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    err = self.log_path.read_text(encoding="utf-8", errors="replace")[-500:]
                    raise StoreUnavailable(f"the query engine exited at start: {err.strip()}")
                try:
                    if client.post(f"{self.url}/query", data={"query": "ASK {}"}).status_code == 200:
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
        for egress in self._egress:
            egress.shutdown()
            egress.server_close()
        self._egress = []
        if self._private:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = ""
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        with contextlib.suppress(OSError):
            self.pid_path.unlink()

    def kill_and_restart(self, generation: int) -> None:
        """Stop a runaway query by killing the engine, then start it again.

        Several requests may time out together; only the first restart for a generation acts.
        """
        with self._lock:
            if generation != self.generation or self._stopping.is_set():
                return
            if self.process is not None:
                if self.process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
                if self.process.stdin is not None:
                    with contextlib.suppress(OSError):
                        self.process.stdin.close()
            log.warning("query engine killed or dead; restarting")
            self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
