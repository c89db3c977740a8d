"""Write rules that the shapes cannot express, because they look at the whole store.

A rule is a function of a paper record (and its source file) returning the problems found; the
loader and writes through the API run the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from geokg.errors import RecordError
from geokg.model.records import PaperRecord
from geokg.model.to_rdf import doi_link
from geokg.model.vocab import GEODM, PRISM, Iris
from geokg.store import Store
from geokg.store.results import rows
from geokg.store.sparql import iri, literal

#: A check run on each paper record before its graph is built; gets the record and its source, returns the problems found.
RecordCheck = Callable[[PaperRecord, str], list[RecordError]]


def doi_taken(store: Store, doi: str, own_graph: str, source: str) -> list[RecordError]:
    """The error if another paper graph in the store already holds ``doi``, in any spelling (DOIs are
    case-insensitive): indexed lookups of the DOI as written and of its normalised doi.org link."""
    found = rows(store.query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
        {{ ?p {iri(str(PRISM.doi))} {literal(doi)} }} UNION {{ ?p {iri(str(RDFS.seeAlso))} {iri(str(doi_link(doi)))} }} }} }}"""))
    others = sorted(row["g"] for row in found if row["g"] != own_graph)
    return [RecordError(source, "doi", f"DOI {doi} is already used by {others[0]} [rule: unique DOI]")] if others else []


def doi_unique_in(store: Store, iris: Iris) -> RecordCheck:
    """A check that no other paper graph in the store already holds the record's DOI."""

    def check(record: PaperRecord, source: str) -> list[RecordError]:
        return doi_taken(store, record.doi, str(iris.paper_graph(record.id)), source) if record.doi else []

    return check


#: IRI schemes a written graph may use (no javascript:, data:, file: … that a page could turn into a live link).
ALLOWED_SCHEMES = ("http", "https", "urn", "mailto", "doi", "info")
#: What a paper id may look like in a graph name (no '/', '?', '#', '..', spaces).
PAPER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def paper_id_of(graph: str, iris: Iris) -> str | None:
    """The paper id a paper graph's name carries, or None if the name is not one GeoKG would mint."""
    prefix = iris.paper_graph_prefix
    local = graph[len(prefix):] if graph.startswith(prefix) else ""
    return local if PAPER_ID.fullmatch(local) and ".." not in local else None


def paper_graph_content(graph: str, data: Graph, iris: Iris) -> list[RecordError]:
    """The rules a written paper graph must satisfy beyond the shapes, as a record file does: exactly
    one paper, the one the graph is named after; every subject is that paper, one of its parts
    (``paper#part``) or the graph itself (its provenance); IRIs only of allowed schemes; one DOI;
    no cycle of ``skos:broader``."""
    problems: list[RecordError] = []
    paper_id = paper_id_of(graph, iris)
    if paper_id is None:
        return [RecordError(graph, "graph", "not a paper graph name (letters, digits, '.', '_', '-') [rule: paper graph]")]
    paper = str(iris.paper(paper_id))
    papers = {str(s) for s in data.subjects(RDF.type, GEODM.Paper)}
    if papers != {paper}:
        problems.append(RecordError(graph, "paper", f"a paper graph holds exactly one paper, {paper}; found "
                                                    f"{', '.join(sorted(papers)) or 'none'} [rule: one paper per graph]"))
    strays = sorted({str(s) for s in data.subjects() if not (isinstance(s, URIRef) and
                     (str(s) in (paper, graph) or str(s).startswith(paper + "#")))})
    if strays:
        problems.append(RecordError(graph, "subject", f"statements about {', '.join(strays[:5])} do not belong in this paper's "
                                                      f"graph: only {paper}, its parts ({paper}#…) and the graph itself "
                                                      "[rule: subjects inside the paper graph]"))
    bad = sorted({str(t) for t in data.all_nodes() if isinstance(t, URIRef) and
                  urlsplit(str(t)).scheme.lower() not in ALLOWED_SCHEMES})
    if bad:
        problems.append(RecordError(graph, "iri", f"IRI scheme not allowed: {', '.join(bad[:5])} (allowed: "
                                                  f"{', '.join(ALLOWED_SCHEMES)}) [rule: IRI schemes]"))
    dois = sorted({str(o) for o in data.objects(URIRef(paper), PRISM.doi)})
    if len(dois) > 1:
        problems.append(RecordError(graph, "doi", f"a paper has one DOI; found {', '.join(dois)} [rule: one DOI]"))
    broader: dict[str, set[str]] = {}
    for s, o in data.subject_objects(SKOS.broader):
        broader.setdefault(str(s), set()).add(str(o))
    if _has_cycle(broader):
        problems.append(RecordError(graph, "skos:broader", "skos:broader forms a cycle [rule: no broader cycles]"))
    return problems


def _has_cycle(edges: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    for start in edges:
        stack = [(start, iter(edges.get(start, ())))]
        if state.get(start):
            continue
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                return True
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
    return False
