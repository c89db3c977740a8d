"""What the index needs of one paper, read from the paper's own graph (whoever wrote it).

Reading the graph rather than the record keeps one path for ``geokg load``, writes through the
API and rebuilds from any store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from geokg.model.vocab import GEODM, PRISM, concept_id

_P = {name: str(iri) for name, iri in {
    "type": RDF.type, "doi": PRISM.doi, "title": DCTERMS.title, "issued": DCTERMS.issued, "journal": GEODM.publishedIn,
    "summary": GEODM.summary, "addresses": GEODM.addresses, "text": GEODM.text, "ma": GEODM.hasMethodApplication,
    "method": GEODM.method, "purpose": GEODM.purpose, "input": GEODM.input, "uses": GEODM.usesDataset,
    "process": GEODM.studiesProcess, "finding": GEODM.hasFinding, "listed": GEODM.listedUnder,
    "derived": GEODM.derivedCategory, "checksum": GEODM.recordChecksum, "period": GEODM.studiesPeriod,
    "body": GEODM.studiesBody,
}.items()}
_PAPER = str(GEODM.Paper)


@dataclass
class Application:
    method: str
    purposes: list[str]
    inputs: list[str]


@dataclass
class PaperFacts:
    """One paper as the index sees it (concepts and catalogue entries by local id)."""

    graph: str
    iri: str
    doi: str
    title: dict[str, str]
    issued: str | None
    journal: str | None
    applications: list[Application] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    """Searchable text by part (title, summary, question, findings), every language."""
    checksum: str = ""

    @property
    def year(self) -> int | None:
        return int(self.issued[:4]) if self.issued and self.issued[:4].isdigit() else None


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def facts_of(graph: str, triples: list[ox.Triple] | list[ox.Quad]) -> PaperFacts | None:
    """The facts of the paper in a graph's triples; None if the graph holds no paper."""
    index: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        index[t.subject.value if not isinstance(t.subject, ox.Triple) else ""][t.predicate.value].append(t.object)
    paper = next((s for s, p in index.items() if any(o.value == _PAPER for o in p.get(_P["type"], []) if isinstance(o, ox.NamedNode))), None)
    if paper is None:
        return None
    p = index[paper]

    def values(subject: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]], name: str) -> list[str]:
        return [o.value for o in subject.get(_P[name], []) if not isinstance(o, ox.Triple)]

    def texts(subject: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]], name: str) -> dict[str, str]:
        return {(o.language or ""): o.value for o in subject.get(_P[name], []) if isinstance(o, ox.Literal)}

    applications = []
    for ma_iri in values(p, "ma"):
        ma = index[ma_iri]
        method = values(ma, "method")
        applications.append(Application(concept_id(method[0]) if method else "", [concept_id(x) for x in values(ma, "purpose")],
                                        [_local(x) for x in values(ma, "input")]))
    question = [index[q] for q in values(p, "addresses")]
    findings = [index[f] for f in values(p, "finding")]
    found_texts = {
        "title": list(texts(p, "title").values()),
        "summary": list(texts(p, "summary").values()),
        "question": [v for q in question for v in texts(q, "text").values()],
        "findings": [v for f in findings for v in texts(f, "text").values()],
    }
    checksum = values(index.get(graph, {}), "checksum")
    journal = values(p, "journal")
    return PaperFacts(
        graph=graph, iri=paper, doi=(values(p, "doi") or [""])[0], title=texts(p, "title"),
        issued=next(iter(values(p, "issued")), None), journal=_local(journal[0]) if journal else None,
        applications=applications, datasets=[_local(d) for d in values(p, "uses")],
        processes=[concept_id(x) for x in values(p, "process")], listed=[concept_id(x) for x in values(p, "listed")],
        derived=[concept_id(x) for x in values(p, "derived")], periods=[concept_id(x) for x in values(p, "period")],
        bodies=[concept_id(x) for x in values(p, "body")], texts=found_texts, checksum=checksum[0] if checksum else "",
    )


def facts_from_ntriples(graph: str, ntriples: str | bytes) -> PaperFacts | None:
    """The facts of a paper graph given as N-Triples."""
    return facts_of(graph, list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)))
