"""The embedded store: pyoxigraph (RocksDB on disk, or memory)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from geokg.errors import QueryError, StoreUnavailable
from geokg.store import QueryResult


class EmbeddedStore:
    """pyoxigraph behind the :class:`geokg.store.Store` interface.

    :param path: folder of the on-disk store (created if missing), or None for memory
    """

    def __init__(self, path: str | Path | None = None) -> None:
        try:
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.ox = ox.Store(str(path)) if path else ox.Store()
        except OSError as exc:
            hint = " (is `geokg serve` running on it? stop it, or use --backend sparql)" if "lock" in str(exc).lower() else ""
            raise StoreUnavailable(f"cannot open the store at {path}: {exc}{hint}") from None
        self.path = path

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        options: dict[str, object] = {"use_default_graph_as_union": not default_graphs}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self.ox.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc}") from None
        except ValueError as exc:
            raise QueryError(str(exc)) from None

    def update(self, sparql: str) -> None:
        try:
            self.ox.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed update: {exc}") from None

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        # One N-Quads load is one transaction, and far cheaper than parsing an INSERT DATA update.
        nquads = "".join(f"{line[:-1]}<{graph}> .\n" for graph, ntriples in graphs.items()
                         for line in ntriples.split("\n") if line.strip())
        try:
            self.ox.load(nquads, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise QueryError(f"malformed graph data: {exc}") from None

    def graph_names(self) -> set[str]:
        return {g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode)}

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is not None:
            self.ox.dump(out, fmt, from_graph=ox.NamedNode(graph))
        elif fmt.supports_datasets:
            self.ox.dump(out, fmt)
        else:
            # A triple format cannot hold graph names: write the union of all graphs.
            triples = self.ox.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            triples.serialize(out, fmt)

    def close(self) -> None:
        if self.path:
            self.ox.flush()
        del self.ox
