"""What GeoKG needs of a store: one protocol every backend implements.

Every backend speaks SPARQL. The default graph of every query is the union of all named graphs
unless the caller names graphs. Writes are whole graphs: either the full operation succeeds, or
nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Protocol

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: RDF formats by the names the CLI and the API use.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class RawResponse:
    """A query answered in the serialisation a client asked for, passed on unchanged."""

    status: int
    media_type: str
    body: bytes


class Store(Protocol):
    """The store behind GeoKG: the embedded engine, a managed engine process, or a remote server."""

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        """Run a SPARQL query and return its parsed result.

        :raises QueryError: the query does not parse or cannot run
        :raises QueryTimeout: it ran over the store's time limit and was stopped
        :raises StoreUnavailable: the store cannot be reached
        """
        ...

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> RawResponse:
        """Run a query for a protocol client: the store's own serialisation in the ``accept`` media type.

        An overrunning query is really stopped (not only abandoned) before :class:`QueryTimeout` is raised.
        """
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL update; either the full operation succeeds, or nothing is written."""
        ...

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        """Add graphs the store does not hold yet (graph IRI → N-Triples), in one transaction."""
        ...

    def replace_graphs(self, graphs: Mapping[str, str], drop: Iterable[str] = ()) -> None:
        """Replace each graph by its N-Triples and drop the others named, in one transaction."""
        ...

    def graph_names(self) -> set[str]:
        """IRIs of the named graphs in the store."""
        ...

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole dataset (quad formats) or one graph (triple formats)."""
        ...

    def close(self) -> None:
        """Release the store (flush and close files, connections and processes)."""
        ...
