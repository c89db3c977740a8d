"""Any entity of the graph described by its own triples (and those of its hash-IRI parts)."""

from __future__ import annotations

from rdflib import RDFS, XSD, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, SKOS

from geokg.errors import NotFound
from geokg.model.vocab import FABIO, GEODM, GKC, PRISM
from geokg.read.context import Reader
from geokg.store.results import ntriples
from geokg.store.sparql import iri

#: Prefixes of descriptions (Turtle, JSON-LD context, the HTML table's short names).
PREFIXES: dict[str, str] = {
    "geodm": str(GEODM._NS), "gkc": str(GKC), "skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV),
    "prism": str(PRISM), "fabio": str(FABIO), "dcat": str(DCAT), "rdfs": str(RDFS), "xsd": str(XSD),
}


def describe(reader: Reader, subject: str) -> Graph:
    """The triples about ``subject`` and its hash-IRI parts (``…#ma-1``).

    :raises NotFound: the subject is no IRI, or nothing is known about it
    """
    try:
        term = iri(subject)
    except ValueError:
        raise NotFound(f"no such resource: {subject!r} is not a valid IRI") from None
    found = reader.store.query(f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        {{ BIND({term} AS ?s) {term} ?p ?o }}
        UNION {{ {term} ?link ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR({term}), "#"))) ?s ?p ?o }} }}""")
    g = Graph()
    g.parse(data=ntriples(found), format="nt")
    if not len(g):
        raise NotFound(f"nothing is known about {subject}")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def statements(g: Graph) -> list[dict[str, str | None]]:
    """The triples of a description with prefixed names, for a table."""
    short = g.namespace_manager.normalizeUri
    return [{"s": short(str(s)), "p": short(str(p)), "o": short(o) if isinstance(o, URIRef) else str(o),
             "href": str(o) if isinstance(o, URIRef) else None} for s, p, o in sorted(g)]
