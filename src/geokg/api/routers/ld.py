"""Linked Data for machines: entity descriptions as Turtle, JSON-LD, N-Triples or RDF/XML.

The routes of entity IRIs live in :mod:`geokg.linked_data`, which sends people (HTML) to the web
pages and machines here.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from geokg.api.negotiation import content_type
from geokg.read.context import Reader
from geokg.read.entities import PREFIXES, describe

router = APIRouter(tags=["linked-data"])

#: RDF media types of descriptions → rdflib format names.
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt", "application/rdf+xml": "xml"}
CONTEXT: dict[str, Any] = dict(PREFIXES)


@router.get("/context.jsonld", summary="The JSON-LD @context used by the JSON-LD responses")
def context() -> JSONResponse:
    return JSONResponse({"@context": CONTEXT}, media_type="application/ld+json")


def rdf_document(request: Request, reader: Reader, subject: str, media: str, headers: dict[str, str]) -> Response:
    """The description of ``subject`` in an RDF media type of :data:`RDF_TYPES`."""
    g = describe(reader, subject)
    if media == "application/ld+json":
        doc = json.loads(g.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
        doc["@context"] = str(request.url_for("context"))
        return Response(json.dumps(doc, ensure_ascii=False), media_type="application/ld+json", headers=headers)
    return Response(g.serialize(format=RDF_TYPES[media]), media_type=content_type(media), headers=headers)
