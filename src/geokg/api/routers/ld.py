"""Linked Data: every entity IRI of the graph dereferences here, with content negotiation.

An IRI ``{base}paper/x`` is served at ``/paper/x`` (likewise dataset, journal, concept, source);
HTML pages for people (geokg.web.pages), Turtle, JSON-LD (compacted with the published ``/context.jsonld``),
N-Triples and RDF/XML for machines.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph, URIRef

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.negotiation import choose, content_type
from geokg.api.results import iri
from geokg.lookup import CONCEPT_NS
from geokg.vocab import ONTOLOGY_IRI
from geokg.web import pages

router = APIRouter(tags=["linked-data"])

KINDS = ("paper", "dataset", "journal", "source")
OFFERED = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
CONTEXT: dict[str, Any] = {
    "geodm": "https://w3id.org/geokg/ontology#",
    "gkc": CONCEPT_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "fabio": "http://purl.org/spar/fabio/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@router.get("/context.jsonld", summary="The JSON-LD @context used by the JSON-LD responses")
def context() -> JSONResponse:
    return JSONResponse({"@context": CONTEXT}, media_type="application/ld+json")


def describe(store: StoreDep, subject: str) -> Graph:
    try:
        term = iri(subject)
    except ValueError:
        raise ProtocolError(404, f"no such resource: {subject!r} is not a valid IRI") from None
    triples = store.query(f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        {{ BIND({term} AS ?s) {term} ?p ?o }}
        UNION {{ {term} ?link ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR({term}), "#"))) ?s ?p ?o }} }}""")
    g = Graph()
    g.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")  # type: ignore[union-attr]
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    return g


def _statements(g: Graph) -> list[dict[str, str | None]]:
    """The triples of a description, with prefixed names, for the HTML table."""
    short = g.namespace_manager.normalizeUri
    return [{"s": short(s), "p": short(p), "o": short(o) if isinstance(o, URIRef) else str(o),
             "href": str(o) if isinstance(o, URIRef) else None} for s, p, o in sorted(g)]


_FORMAT_PARAM = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml", "html": "text/html"}


def respond(request: Request, store: StoreDep, subject: str, kind: str) -> Response:
    forced = request.query_params.get("format")
    media = _FORMAT_PARAM.get(forced or "") or choose(request.headers.get("accept"), OFFERED)
    if media is None:
        raise ProtocolError(406, f"available: {', '.join(OFFERED)}")
    headers = {"Vary": "Accept", "Link": f'<{subject}>; rel="canonical"'}
    if media == "text/html" and kind == "paper":
        return pages.paper_page(request, store, subject, headers)
    if media == "text/html" and kind == "concept":
        return pages.concept_page(request, store, subject, headers)
    g = describe(store, subject)
    if not len(g):
        raise ProtocolError(404, f"nothing is known about {subject}")
    if media == "text/html":
        return pages.entity_page(request, subject, _statements(g), headers)
    if media == "application/ld+json":
        doc = json.loads(g.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
        doc["@context"] = str(request.url_for("context"))
        return Response(json.dumps(doc, ensure_ascii=False), media_type="application/ld+json", headers=headers)
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[media]
    return Response(g.serialize(format=fmt), media_type=content_type(media), headers=headers)


@router.get("/concept/{concept_id}", summary="A concept as Linked Data")
def concept_document(request: Request, store: StoreDep, concept_id: str) -> Response:
    return respond(request, store, CONCEPT_NS + concept_id, "concept")


@router.get("/ontology", summary="The ontology header as Linked Data")
def ontology_document(request: Request, store: StoreDep) -> Response:
    return respond(request, store, str(ONTOLOGY_IRI), "ontology")


@router.get("/{kind}/{entity_id}", summary="A paper, dataset, journal or source as Linked Data")
def entity_document(request: Request, store: StoreDep, kind: str, entity_id: str) -> Response:
    if kind not in KINDS:
        raise ProtocolError(404, f"no such resource /{kind}/{entity_id}")
    return respond(request, store, f"{request.app.state.settings.base_iri}{kind}/{entity_id}", kind)
