"""Store backends behind one small interface.

Both backends speak SPARQL: the embedded one is pyoxigraph on disk (or in memory), the remote
one is any server implementing the SPARQL 1.1 Protocol and Graph Store Protocol. The default
graph of every query is the union of all named graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Protocol

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: Turtle-family graph formats by the names the CLI and the API use.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class Store(Protocol):
    """What GeoKG needs of a store."""

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless graphs are given."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update; either the full operation succeeds, or nothing is written."""

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        """Add graphs the store does not hold yet (graph IRI → N-Triples), in one transaction."""

    def graph_names(self) -> set[str]:
        """IRIs of the named graphs in the store."""

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole dataset (quad formats) or one graph (triple formats)."""

    def close(self) -> None:
        """Release the store (flush and close files or connections)."""


def _iri(value: str) -> str:
    if any(c in value for c in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def replace_graphs_update(graphs: Mapping[str, str], drop: Iterable[str] = ()) -> str:
    """Build one SPARQL update that replaces each graph by its N-Triples, and drops others.

    Sent as one update, the replacement is atomic on any store that runs an update request
    in one transaction (pyoxigraph does; so does the Oxigraph server).

    >>> replace_graphs_update({"http://ex/g": "<http://ex/s> <http://ex/p> <http://ex/o> .\\n"})
    'DROP SILENT GRAPH <http://ex/g> ;\\nINSERT DATA { GRAPH <http://ex/g> {\\n<http://ex/s> <http://ex/p> <http://ex/o> .\\n} }'
    """
    parts = [f"DROP SILENT GRAPH {_iri(g)}" for g in drop]
    for graph, ntriples in graphs.items():
        parts.append(f"DROP SILENT GRAPH {_iri(graph)}")
        parts.append(f"INSERT DATA {{ GRAPH {_iri(graph)} {{\n{ntriples}}} }}")
    return " ;\n".join(parts)


def open_store(backend: str, location: str | None) -> Store:
    """Open a store by backend name: ``oxigraph`` (path, or None for memory) or ``sparql`` (URL)."""
    if backend == "oxigraph":
        from geokg.store.embedded import EmbeddedStore

        return EmbeddedStore(location)
    if backend == "sparql":
        from geokg.store.remote import RemoteStore

        if not location:
            raise ValueError("the sparql backend needs the server's base URL")
        return RemoteStore(location)
    raise ValueError(f"unknown store backend {backend!r}; choose one of: {', '.join(BACKENDS)}")


BACKENDS = ("oxigraph", "sparql")
