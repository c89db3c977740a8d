"""The release's description: VoID (statistics, dumps, endpoint) and DCAT (files, licence,
creators, versions, checksums), checked with ``shapes/release.ttl``.

Counts are of the release's data, all graphs together: ``void:triples`` counts quads (a triple
in two graphs counts twice, as the dumps hold it twice); ``void:entities`` counts the distinct
IRIs that have a type; a class partition's ``void:entities`` the distinct IRIs of that type; a
property partition's ``void:triples`` the quads with that predicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, VOID

from geokg.errors import RecordError
from geokg.model.vocab import ONTOLOGY_IRI, Iris
from geokg.release.files import PARTS, SPDX, Part, sha256
from geokg.store import Store
from geokg.store.results import rows
from geokg.store.sparql import iri
from geokg.validate.shapes import read_shapes, violations

IANA = "http://www.iana.org/assignments/media-types/"
#: DCAT 3 terms rdflib's DCAT (version 2) does not list.
DCAT3 = Namespace(str(DCAT))
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "prov": PROV, "spdx": SPDX, "foaf": FOAF, "owl": OWL, "xsd": XSD}

#: The counts, over every graph of the data except the release description itself.
COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s)) {skip} }}",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}",
}
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s) && isIRI(?c)) {skip} }} GROUP BY ?c"
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }} GROUP BY ?p"


@dataclass
class Statistics:
    counts: dict[str, int]
    classes: dict[str, int]
    properties: dict[str, int]


def statistics(store: Store, iris: Iris) -> Statistics:
    """VoID counts of a store's data (its release description, if loaded, left out)."""
    skip = f"FILTER(?g != {iri(str(iris.release_graph))})"
    counts = {k: int(rows(store.query(q.format(skip=skip)))[0]["n"]) for k, q in COUNT_QUERIES.items()}
    classes = {r["c"]: int(r["n"]) for r in rows(store.query(CLASSES.format(skip=skip)))}
    properties = {r["p"]: int(r["n"]) for r in rows(store.query(PROPERTIES.format(skip=skip)))}
    return Statistics(counts, classes, properties)


@dataclass
class Creator:
    name: str
    orcid: str | None = None

    @classmethod
    def parse(cls, text: str) -> Creator:
        """``Name`` or ``Name <https://orcid.org/0000-…>``."""
        name, _, rest = text.partition("<")
        orcid = rest.rstrip(">").strip() or None
        if orcid and not orcid.startswith("https://orcid.org/"):
            raise ValueError(f"creator {text!r}: the part in <> must be an ORCID IRI (https://orcid.org/…)")
        if not name.strip():
            raise ValueError(f"creator {text!r}: no name")
        return cls(name.strip(), orcid)


@dataclass
class Release:
    """What the description says besides the statistics and files."""

    version: str
    issued: str
    iris: Iris
    creators: list[Creator]
    sources: list[str]
    """IRIs of the source documents the records are derived from (the report)."""
    license: str
    endpoint: str
    previous: str | None = None
    extra_parts: list[Part] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return self.iris.release(self.version)

    def file_iri(self, name: str) -> URIRef:
        return URIRef(f"{self.iri}/{name}")


def description(release: Release, stats: Statistics, folder: Path) -> Graph:
    """The VoID + DCAT graph of a release folder whose files (all but the description) are written."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    ds = release.iri
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(f"GeoKG {release.version}", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "A validated knowledge graph of geoscience data mining: which papers apply which methods, for what purpose, "
        "on which data.", lang="en")))
    g.add((ds, OWL.versionInfo, Literal(release.version)))
    g.add((ds, DCAT3.version, Literal(release.version)))
    g.add((ds, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
    g.add((ds, DCTERMS.license, URIRef(release.license)))
    g.add((ds, VOID.vocabulary, ONTOLOGY_IRI))
    g.add((ds, VOID.sparqlEndpoint, URIRef(release.endpoint)))
    g.add((ds, VOID.uriSpace, Literal(release.iris.base)))
    if release.previous:
        g.add((ds, DCAT3.previousVersion, release.iris.release(release.previous)))
        g.add((ds, PROV.wasRevisionOf, release.iris.release(release.previous)))
    for source in release.sources:
        g.add((ds, PROV.wasDerivedFrom, URIRef(source)))
    for creator in release.creators:
        agent = URIRef(creator.orcid) if creator.orcid else BNode()
        g.add((agent, RDF.type, FOAF.Person if creator.orcid else FOAF.Agent))
        g.add((agent, FOAF.name, Literal(creator.name)))
        g.add((ds, DCTERMS.creator, agent))
    for key, value in stats.counts.items():
        g.add((ds, VOID[key], Literal(value, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
    for i, (cls, n) in enumerate(sorted(stats.classes.items()), 1):
        partition = URIRef(f"{ds}#class-{i}")
        g.add((ds, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(n, datatype=XSD.integer)))
    for i, (prop, n) in enumerate(sorted(stats.properties.items()), 1):
        partition = URIRef(f"{ds}#property-{i}")
        g.add((ds, VOID.propertyPartition, partition))
        g.add((partition, VOID.property, URIRef(prop)))
        g.add((partition, VOID.triples, Literal(n, datatype=XSD.integer)))
    for part in [*PARTS, *release.extra_parts]:
        path = folder / part.name
        dist = release.file_iri(part.name)
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(part.title, lang="en")))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(IANA + part.media_type)))
        if part.compression:
            g.add((dist, DCAT.compressFormat, URIRef(IANA + part.compression)))
            g.add((ds, VOID.dataDump, dist))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{dist}#sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256(path), datatype=XSD.hexBinary)))
    return g


def check_description(g: Graph, source: str = "void.ttl") -> list[RecordError]:
    """The description's violations of ``shapes/release.ttl`` (pySHACL)."""
    shapes = read_shapes(("release",))
    conforms, report, _ = validate(g, shacl_graph=shapes, inference="none", advanced=False)
    return [] if conforms else violations(report, shapes, source)
