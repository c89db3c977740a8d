"""The one write path: paper graphs are validated, then replaced atomically.

``geokg load`` writes through :func:`write_graphs` after :mod:`geokg.load.build` has checked each
record; writes through the API (SPARQL Update, Graph Store) go through :class:`GraphWrite`,
which computes the new content of the graphs on a scratch copy and checks it with the same
shapes and rules before the store sees it.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from geokg.errors import RecordError, ValidationFailed
from geokg.model.vocab import GEODM, ONTOLOGY_IRI, PRISM, Iris
from geokg.store import Store
from geokg.store.results import as_bytes, ntriples
from geokg.store.sparql import iri, values
from geokg.validate.rules import doi_taken, paper_graph_content, paper_id_of
from geokg.validate.shapes import Validator

#: How many paper graphs go into one update (one transaction).
BATCH = 200


def _batches(items: Iterable[tuple[str, str]]) -> Iterator[dict[str, str]]:
    batch: dict[str, str] = {}
    for graph, text in items:
        batch[graph] = text
        if len(batch) == BATCH:
            yield batch
            batch = {}
    if batch:
        yield batch


def write_graphs(store: Store, graphs: Mapping[str, str] | Iterable[tuple[str, str]], drop: Iterable[str] = ()) -> None:
    """Replace graphs in batches; each batch is one transaction, each graph is never half-written."""
    drops = list(drop)
    items = graphs.items() if isinstance(graphs, Mapping) else graphs
    first = True
    for batch in _batches(items):
        store.replace_graphs(batch, drops if first else ())
        first = False
    for start in range(0, len(drops) if first else 0, BATCH):
        store.replace_graphs({}, drops[start : start + BATCH])


class Spool:
    """Paper graphs as N-Triples in a temporary file, read back in order of adding."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the spool; closed with it
        self.entries: list[tuple[str, int, int]] = []  # graph, offset, length

    def add(self, graph: str, ntriples: str) -> None:
        data = ntriples.encode("utf-8")
        self.entries.append((graph, self.file.tell(), len(data)))
        self.file.write(data)

    def read(self) -> Iterator[tuple[str, str]]:
        for graph, offset, length in self.entries:
            self.file.seek(offset)
            yield graph, self.file.read(length).decode("utf-8")



@contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    """An exclusive lock on a file: one writer at a time among the processes sharing a store
    (uvicorn workers, API replicas with a shared volume). None: this process is the only writer."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
#: A change to a scratch store holding the graphs being written.
Change = Callable[[ox.Store], None]


class GraphWrite:
    """Writes of whole paper graphs, validated like ``geokg load``.

    Only paper graphs may be written (the ontology and the catalogue come from files). The
    validation context (types, subclasses, scheme membership) is read from the store once.
    """

    def __init__(self, store: Store, iris: Iris, on_commit: Callable[[dict[str, str]], None] = lambda graphs: None,
                 lock_path: Path | None = None) -> None:
        """:param on_commit: told the new N-Triples of the graphs written ("" for a graph removed).
        :param lock_path: a file locked around each write, when other processes write the same store."""
        self.store, self.iris, self.on_commit, self.lock_path = store, iris, on_commit, lock_path
        # One writer at a time: a write reads graphs, then replaces them. Per writer, not per module:
        # a GeoKG server may write through another in the same process (tests), which takes its own.
        self._lock = threading.Lock()

    @cached_property
    def validator(self) -> Validator:
        result = self.store.query(f"""
            CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              {values("g", [iri(str(ONTOLOGY_IRI)), iri(str(self.iris.catalogue_graph))])}
              {values("p", [iri(str(RDF.type)), iri(str(RDFS.subClassOf)), iri(str(SKOS.inScheme))])}
              GRAPH ?g {{ ?s ?p ?o }}
            }}""")
        context = Graph()
        context.parse(data=ntriples(result), format="nt")
        return Validator(context)

    def check_writable(self, graphs: set[str]) -> None:
        """Refuse graphs that are not paper graphs (:class:`PermissionError`)."""
        for graph in sorted(graphs):
            if paper_id_of(graph, self.iris) is None:
                raise PermissionError(f"graph {graph} cannot be written through the API: only paper graphs "
                                      f"({self.iris.paper_graph_prefix}<id>, the id of letters, digits, '.', '_', '-') can; "
                                      "the ontology and catalogue are loaded from files")

    def current(self, graphs: set[str]) -> ox.Store:
        """A scratch store holding the graphs as they are now."""
        scratch = ox.Store()
        for graph in graphs:
            current = ntriples(self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}"))
            scratch.load(current, format=ox.RdfFormat.N_TRIPLES,
                         to_graph=ox.NamedNode(graph))
        return scratch

    def problems(self, scratch: ox.Store, graphs: set[str]) -> list[RecordError]:
        out: list[RecordError] = []
        seen: dict[str, str] = {}  # DOI -> the graph of this batch holding it
        for graph in sorted(graphs):
            data = as_bytes(scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)))
            if not data:
                continue  # the write deletes this paper
            g = Graph()
            g.parse(data=data, format="nt")
            content = paper_graph_content(graph, g, self.iris)
            out += content or self.validator.check_graph(g, graph)
            for doi in g.objects(None, PRISM.doi):
                if str(doi) in seen:
                    out.append(RecordError(graph, "doi", f"DOI {doi} is also in {seen[str(doi)]} of the same write [rule: unique DOI]"))
                seen[str(doi)] = graph
                out += doi_taken(self.store, str(doi), graph, graph)
        return out

    def write(self, graphs: set[str], change: Change, reads: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Apply ``change`` to a scratch copy of the graphs, validate, then replace them in one transaction.

        :param reads: other graphs the change reads (copied into the scratch store; the change must
            leave them as they were and out of it)
        :raises PermissionError: a graph is not a paper graph
        :raises ValidationFailed: the new content breaks the shapes or the rules; nothing was changed
        """
        self.check_writable(graphs)
        with self._lock, _file_lock(self.lock_path):
            scratch = self.current(graphs | set(reads))
            change(scratch)
            problems = self.problems(scratch, graphs)
            if problems:
                raise ValidationFailed(problems)
            new = {g: stamped(scratch, g) for g in graphs}
            # Changed data are no longer the release they were loaded from: its description goes too
            # (a GeoKG server behind this one drops its own, and lets no one else write it).
            owned = getattr(getattr(self.store, "adapter", None), "keeps_own_release", False)
            release = [] if owned else [str(self.iris.release_graph)]
            self.store.replace_graphs({g: nt for g, nt in new.items() if nt},
                                      drop=[*(g for g, nt in new.items() if not nt), *release])
            self.on_commit(new)


def stamped(scratch: ox.Store, graph: str) -> str:
    """A graph's N-Triples with a checksum of its content about itself (as ``geokg load`` writes for
    records), so that the side index and caches can tell when a paper changed; "" for an empty graph."""
    node, predicate = ox.NamedNode(graph), ox.NamedNode(str(GEODM.recordChecksum))
    lines, digest = _content(scratch, graph)
    if not lines:
        return ""
    lines.append(f"{node} {predicate} {ox.Literal(digest)} .")
    return "\n".join(lines) + "\n"


def _content(scratch: ox.Store, graph: str) -> tuple[list[str], str]:
    """A graph's sorted N-Triples lines without its checksum, and their SHA-256."""
    node, predicate = ox.NamedNode(graph), ox.NamedNode(str(GEODM.recordChecksum))
    for quad in list(scratch.quads_for_pattern(node, predicate, None, node)):
        scratch.remove(quad)
    lines = sorted(as_bytes(scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)).decode("utf-8").splitlines())
    return lines, hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def written_through_api(store: Store, graph: str, checksum: str) -> bool:
    """Whether a stored paper graph was last written through the API: its checksum is the hash of its
    own content (:func:`stamped`), where ``geokg load`` stamps the hash of the record file."""
    scratch = ox.Store()
    scratch.load(ntriples(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")),
                 format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return _content(scratch, graph)[1] == checksum



