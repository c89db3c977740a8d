"""Loading: corpus → per-paper graphs → store, idempotent and atomic per paper.

Every record is checked before it is written. By default one bad record stops the whole load
(the store is left exactly as it was: papers new to the store, added while later records were
still being checked, are dropped again); ``partial=True`` loads the valid ones. Graphs are built
and checked in worker processes when there are many.
A paper whose record file is unchanged since the last load is skipped (its checksum is
stored in its graph); a changed paper's graph is replaced in one transaction, so readers
see the old graph or the new one, never a mix.
"""

from __future__ import annotations

import collections
import hashlib
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from geokg import resources
from geokg.corpus import Corpus, read_corpus
from geokg.links import mapping_files, mapping_graph, read_table
from geokg.errors import RecordError, ValidationFailed
from geokg.ontology import ConceptIndex, concept_index, read_ontology
from geokg.records import PaperRecord
from geokg.store import Store, replace_graphs_update
from geokg.to_rdf import Iris, catalogue_graph, paper_graph
from geokg.validation import Validator, validate_graph, validation_context
from geokg.vocab import GEODM, ONTOLOGY_IRI, PRISM

#: How many paper graphs go into one update (one transaction).
BATCH = 200
#: How many paper graphs one pySHACL run validates (the per-run overhead dominates small runs).
VALIDATE_BATCH = 100

#: A check run on each paper record before its graph is built; gets the record and its source, returns the problems found.
RecordCheck = Callable[[PaperRecord, str], list[RecordError]]
#: How many worker processes build and validate graphs, and from how many records on.
WORKERS = 2
PARALLEL_FROM = 1000


@dataclass
class LoadReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[RecordError] = field(default_factory=list)


def stored_checksums(store: Store) -> dict[str, str]:
    """Checksum stored in each graph about itself (graphs written by a load)."""
    result = store.query(
        f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?g <{GEODM.recordChecksum}> ?c }} }}"
    )
    return {row["g"].value: row["c"].value for row in result}  # type: ignore[union-attr]


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()


def _with_checksum(graph: Graph, graph_iri: str, checksum: str) -> str:
    graph.add((URIRef(graph_iri), GEODM.recordChecksum, Literal(checksum)))
    return _ntriples(graph)


def shared_graphs(corpus: Corpus, iris: Iris, ontology_file: Path, loaders: Path) -> dict[str, tuple[str, Callable[[], str]]]:
    """The ontology, catalogue and mapping graphs: IRI → (checksum, builder of their N-Triples)."""
    onto_bytes = ontology_file.read_bytes()
    onto_sum = _digest(onto_bytes)
    catalogue_files = [loaders / "journals.yaml", loaders / "sources.yaml", *sorted((loaders / "datasets").glob("*.yaml"))]
    cat_sum = _digest(iris.base.encode(), *(p.name.encode() + p.read_bytes() for p in catalogue_files))

    def ontology() -> str:
        g = Graph()
        g.parse(data=onto_bytes, format="turtle")
        return _with_checksum(g, str(ONTOLOGY_IRI), onto_sum)

    def catalogue() -> str:
        return _with_checksum(catalogue_graph(corpus.catalogue, iris), str(iris.catalogue_graph), cat_sum)

    mapping_paths = mapping_files()
    map_sum = _digest(*(p.name.encode() + p.read_bytes() for p in mapping_paths))

    def mappings() -> str:
        return _with_checksum(mapping_graph([read_table(p) for p in mapping_paths]), str(iris.mappings_graph), map_sum)

    return {str(ONTOLOGY_IRI): (onto_sum, ontology), str(iris.catalogue_graph): (cat_sum, catalogue),
            str(iris.mappings_graph): (map_sum, mappings)}


