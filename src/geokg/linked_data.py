"""Linked Data: every entity IRI of the graph dereferences here, with content negotiation.

An IRI ``{base}paper/x`` is served at ``/paper/x`` (likewise dataset, journal, source; concepts
at ``/concept/{id}``, the ontology at ``/ontology``). People get HTML pages (:mod:`geokg.web`),
machines Turtle, JSON-LD, N-Triples or RDF/XML (:mod:`geokg.api.routers.ld`): this router only
chooses between the two.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from geokg.api.negotiation import choose
from geokg.api.routers.ld import RDF_TYPES, rdf_document
from geokg.errors import NotFound, ProtocolError
from geokg.model.vocab import GKC, ONTOLOGY_IRI
from geokg.read.entities import describe, statements
from geokg.web import pages

router = APIRouter(tags=["linked-data"])

KINDS = ("paper", "dataset", "journal", "source")
OFFERED = ["text/html", *RDF_TYPES]
_FORMAT_PARAM = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
                 "rdfxml": "application/rdf+xml", "html": "text/html"}


def respond(request: Request, subject: str, kind: str) -> Response:
    forced = request.query_params.get("format")
    media = _FORMAT_PARAM.get(forced or "") or choose(request.headers.get("accept"), OFFERED)
    if media is None:
        raise ProtocolError(406, f"available: {', '.join(OFFERED)}")
    headers = {"Vary": "Accept", "Link": f'<{subject}>; rel="canonical"'}
    reader = pages.reader_of(request)
    if media != "text/html":
        return rdf_document(request, reader, subject, media, headers)
    if kind == "paper":
        return pages.paper_page(request, subject, headers)
    if kind == "concept":
        return pages.concept_page(request, subject, headers)
    return pages.entity_page(request, subject, statements(describe(reader, subject)), headers)


@router.get("/concept/{concept_id}", summary="A concept as Linked Data")
def concept_document(request: Request, concept_id: str) -> Response:
    if concept_id not in pages.reader_of(request).concepts.concepts:
        raise NotFound(f"no concept {concept_id!r}; search with /concepts?q=")
    return respond(request, GKC + concept_id, "concept")


@router.get("/ontology", summary="The ontology header as Linked Data")
def ontology_document(request: Request) -> Response:
    return respond(request, str(ONTOLOGY_IRI), "ontology")


@router.get("/{kind}/{entity_id}", summary="A paper, dataset, journal or source as Linked Data")
def entity_document(request: Request, kind: str, entity_id: str) -> Response:
    if kind not in KINDS:
        raise NotFound(f"no such resource /{kind}/{entity_id}")
    return respond(request, f"{pages.reader_of(request).iris.base}{kind}/{entity_id}", kind)
