"""Which release the store holds: the description ``geokg load --release`` put in its own graph.

A store loaded from records (``geokg load``) or changed through the API holds no release: it is
"unreleased (development)", and its description says only that, the endpoint and the vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from geokg.model.vocab import ONTOLOGY_IRI, Iris
from geokg.store import Store
from geokg.store.results import rows, triples
from geokg.store.sparql import iri, literal

UNRELEASED = "unreleased (development)"
VOID = "http://rdfs.org/ns/void#"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
DCTERMS = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    iri: str
    issued: str | None


def loaded_release(store: Store, iris: Iris) -> ReleaseInfo | None:
    """The release the store was loaded from, or None (development data)."""
    found = rows(store.query(f"""SELECT ?d ?v ?i WHERE {{ GRAPH {iri(str(iris.release_graph))} {{
        ?d a <{VOID}Dataset> ; <{OWL_VERSION_INFO}> ?v . OPTIONAL {{ ?d <{DCTERMS}issued> ?i }} }} }} LIMIT 1"""))
    return ReleaseInfo(found[0]["v"], found[0]["d"], found[0].get("i")) if found else None


def release_label(store: Store, iris: Iris) -> str:
    """``1.1.0 (2026-02-01)``, or ``unreleased (development)``."""
    release = loaded_release(store, iris)
    if release is None:
        return UNRELEASED
    return f"{release.version} ({release.issued})" if release.issued else release.version


def void_description(store: Store, iris: Iris, endpoint: str) -> list[ox.Triple]:
    """The VoID + DCAT description of what the store serves, with the endpoint serving it."""
    release = loaded_release(store, iris)
    if release is not None:
        found = list(triples(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(str(iris.release_graph))} {{ ?s ?p ?o }} }}")))
        subject = ox.NamedNode(release.iri)
        return [*found, ox.Triple(subject, ox.NamedNode(f"{VOID}sparqlEndpoint"), ox.NamedNode(endpoint))]
    text = f"""<{iris.base}> a <{VOID}Dataset> ;
        <{DCTERMS}title> {literal("GeoKG: development data (unreleased)", "en")} ;
        <{OWL_VERSION_INFO}> {literal(UNRELEASED)} ;
        <{VOID}sparqlEndpoint> {iri(endpoint)} ;
        <{VOID}vocabulary> {iri(str(ONTOLOGY_IRI))} ;
        <{VOID}uriSpace> {literal(iris.base)} ."""
    return list(ox.parse(text, format=ox.RdfFormat.TURTLE))