def load_corpus(
    store: Store,
    *,
    loaders: Path | None = None,
    iris: Iris | None = None,
    partial: bool = False,
    prune: bool = True,
    checks: Iterable[RecordCheck] = (),
    progress: Callable[[Progress], Iterable[Built]] = lambda it: it,
) -> LoadReport:
    """Validate the corpus of a loaders folder and bring the store in line with it."""
    loaders = loaders or resources.loaders_dir()
    iris = iris or Iris()
    ontology_file = resources.ontology_file()
    ontology = read_ontology([ontology_file])
    index = concept_index(ontology)
    corpus = read_corpus(loaders, index)
    catalogue = catalogue_graph(corpus.catalogue, iris)
    corpus.catalogue_problems.extend(validate_graph(ontology + catalogue, ("catalogue",), str(loaders)))
    if corpus.catalogue_problems:
        # A broken catalogue poisons every paper: nothing can be loaded.
        raise ValidationFailed(corpus.all_problems)
    validator = Validator(validation_context(ontology, catalogue))
    checks = [doi_unique_in(store, iris), *checks]
    report = LoadReport(rejected=list(corpus.problems))
    bad_sources = {p.source for p in corpus.problems}

    known = stored_checksums(store)
    pending: dict[str, str] = {}
    shared = shared_graphs(corpus, iris, ontology_file, loaders)
    for graph_iri, (checksum, build) in shared.items():
        if known.get(graph_iri) != checksum:
            pending[graph_iri] = build()

    # A paper's graph depends on its record and, through derived categories, on the ontology and catalogue.
    shared_sum = "".join(checksum for checksum, _ in shared.values()).encode()
    dataset_types = {d.id: d.data_types for d in corpus.catalogue.datasets.values()}
    papers: dict[str, str] = {}
    todo: list[Pending] = []
    for path in list(corpus.papers):
        record = corpus.papers[path]
        if str(path) in bad_sources:
            continue
        graph_iri = str(iris.paper_graph(record.id))
        papers[graph_iri] = record.id
        checksum = _digest(iris.base.encode(), shared_sum, path.read_bytes())
        if known.get(graph_iri) == checksum:
            report.unchanged.append(record.id)
            continue
        problems = [p for check in checks for p in check(record, str(path))]
        if problems:
            report.rejected.extend(problems)
            continue
        todo.append((record, str(path), graph_iri, checksum))

    # New paper graphs are added while the workers build the next ones (the store's writes overlap
    # the building); should a record then fail the shapes, the added graphs are dropped again, so a
    # refused load leaves the store as it was. Graphs that replace stored ones wait in a spool file
    # until every record has been checked, so memory stays flat however large the corpus.
    spool = Spool()
    existing = store.graph_names()
    added: list[str] = []
    builder = Builder(index, iris, dataset_types, validator)
    try:
        for problems, built in progress(builder.run(todo)):
            report.rejected.extend(problems)
            fresh: dict[str, str] = {}
            for record_id, graph_iri, ntriples in built:
                if graph_iri in existing:
                    spool.add(graph_iri, ntriples)
                else:
                    fresh[graph_iri] = ntriples
                report.written.append(record_id)
            if fresh and (partial or not report.rejected):
                store.add_graphs(fresh)
                added.extend(fresh)
        if report.rejected and not partial:
            raise ValidationFailed(report.rejected)
    except BaseException:
        if not partial:
            write_graphs(store, {}, drop=added)
        raise
    stale = [g for g in known if g.startswith(iris.paper_graph_prefix) and g not in papers] if prune else []
    report.removed = [g[len(iris.paper_graph_prefix) :] for g in stale]
    write_graphs(store, pending, drop=stale)
    write_graphs(store, spool.read())
    return report


#: A record waiting for its graph: (record, source file, graph IRI, checksum).
Pending = tuple[PaperRecord, str, str, str]
#: What building and checking a batch gives: its problems, and (record id, graph IRI, N-Triples) of the valid records.
Built = tuple[list[RecordError], list[tuple[str, str, str]]]


