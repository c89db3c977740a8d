"""Standard SPARQL servers started on this machine on a scratch folder: for the tests, the benchmarks,
and for trying GeoKG on an engine before deploying one.

:class:`VirtuosoServer` runs Debian's ``virtuoso-opensource`` (``virtuoso-t``) on 127.0.0.1 with a
database in the given folder, free ports and its default ``dba`` account; it is stopped on exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import httpx

from geokg.errors import StoreUnavailable
from geokg.settings import Settings

#: The account of a fresh Virtuoso database (a scratch one: never exposed beyond 127.0.0.1).
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"  # noqa: S105 - the engine's documented default, on loopback only

_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 2G
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def virtuoso_binary() -> str | None:
    """Debian's Virtuoso server binary, if installed."""
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    """A Virtuoso Open Source server on a scratch database in ``folder``, on 127.0.0.1.

    :param folder: where the database and its ``virtuoso.ini`` live (created; reused if it exists)
    :param memory_mb: page buffers to give it (Virtuoso's guide: about 2/3 of the memory it may use)
    :param timeout: its own per-query time limit, in seconds
    """

    def __init__(self, folder: Path, *, memory_mb: int = 512, timeout: int = 60) -> None:
        self.folder = folder
        self.memory_mb, self.timeout = memory_mb, timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def settings(self, **extra: object) -> Settings:
        """GeoKG's settings for this server, with its writing account."""
        return Settings(backend="sparql", engine="virtuoso", store=self.url, store_user=VIRTUOSO_USER,
                        store_password=VIRTUOSO_PASSWORD, **extra)  # type: ignore[arg-type]

    def start(self) -> VirtuosoServer:
        binary = virtuoso_binary()
        if binary is None:
            raise StoreUnavailable("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
        self.folder.mkdir(parents=True, exist_ok=True)
        http_port = free_port()
        buffers = max(2000, self.memory_mb * 2**20 * 2 // 3 // 8192)  # 8 KiB pages
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_INI.format(dir=self.folder, sql_port=free_port(), http_port=http_port, buffers=buffers,
                                   dirty=buffers * 3 // 4, timeout=self.timeout), encoding="utf-8")
        with open(self.folder / "server.out", "ab") as log:
            self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)],  # noqa: S603 - fixed arguments
                                            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{http_port}"
        self._wait_ready()
        return self

    def _wait_ready(self, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                log = (self.folder / "virtuoso.log").read_text(encoding="utf-8", errors="replace")[-800:]
                raise StoreUnavailable(f"Virtuoso exited at start: {log.strip()}")
            try:
                if httpx.post(f"{self.url}/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise StoreUnavailable(f"Virtuoso did not answer within {seconds:g} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
