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

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from geokg import resources
from geokg.errors import RecordError, ValidationFailed
from geokg.index.db import SideIndex
from geokg.index.keys import Context
from geokg.index.sync import reconcile, update
from geokg.load.build import Builder, Built, Pending, Progress, ntriples
from geokg.load.write import Spool, write_graphs, written_through_api
from geokg.model.corpus import Corpus, read_corpus
from geokg.model.ontology import concept_index, ontology_files, read_ontology
from geokg.model.to_rdf import catalogue_graph
from geokg.model.vocab import GEODM, ONTOLOGY_IRI, Iris
from geokg.store import Store
from geokg.store.results import rows
from geokg.store.sparql import iri
from geokg.validate.links import mapping_files, mapping_graph, read_table
from geokg.validate.rules import RecordCheck, doi_unique_in
from geokg.validate.shapes import Validator, validate_graph, validation_context

#: How a paper graph's checksum written by a load begins (an API write stamps the bare hash of its content).
RECORD_CHECKSUM = "record:"


@dataclass
class LoadReport:
    written: list[str] = field(default_factory=list)
    """Papers written from their record file (with ``dry_run``: that would be)."""
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Papers removed because their record file is gone (only with ``prune``; with ``dry_run``: that would be)."""
    rejected: list[RecordError] = field(default_factory=list)
    changed_in_store: list[str] = field(default_factory=list)
    """Papers last written through the API that differ from their record file: kept as they are (unless ``overwrite``)."""
    only_in_store: list[str] = field(default_factory=list)
    """Papers in the store without a record file: kept (unless ``prune``)."""


def stored_checksums(store: Store) -> dict[str, str]:
    """Checksum stored in each graph about itself (graphs written by a load)."""
    found = rows(store.query(f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?g {iri(str(GEODM.recordChecksum))} ?c }} }}"))
    return {row["g"]: row["c"] for row in found}


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()


def _with_checksum(graph: Graph, graph_iri: str, checksum: str) -> str:
    graph.add((URIRef(graph_iri), GEODM.recordChecksum, Literal(checksum)))
    return ntriples(graph)


def shared_graphs(corpus: Corpus, iris: Iris, ontology: Graph, loaders: Path) -> dict[str, tuple[str, Callable[[], str]]]:
    """The ontology (with the project's vocabulary extension), catalogue and mapping graphs: IRI →
    (checksum, builder of their N-Triples)."""
    onto_sum = _digest(*(p.name.encode() + p.read_bytes() for p in ontology_files()))
    catalogue_files = [p for p in (loaders / "journals.yaml", loaders / "venues.yaml", loaders / "sources.yaml") if p.is_file()]
    catalogue_files += sorted((loaders / "datasets").glob("*.yaml"))
    cat_sum = _digest(iris.base.encode(), *(p.name.encode() + p.read_bytes() for p in catalogue_files))

    def ontology_graph() -> str:
        g = Graph()
        g += ontology
        return _with_checksum(g, str(ONTOLOGY_IRI), onto_sum)

    def catalogue() -> str:
        return _with_checksum(catalogue_graph(corpus.catalogue, iris), str(iris.catalogue_graph), cat_sum)

    mapping_paths = mapping_files()
    map_sum = _digest(*(p.name.encode() + p.read_bytes() for p in mapping_paths))

    def mappings() -> str:
        return _with_checksum(mapping_graph([read_table(p) for p in mapping_paths]), str(iris.mappings_graph), map_sum)

    return {str(ONTOLOGY_IRI): (onto_sum, ontology_graph), str(iris.catalogue_graph): (cat_sum, catalogue),
            str(iris.mappings_graph): (map_sum, mappings)}


def load_corpus(
    store: Store,
    *,
    loaders: Path | None = None,
    iris: Iris | None = None,
    partial: bool = False,
    prune: bool = False,
    overwrite: bool = False,
    dry_run: bool = False,
    checks: Iterable[RecordCheck] = (),
    progress: Callable[[Progress], Iterable[Built]] = lambda it: it,
    side_index: SideIndex | None = None,
) -> LoadReport:
    """Validate the corpus of a loaders folder and bring the store (and its side index) in line with it.

    Nothing is removed by surprise: papers without a record file stay (``prune`` removes them), and
    papers changed through the API stay as they are (``overwrite`` replaces them with their record
    file); both are listed in the report. ``dry_run`` only reports what a load would do.
    """
    loaders = loaders or resources.loaders_dir()
    iris = iris or Iris()
    ontology = read_ontology()
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
    shared = shared_graphs(corpus, iris, ontology, loaders)
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
        checksum = RECORD_CHECKSUM + _digest(iris.base.encode(), shared_sum, path.read_bytes())
        if known.get(graph_iri) == checksum:
            report.unchanged.append(record.id)
            continue
        stored = known.get(graph_iri)
        # A load's checksum says so; any other is an API write's (or a store loaded before the prefix,
        # which the content hash tells apart), so the store is read only for those.
        if stored and not overwrite and not stored.startswith(RECORD_CHECKSUM) and written_through_api(store, graph_iri, stored):
            report.changed_in_store.append(record.id)  # the folder wins only when asked (sync --overwrite)
            continue
        problems = [p for check in checks for p in check(record, str(path))]
        if problems:
            report.rejected.extend(problems)
            continue
        todo.append((record, str(path), graph_iri, checksum))

    # A paper whose record file is there but broken is not an orphan: only a missing file makes one.
    on_disk = {str(iris.paper_graph(r.id)) for r in corpus.papers.values()}
    on_disk |= {str(iris.paper_graph(p.stem)) for p in (loaders / "records").glob("*.yaml")}
    orphans = [g for g in known if g.startswith(iris.paper_graph_prefix) and g not in on_disk]
    report.only_in_store = [g[len(iris.paper_graph_prefix) :] for g in orphans]
    if dry_run:
        report.written = [record.id for record, *_ in todo]
        report.removed = report.only_in_store if prune else []
        return report

    # New paper graphs are added while the workers build the next ones (the store's writes overlap
    # the building); should a record then fail the shapes, the added graphs are dropped again, so a
    # refused load leaves the store as it was. Graphs that replace stored ones wait in a spool file
    # until every record has been checked, so memory stays flat however large the corpus.
    spool, indexing = Spool(), Spool()
    existing = store.graph_names()
    added: list[str] = []
    builder = Builder(index, iris, dataset_types, validator)
    try:
        for problems, built in progress(builder.run(todo)):
            report.rejected.extend(problems)
            fresh: dict[str, str] = {}
            for record_id, graph_iri, ntriples in built:
                indexing.add(graph_iri, ntriples)
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
    stale = orphans if prune else []
    report.removed = [g[len(iris.paper_graph_prefix) :] for g in stale]
    write_graphs(store, pending, drop=stale)
    write_graphs(store, spool.read())
    if side_index is not None:
        described = {d.id: [*d.data_types, *d.platforms, *d.instruments] for d in corpus.catalogue.datasets.values()}
        _index(store, side_index, iris, corpus, Context.of(index, described), indexing, stale, rebuild=bool(pending))
    return report


def _index(store: Store, side_index: SideIndex, iris: Iris, corpus: Corpus, ctx: Context, written: Spool, removed: list[str],
           rebuild: bool) -> None:
    """Bring the side index in line after a load: the papers written, from the graphs in hand; then
    anything else that differs from the store. A changed ontology or catalogue changes every paper's
    keys: then the index starts afresh (the papers not written are read back from the store)."""
    side_index.set_names("journal", {j.id: j.name for j in corpus.catalogue.journals.values()})
    side_index.set_names("dataset", {d.id: d.name.en for d in corpus.catalogue.datasets.values()})
    if rebuild:
        side_index.clear()
    batch: dict[str, str | bytes | None] = dict.fromkeys(removed)
    for graph, text in written.read():
        batch[graph] = text
        if len(batch) >= INDEX_BATCH:
            update(side_index, ctx, batch)
            batch = {}
    update(side_index, ctx, batch)
    reconcile(store, side_index, iris.paper_graph_prefix)


#: How many papers go into one transaction of the side index.
INDEX_BATCH = 2000


