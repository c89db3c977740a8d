"""Keeping the side index in step with the store: updates after writes, reconciling, rebuilding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, SKOS

from geokg.index.db import SideIndex
from geokg.index.facts import PaperFacts, facts_from_ntriples, facts_of
from geokg.index.keys import Context
from geokg.model.vocab import GEODM, SCHEMES, concept_id
from geokg.store import Store
from geokg.store.results import rows, solutions
from geokg.store.sparql import iri, values

#: How many papers go into one index transaction when many are written.
BATCH = 2000


def context_of(store: Store) -> Context:
    """The concept hierarchy, the tops of each scheme and the data types of datasets, as the store holds them."""
    broader: dict[str, set[str]] = defaultdict(set)
    for r in rows(store.query(f"SELECT ?c ?b WHERE {{ ?c {iri(str(SKOS.broader))} ?b }}")):
        broader[concept_id(r["c"])].add(concept_id(r["b"]))
    tops: dict[str, set[str]] = defaultdict(set)
    schemes = {str(s.iri): s.key for s in SCHEMES}
    for r in rows(store.query(f"SELECT ?c ?s WHERE {{ {values('s', [iri(s) for s in schemes])} ?c {iri(str(SKOS.topConceptOf))} ?s }}")):
        tops[schemes[r["s"]]].add(concept_id(r["c"]))
    described: dict[str, list[str]] = defaultdict(list)
    links = [iri(str(p)) for p in (GEODM.dataType, GEODM.platform, GEODM.instrument)]
    for r in rows(store.query(f"SELECT ?d ?t WHERE {{ {values('p', links)} ?d a {iri(str(GEODM.Dataset))} ; ?p ?t }}")):
        described[r["d"].rstrip("/").rsplit("/", 1)[-1]].append(concept_id(r["t"]))
    members: dict[str, str] = {}
    for r in rows(store.query(f"SELECT ?c ?s WHERE {{ {values('s', [iri(s) for s in schemes])} ?c {iri(str(SKOS.inScheme))} ?s }}")):
        members.setdefault(concept_id(r["c"]), schemes[r["s"]])
    return Context({k: frozenset(v) for k, v in broader.items()}, {k: frozenset(v) for k, v in tops.items()},
                   {k: tuple(v) for k, v in described.items()}, members)


def catalogue_names(store: Store, cls: str) -> dict[str, str]:
    """Journals or datasets (a class IRI) by local id → English (or only) title."""
    found = rows(store.query(f"""SELECT ?x ?name WHERE {{ ?x a {iri(cls)} ; {iri(str(DCTERMS.title))} ?name
        FILTER(LANG(?name) = "" || LANGMATCHES(LANG(?name), "en")) }}"""))
    return {r["x"].rstrip("/").rsplit("/", 1)[-1]: r["name"] for r in found}


def update(index: SideIndex, ctx: Context, graphs: Mapping[str, str | bytes | None]) -> None:
    """After a write: index the new content of each graph (N-Triples; empty or None: the graph is gone)."""
    papers, gone = [], []
    for graph, ntriples in graphs.items():
        facts = facts_from_ntriples(graph, ntriples) if ntriples else None
        if facts is None:
            gone.append(graph)
        else:
            papers.append(facts)
    index.write(papers, ctx, drop=gone)


def store_checksums(store: Store, prefix: str) -> dict[str, str]:
    """Each paper graph of the store with its checksum ("" when it has none)."""
    found = rows(store.query(f"""SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?p a {iri(str(GEODM.Paper))} }}
        OPTIONAL {{ GRAPH ?g {{ ?g {iri(str(GEODM.recordChecksum))} ?c }} }} }}"""))
    return {r["g"]: r.get("c", "") for r in found if r["g"].startswith(prefix)}


def _papers(store: Store, graphs: list[str]) -> Iterator[PaperFacts]:
    """The facts of the given paper graphs, read from the store in groups (one query each)."""
    for start in range(0, len(graphs), 200):
        group = graphs[start : start + 200]
        result = store.query(f"SELECT ?g ?s ?p ?o WHERE {{ {values('g', [iri(g) for g in group])} GRAPH ?g {{ ?s ?p ?o }} }}")
        quads: dict[str, list[ox.Quad]] = defaultdict(list)
        for row in solutions(result):
            g = row["g"]
            quads[g.value].append(ox.Quad(row["s"], row["p"], row["o"], g))
        for graph in group:
            facts = facts_of(graph, quads.get(graph, []))
            if facts is not None:
                yield facts


def _batched(items: Iterable[PaperFacts], size: int) -> Iterator[list[PaperFacts]]:
    batch: list[PaperFacts] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reconcile(store: Store, index: SideIndex, prefix: str, progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """Bring the index in line with the store: (re)index papers whose checksum differs or that it lacks,
    drop papers the store no longer holds. Returns (papers indexed, papers dropped)."""
    ctx = context_of(store)
    index.set_names("journal", catalogue_names(store, str(GEODM.Journal)))
    index.set_names("dataset", catalogue_names(store, str(GEODM.Dataset)))
    wanted = store_checksums(store, prefix)
    have = index.checksums()
    stale = sorted(g for g, c in wanted.items() if not c or have.get(g) != c)
    gone = sorted(set(have) - set(wanted))
    if gone:
        index.write([], ctx, drop=gone)
    done = 0
    for batch in _batched(_papers(store, stale), BATCH):
        index.write(batch, ctx)
        done += len(batch)
        progress(len(batch))
    return done, len(gone)


def rebuild(store: Store, index: SideIndex, prefix: str, progress: Callable[[int], None] = lambda n: None) -> int:
    """Index every paper of the store anew."""
    index.clear()
    return reconcile(store, index, prefix, progress)[0]
