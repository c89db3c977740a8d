"""The embedded store: pyoxigraph (RocksDB on disk, or memory), in this process."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from geokg.errors import QueryError, StoreUnavailable
from geokg.store.protocol import QueryResult, RawResponse
from geokg.store.results import as_bytes, triples
from geokg.store.sparql import replace_graphs_update

#: Media types pyoxigraph serialises query results and graphs in.
RESULT_FORMATS = {f.media_type: f for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                             ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)}
GRAPH_FORMATS = {f.media_type: f for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD,
                                            ox.RdfFormat.RDF_XML)}


class EmbeddedStore:
    """pyoxigraph behind the :class:`geokg.store.Store` interface.

    :param path: folder of the on-disk store, or None for memory
    :param create: create the folder when it does not exist (else a missing store is an error)
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        if path and not create and not Path(path).is_dir():
            raise StoreUnavailable(f"no store at {path} (create it with --create, or load records into it with `geokg load`)")
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
        try:
            if default_graphs:
                return self.ox.query(sparql, default_graph=[ox.NamedNode(g) for g in default_graphs],
                                     named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None)
            return self.ox.query(sparql, use_default_graph_as_union=True,
                                 named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None)
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc}") from None
        except ValueError as exc:
            raise QueryError(str(exc)) from None

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> RawResponse:
        # In this process nothing can stop a running query: the served store (store.managed) is
        # what `geokg serve` uses; this serves the CLI and tests.
        try:
            result = self.query(sparql, default_graphs=default_graphs, named_graphs=named_graphs)
        except QueryError as exc:
            return RawResponse(400, "text/plain", str(exc).encode())
        if isinstance(result, ox.QueryTriples):
            graph_format = GRAPH_FORMATS.get(accept, ox.RdfFormat.N_TRIPLES)
            return RawResponse(200, graph_format.media_type, as_bytes(result.serialize(format=graph_format)))
        result_format = RESULT_FORMATS.get(accept, ox.QueryResultsFormat.JSON)
        return RawResponse(200, result_format.media_type, as_bytes(result.serialize(format=result_format)))

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

    def replace_graphs(self, graphs: Mapping[str, str], drop: Iterable[str] = ()) -> None:
        drop = list(drop)
        if graphs or drop:
            self.update(replace_graphs_update(graphs, drop))

    def graph_names(self) -> set[str]:
        return {g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode)}

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is not None:
            self.ox.dump(out, fmt, from_graph=ox.NamedNode(graph))
        elif fmt.supports_datasets:
            self.ox.dump(out, fmt)
        else:
            # A triple format cannot hold graph names: write the union of all graphs.
            triples(self.ox.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)).serialize(out, fmt)

    def close(self) -> None:
        if self.path:
            self.ox.flush()
        del self.ox