@dataclass
class Builder:
    """Builds and validates paper graphs in batches; with many records, in worker processes.

    Building a graph and checking it against the shapes is pure CPU work on one record, so it
    spreads over the cores; the store stays in the loading process.
    """

    index: ConceptIndex
    iris: Iris
    dataset_types: dict[str, list[str]]
    validator: Validator

    def batch(self, items: list[Pending]) -> Built:
        graphs = [paper_graph(record, self.index, self.iris, self.dataset_types, checksum) for record, _, _, checksum in items]
        texts = [_ntriples(g) for g in graphs]
        problems = self.validator.check_many(
            [(g, source, str(self.iris.paper(record.id))) for g, (record, source, _, _) in zip(graphs, items)], texts)
        refused = {p.source for p in problems}
        return problems, [(record.id, graph_iri, text) for (record, source, graph_iri, _), text in zip(items, texts) if source not in refused]

    def run(self, todo: list[Pending]) -> Progress:
        batches = [todo[i : i + VALIDATE_BATCH] for i in range(0, len(todo), VALIDATE_BATCH)]
        workers = min(WORKERS, os.cpu_count() or 1)
        if len(todo) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return Progress(map(self.batch, batches), len(batches))
        return Progress(self._parallel(batches, workers), len(batches))

    def _parallel(self, batches: list[list[Pending]], workers: int) -> Iterator[Built]:
        global _BUILDER
        self.validator.compiled  # noqa: B018 - compile the shapes once, before the workers fork
        _BUILDER = self
        # fork: the workers inherit this builder (ontology, shapes) instead of rebuilding it.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # A few batches in flight, not all: when writing is slower than building, finished
            # graphs would otherwise pile up in memory.
            waiting: collections.deque[Any] = collections.deque()
            for batch in batches:
                waiting.append(pool.apply_async(_build_in_worker, (batch,)))
                if len(waiting) > 2 * workers:
                    yield self._received(waiting.popleft().get())
            while waiting:
                yield self._received(waiting.popleft().get())

    @staticmethod
    def _received(result: tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]) -> Built:
        problems, built = result
        return [RecordError(*p) for p in problems], built


_BUILDER: Builder | None = None


def _build_in_worker(items: list[Pending]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    assert _BUILDER is not None
    problems, built = _BUILDER.batch(items)
    return [(p.source, p.field, p.message) for p in problems], built  # RecordError does not pickle


class Progress:
    """An iterator that knows its length, for progress bars."""

    def __init__(self, items: Iterable[Built], length: int) -> None:
        self.items, self.length = items, length

    def __iter__(self) -> Iterator[Built]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.length


def doi_taken(store: Store, doi: str, own_graph: str, source: str) -> list[RecordError]:
    """The error if another paper graph in the store already holds ``doi`` (an indexed lookup)."""
    literal = doi.replace("\\", "\\\\").replace('"', '\\"')
    rows = store.query(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?p <{PRISM.doi}> "{literal}" }} }}')
    others = sorted(row["g"].value for row in rows if row["g"].value != own_graph)  # type: ignore[union-attr]
    return [RecordError(source, "doi", f"DOI {doi} is already used by {others[0]} [rule: unique DOI]")] if others else []


def doi_unique_in(store: Store, iris: Iris) -> RecordCheck:
    """A check that no other paper graph in the store already holds the record's DOI."""

    def check(record: PaperRecord, source: str) -> list[RecordError]:
        return doi_taken(store, record.doi, str(iris.paper_graph(record.id)), source)

    return check


def _batches(items: Iterable[tuple[str, str]]) -> Iterator[dict[str, str]]:
    batch: dict[str, str] = {}
    for graph, ntriples in items:
        batch[graph] = ntriples
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
        store.update(replace_graphs_update(batch, drops if first else ()))
        first = False
    for start in range(0, len(drops) if first else 0, BATCH):
        store.update(replace_graphs_update({}, drops[start : start + BATCH]))


class Spool:
    """Paper graphs as N-Triples in a temporary file, read back in order of adding."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.entries: list[tuple[str, int, int]] = []  # graph, offset, length

    def add(self, graph: str, ntriples: str) -> None:
        data = ntriples.encode("utf-8")
        self.entries.append((graph, self.file.tell(), len(data)))
        self.file.write(data)

    def read(self) -> Iterator[tuple[str, str]]:
        for graph, offset, length in self.entries:
            self.file.seek(offset)
            yield graph, self.file.read(length).decode("utf-8")
