"""The store ``geokg serve`` uses over the embedded backend: a managed engine process and its client.

Queries run in the engine process (see :mod:`geokg.store.engine`), so an overrunning query can be
really stopped: the engine is killed and restarted. Callers see the plain :class:`Store` interface.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TypeVar

import pyoxigraph as ox

from geokg.errors import QueryTimeout, StoreUnavailable
from geokg.store.engine import ManagedOxigraph
from geokg.store.protocol import QueryResult, RawResponse
from geokg.store.remote import RemoteStore

T = TypeVar("T")


class ManagedStore:
    """A :class:`RemoteStore` over a :class:`ManagedOxigraph` that stops runaway queries.

    :param location: the store folder
    :param timeout: seconds a query may run
    :param memory_limit: cap of the engine's resident memory, in bytes (0: none)
    :param isolated: the engine is reachable only through GeoKG (see :mod:`geokg.store.sandbox`)
    :param allowlist: SERVICE endpoints the isolated engine may reach
    """

    def __init__(self, location: str, *, timeout: float, memory_limit: int = 0, isolated: bool = True,
                 allowlist: list[str] | None = None) -> None:
        self.engine = ManagedOxigraph(location, timeout=timeout, memory_limit=memory_limit, isolated=isolated,
                                      allowlist=allowlist)
        self.engine.start()
        # The client waits a little longer than the engine's own limit, so that the engine cancels
        # what it can; a query it fails to stop (some plans ignore its limit) is then killed.
        self.timeout = timeout + 2
        self.client = RemoteStore(self.engine.url, timeout=self.timeout, http=self.engine.client(self.timeout))
        #: Generations of the engine that were killed on purpose, to stop a runaway query.
        self._killed: set[int] = set()

    def _guarded(self, run: Callable[[], T]) -> T:
        generation = self.engine.generation
        started = time.monotonic()
        try:
            return run()
        except QueryTimeout as exc:
            if exc.stopped:
                raise
            self._killed.add(generation)
            self.engine.kill_and_restart(generation)  # the only way to really stop the query
            raise QueryTimeout(f"the query ran over the time limit of {self.engine.timeout:g} s and was stopped",
                               stopped=True) from None
        except StoreUnavailable:
            if generation in self._killed and self._restarted_after(generation):
                # The engine was killed to stop *another* request's runaway query: this request did
                # nothing wrong, so it runs once more on the new engine (reads and whole-graph
                # replacements are idempotent; a killed transaction left nothing behind).
                return self._guarded_once(run)
            if generation in self.engine.over_memory:
                raise StoreUnavailable(f"the query needed more than the engine's memory limit of {self.engine.memory_limit >> 20} MiB "
                                       "and was stopped; narrow it") from None
            if time.monotonic() - started >= self.engine.timeout:
                # Past its limit the engine cuts a streamed answer short, but may run on (some plans
                # ignore its limit): stopped for sure the only way there is.
                self._killed.add(generation)
                self.engine.kill_and_restart(generation)
                raise QueryTimeout(f"the query ran over the time limit of {self.engine.timeout:g} s and was stopped",
                                   stopped=True) from None
            if not self.engine.alive():
                self.engine.kill_and_restart(generation)
                raise StoreUnavailable("the query engine stopped while answering and was restarted; retry the request") from None
            raise

    def _guarded_once(self, run: Callable[[], T]) -> T:
        try:
            return run()
        except QueryTimeout as exc:
            if not exc.stopped:
                self.engine.kill_and_restart(self.engine.generation)
            raise QueryTimeout(f"the query ran over the time limit of {self.engine.timeout:g} s and was stopped",
                               stopped=True) from None

    def _restarted_after(self, generation: int, seconds: float = 30.0) -> bool:
        """Wait until the engine that replaced ``generation`` answers (a restart takes about a second)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.engine.generation > generation and self.engine.alive():
                return True
            time.sleep(0.05)
        return False

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        return self._guarded(lambda: self.client.query(sparql, default_graphs=default_graphs, named_graphs=named_graphs))

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> RawResponse:
        return self._guarded(lambda: self.client.forward_query(
            sparql, accept, default_graphs=default_graphs, named_graphs=named_graphs, timeout=self.timeout if timeout is None else timeout + 2))

    def update(self, sparql: str) -> None:
        self._guarded(lambda: self.client.update(sparql))

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        self._guarded(lambda: self.client.add_graphs(graphs))

    def replace_graphs(self, graphs: Mapping[str, str], drop: Iterable[str] = ()) -> None:
        self._guarded(lambda: self.client.replace_graphs(graphs, drop))

    def graph_names(self) -> set[str]:
        return self._guarded(self.client.graph_names)

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        self._guarded(lambda: self.client.dump(out, fmt, graph))

    def close(self) -> None:
        self.client.close()
        self.engine.stop()
