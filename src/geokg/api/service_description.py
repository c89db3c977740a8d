"""The SPARQL 1.1 Service Description of the endpoint (returned by ``GET /sparql``)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.responses import Response

from geokg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, choose, content_type
from geokg.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def service_description(endpoint: str, accept: str | None, settings: Settings) -> Response:
    """Describe the endpoint: query language, result formats, union default graph."""
    lines = [
        f"@prefix sd: <{SD}> .",
        f"@prefix fmt: <{FORMATS}> .",
        f"<{endpoint}#service> a sd:Service ;",
        f"  sd:endpoint <{endpoint}> ;",
        "  sd:supportedLanguage sd:SPARQL11Query" + (" , sd:SPARQL11Update ;" if settings.write_token else " ;"),
        "  sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;",
        "  sd:resultFormat " + " , ".join(f"fmt:{f}" for f in _RESULT_FORMAT_IRIS) + " ;",
        "  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .",
    ]
    graph = ox.parse("\n".join(lines), format=ox.RdfFormat.TURTLE)
    media = choose(accept, list(GRAPH_TYPES)) or "text/turtle"
    body = ox.serialize(graph, format=GRAPH_TYPES[media], prefixes={"sd": SD, "fmt": FORMATS})
    return Response(body, media_type=content_type(media), headers={"Vary": "Accept"})


__all__ = ["RESULT_TYPES", "service_description"]
