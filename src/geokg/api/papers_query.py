"""Reading papers from the store for the REST routes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from geokg.api.facets import PREFIXES
from geokg.api.results import iri, literal, rows
from geokg.store import Store


def papers_using(store: Store, concept_iri: str) -> list[dict[str, Any]]:
    """Papers that use a concept or a narrower one, as method, purpose, data type, process or category."""
    term = iri(concept_iri)
    found = rows(store.query(PREFIXES + f"""SELECT DISTINCT ?paper ?doi ?title ?issued ?journal WHERE {{
        ?c skos:broader* {term} .
        {{ ?paper geodm:hasMethodApplication/geodm:method ?c }} UNION {{ ?paper geodm:hasMethodApplication/geodm:purpose ?c }}
        UNION {{ ?paper geodm:usesDataset/geodm:dataType ?c }} UNION {{ ?paper geodm:studiesProcess ?c }}
        UNION {{ ?paper geodm:listedUnder ?c }}
        ?paper prism:doi ?doi ; dcterms:title ?title ; geodm:publishedIn/dcterms:title ?journal .
        FILTER(LANG(?title) = "en") OPTIONAL {{ ?paper dcterms:issued ?issued }}
    }} ORDER BY DESC(?issued) ?doi"""))
    return [summary(r) for r in found]


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {"doi": row["doi"], "iri": row["paper"], "title": row["title"], "issued": row.get("issued"), "journal": row["journal"]}


def paper_for_doi(store: Store, doi: str) -> tuple[str, str] | None:
    """The paper with a DOI (exact, else ignoring case) and its named graph, in one round trip."""
    found = rows(store.query(PREFIXES + f"SELECT ?p ?g WHERE {{ GRAPH ?g {{ ?p prism:doi {literal(doi)} ; a geodm:Paper }} }} LIMIT 1"))
    if not found:
        found = rows(store.query(PREFIXES + f"""SELECT ?p ?g WHERE {{ GRAPH ?g {{ ?p prism:doi ?d ; a geodm:Paper }}
            FILTER(LCASE(?d) = {literal(doi.lower())}) }} LIMIT 1"""))
    return (found[0]["p"], found[0]["g"]) if found else None


def paper_details(store: Store, paper: str, graph_iri: str | None = None) -> dict[str, Any]:
    """Everything the graph knows about one paper, with concept labels, as JSON-ready data.
    ``graph_iri``: the paper's graph, when the caller knows it (saves a round trip)."""
    term = iri(paper)
    if graph_iri is None:
        found = rows(store.query(PREFIXES + f"SELECT ?g WHERE {{ GRAPH ?g {{ {term} a geodm:Paper }} }} LIMIT 1"))
        if not found:
            return {}
        graph_iri = found[0]["g"]
    # The paper's own graph as a constant, and one branch per kind of fact, so that the engine
    # reads that graph only and no branch multiplies another's solutions.
    graph = iri(graph_iri)
    triples = store.query(PREFIXES + f"""CONSTRUCT {{ ?s ?p ?o . ?o skos:prefLabel ?l . ?o skos:notation ?n .
                                                    ?d dcterms:title ?dt ; geodm:dataType ?ty . ?ty skos:prefLabel ?tl .
                                                    {graph} ?gp ?go . {term} geodm:inGraph {graph} }}
        WHERE {{
          {{ GRAPH {graph} {{ ?s ?p ?o }} OPTIONAL {{ ?o skos:prefLabel ?l }} OPTIONAL {{ ?o skos:notation ?n }} }}
          UNION {{ {term} geodm:usesDataset ?d . ?d dcterms:title ?dt ; geodm:dataType ?ty . ?ty skos:prefLabel ?tl }}
          UNION {{ GRAPH {graph} {{ {graph} ?gp ?go }} }}
        }}""")
    return _as_json(_Triples(triples), URIRef(paper))  # type: ignore[arg-type]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(term: Any) -> Node:
    """An rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    return BNode(term.value)


class _Triples:
    """The few rdflib Graph lookups :func:`_as_json` needs, over a query's triples: several times
    cheaper than serialising them and parsing them again into an rdflib Graph."""

    def __init__(self, triples: Any) -> None:
        self.index: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            values = self.index[_term(t.subject)][_term(t.predicate)]
            o = _term(t.object)
            if o not in values:
                values.append(o)

    def objects(self, s: Node, p: Node) -> list[Node]:
        found = self.index.get(s)
        return list(found.get(p, ())) if found else []

    def value(self, s: Node, p: Node) -> Node | None:
        found = self.objects(s, p)
        return found[0] if found else None


def _texts(g: Graph, s: URIRef, p: URIRef) -> dict[str, str]:
    return {(o.language or ""): str(o) for o in g.objects(s, p)}


def _labelled(g: Graph, node: Any) -> dict[str, Any]:
    skos = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    labels = _texts(g, node, skos)
    return {"id": str(node).rsplit("/", 1)[-1], "iri": str(node), "label_en": labels.get("en"), "label_zh": labels.get("zh")}


def _as_json(g: Graph, paper: URIRef) -> dict[str, Any]:
    geodm = "https://w3id.org/geokg/ontology#"
    dct = "http://purl.org/dc/terms/"

    def P(local: str, ns: str = geodm) -> URIRef:
        return URIRef(ns + local)

    def order(node: Any) -> int:
        value = g.value(node, P("order"))
        return int(value) if value is not None else 0

    applications = []
    for ma in sorted(g.objects(paper, P("hasMethodApplication")), key=order):
        applications.append({
            "order": order(ma),
            "method": _labelled(g, g.value(ma, P("method"))),
            "purposes": [_labelled(g, p) for p in sorted(g.objects(ma, P("purpose")))],
            "inputs": sorted(str(d).rsplit("/", 1)[-1] for d in g.objects(ma, P("input"))),
            "note": str(g.value(ma, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")) or "") or None,
        })
    datasets = []
    for d in sorted(g.objects(paper, P("usesDataset"))):
        datasets.append({"id": str(d).rsplit("/", 1)[-1], "iri": str(d), "name": _texts(g, d, URIRef(dct + "title")).get("en"),
                         "data_types": [_labelled(g, t) for t in sorted(g.objects(d, P("dataType")))]})
    question = g.value(paper, P("addresses"))
    graph = g.value(paper, P("inGraph"))
    journal = g.value(paper, P("publishedIn"))
    return {
        "iri": str(paper),
        "doi": str(g.value(paper, URIRef("http://prismstandard.org/namespaces/basic/2.0/doi"))),
        "url": str(g.value(paper, URIRef("http://purl.org/spar/fabio/hasURL"))),
        "title": _texts(g, paper, URIRef(dct + "title")),
        "journal": str(journal).rsplit("/", 1)[-1] if journal else None,
        "issued": str(g.value(paper, URIRef(dct + "issued")) or "") or None,
        "summary": _texts(g, paper, P("summary")),
        "research_question": _texts(g, question, P("text")) if question else {},
        "method_applications": applications,
        "datasets": datasets,
        "processes": [_labelled(g, x) for x in sorted(g.objects(paper, P("studiesProcess")))],
        "findings": [_texts(g, f, P("text")) for f in sorted(g.objects(paper, P("hasFinding")), key=order)],
        "report": {
            "asserted": sorted(str(g.value(c, URIRef("http://www.w3.org/2004/02/skos/core#notation"))) for c in g.objects(paper, P("listedUnder"))),
            "derived": sorted(str(g.value(c, URIRef("http://www.w3.org/2004/02/skos/core#notation"))) for c in g.objects(paper, P("derivedCategory"))),
        },
        "provenance": {
            "source": str(g.value(paper, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) or ""),
            "appendix_row": int(g.value(paper, P("reportRow"))) if g.value(paper, P("reportRow")) is not None else None,
            "graph": str(graph) if graph else None,
            "record_file": str(g.value(graph, URIRef(dct + "source"))) if graph else None,
            "corrections": [{"field": str(g.value(c, P("field"))), "note": str(g.value(c, P("text")))}
                            for c in sorted(g.objects(paper, P("hasCorrection")))],
        },
    }
