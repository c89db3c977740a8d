"""``/.well-known/void``: the VoID + DCAT description of what this service serves (RFC 8615, VoID §7.2)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from geokg.api.deps import ReaderDep
from geokg.api.negotiation import GRAPH_TYPES, choose, content_type
from geokg.errors import NotFound, ProtocolError
from geokg.read.context import Reader
from geokg.read.release import loaded_release, void_description

router = APIRouter(tags=["release"])

PREFIXES = {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/",
            "prov": "http://www.w3.org/ns/prov#", "spdx": "http://spdx.org/rdf/terms#", "foaf": "http://xmlns.com/foaf/0.1/",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _description(request: Request, reader: Reader) -> Response:
    media = choose(request.headers.get("accept"), list(GRAPH_TYPES))
    if media is None:
        raise ProtocolError(406, f"available: {', '.join(GRAPH_TYPES)}")
    triples = void_description(reader.store, reader.iris, str(request.url_for("sparql_get")))
    prefixes = PREFIXES if GRAPH_TYPES[media] in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else None
    body = ox.serialize(triples, format=GRAPH_TYPES[media], prefixes=prefixes)
    return Response(body, media_type=content_type(media), headers={"Vary": "Accept"})


@router.get("/.well-known/void", summary="The dataset's description (VoID + DCAT): its release, counts, files, checksums",
            responses={200: {"content": {m: {} for m in GRAPH_TYPES}}})
def well_known_void(request: Request, reader: ReaderDep) -> Response:
    """The loaded release's description (Turtle by default; JSON-LD, N-Triples, RDF/XML by Accept);
    for development data, a short description saying it is unreleased."""
    return _description(request, reader)


@router.get("/release/{version}", summary="A release's IRI: its description, when it is the release served",
            responses={200: {"content": {m: {} for m in GRAPH_TYPES}}})
def release_document(request: Request, reader: ReaderDep, version: str) -> Response:
    """The release IRI ``{base}release/{version}`` resolves here while this service serves that release."""
    loaded = loaded_release(reader.store, reader.iris)
    if loaded is None or loaded.iri != str(reader.iris.release(version)):
        raise NotFound(f"release {version} is not the one served here ({loaded.version if loaded else 'unreleased (development)'})")
    return _description(request, reader)
