"""Loading: corpus → per-paper graphs → store, idempotent and atomic per paper.

Every record is checked before anything is written. By default one bad record stops the
whole load (the store is left exactly as it was); ``partial=True`` loads the valid ones.
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
from geokg.corpus import Corpus, read_corpus
from geokg.links import mapping_files, mapping_graph, read_table
from geokg.errors import RecordError, ValidationFailed
from geokg.ontology import concept_index, read_ontology
from geokg.records import PaperRecord
from geokg.store import Store, replace_graphs_update
from geokg.to_rdf import Iris, catalogue_graph, paper_graph
from geokg.validation import Validator, validate_graph, validation_context
from geokg.vocab import GEODM, ONTOLOGY_IRI, PRISM

#: How many paper graphs go into one update (one transaction).
BATCH = 200
#: How many paper graphs one pySHACL run validates (the per-run overhead dominates small runs).
VALIDATE_BATCH = 100

#: A check run on each paper's graph before it is written; returns the problems found.
GraphCheck = Callable[[PaperRecord, Graph, str], list[RecordError]]


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
    checks: Iterable[GraphCheck] = (),
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda it: it,
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
    built: list[tuple[PaperRecord, Graph, str, str]] = []
    for path in progress(list(corpus.papers)):
        record = corpus.papers[path]
        if str(path) in bad_sources:
            continue
        graph_iri = str(iris.paper_graph(record.id))
        papers[graph_iri] = record.id
        checksum = _digest(iris.base.encode(), shared_sum, path.read_bytes())
        if known.get(graph_iri) == checksum:
            report.unchanged.append(record.id)
            continue
        graph = paper_graph(record, index, iris, dataset_types, checksum)
        problems = [p for check in checks for p in check(record, graph, str(path))]
        if problems:
            report.rejected.extend(problems)
            continue
        built.append((record, graph, str(path), graph_iri))
    for start in range(0, len(built), VALIDATE_BATCH):
        chunk = built[start : start + VALIDATE_BATCH]
        problems = validator.check_many([(graph, source, str(iris.paper(record.id))) for record, graph, source, _ in chunk])
        report.rejected.extend(problems)
        refused = {p.source for p in problems}
        for record, graph, source, graph_iri in chunk:
            if source not in refused:
                pending[graph_iri] = _ntriples(graph)
                report.written.append(record.id)

    if report.rejected and not partial:
        raise ValidationFailed(report.rejected)
    stale = [g for g in known if g.startswith(iris.paper_graph_prefix) and g not in papers] if prune else []
    report.removed = [g[len(iris.paper_graph_prefix) :] for g in stale]
    write_graphs(store, pending, drop=stale)
    return report


def doi_taken(store: Store, doi: str, own_graph: str, source: str) -> list[RecordError]:
    """The error if another paper graph in the store already holds ``doi`` (an indexed lookup)."""
    literal = doi.replace("\\", "\\\\").replace('"', '\\"')
    rows = store.query(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?p <{PRISM.doi}> "{literal}" }} }}')
    others = sorted(row["g"].value for row in rows if row["g"].value != own_graph)  # type: ignore[union-attr]
    return [RecordError(source, "doi", f"DOI {doi} is already used by {others[0]} [rule: unique DOI]")] if others else []


def doi_unique_in(store: Store, iris: Iris) -> GraphCheck:
    """A check that no other paper graph in the store already holds the record's DOI."""

    def check(record: PaperRecord, graph: Graph, source: str) -> list[RecordError]:
        return doi_taken(store, record.doi, str(iris.paper_graph(record.id)), source)

    return check


def write_graphs(store: Store, graphs: dict[str, str], drop: Iterable[str] = ()) -> None:
    """Replace graphs in batches; each batch is one transaction, each graph is never half-written."""
    items = list(graphs.items())
    drops = list(drop)
    if drops and not items:
        store.update(replace_graphs_update({}, drops))
    for start in range(0, len(items), BATCH):
        batch = dict(items[start : start + BATCH])
        store.update(replace_graphs_update(batch, drops if start == 0 else ()))
