"""The SPARQL 1.1 Service Description of the endpoint (returned by ``GET /sparql``)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.responses import Response

from geokg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, choose, content_type
from geokg.read.release import UNRELEASED, ReleaseInfo
from geokg.settings import Settings
from geokg.store.sparql import iri, literal

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def service_description(endpoint: str, accept: str | None, settings: Settings, release: ReleaseInfo | None = None,
                        void: str | None = None) -> Response:
    """Describe the endpoint: query language, result formats, union default graph, and which
    release the default dataset is (``owl:versionInfo``; its VoID description at ``void``)."""
    dataset = [f"owl:versionInfo {literal(release.version if release else UNRELEASED)}"]
    if release:
        dataset.append(f"prov:wasDerivedFrom {iri(release.iri)}")
    if void:
        dataset.append(f"rdfs:seeAlso {iri(void)}")
    lines = [
        f"@prefix sd: <{SD}> .",
        f"@prefix fmt: <{FORMATS}> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f"<{endpoint}#service> a sd:Service ;",
        f"  sd:endpoint <{endpoint}> ;",
        "  sd:supportedLanguage sd:SPARQL11Query" + (" , sd:SPARQL11Update ;" if settings.write_token else " ;"),
        "  sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;",
        "  sd:resultFormat " + " , ".join(f"fmt:{f}" for f in _RESULT_FORMAT_IRIS) + " ;",
        f"  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ; {' ; '.join(dataset)} ] .",
    ]
    graph = ox.parse("\n".join(lines), format=ox.RdfFormat.TURTLE)
    media = choose(accept, list(GRAPH_TYPES)) or "text/turtle"
    body = ox.serialize(graph, format=GRAPH_TYPES[media], prefixes={"sd": SD, "fmt": FORMATS, "owl": "http://www.w3.org/2002/07/owl#",
                                                                          "prov": "http://www.w3.org/ns/prov#"})
    return Response(body, media_type=content_type(media), headers={"Vary": "Accept"})


__all__ = ["RESULT_TYPES", "service_description"]
