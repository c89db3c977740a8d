"""Namespaces of GeoKG. Code never spells GeoKG IRIs as strings elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/geokg/ontology")
GKC = Namespace("https://w3id.org/geokg/concept/")
DEFAULT_BASE = "https://w3id.org/geokg/"
#: Datasets under the default base (the mapping tables use this namespace).
GKD = Namespace(DEFAULT_BASE + "dataset/")
#: Annotations of GeoKG's SHACL shapes (which record field a shape checks).
GKS = Namespace("https://w3id.org/geokg/shapes#")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
FABIO = Namespace("http://purl.org/spar/fabio/")


class GEODM(DefinedNamespace):
    """Classes and properties of ``ontology/geodm.ttl`` (a test keeps the two in step)."""

    _fail = True
    _NS = Namespace("https://w3id.org/geokg/ontology#")

    Paper: URIRef
    Journal: URIRef
    ResearchQuestion: URIRef
    MethodApplication: URIRef
    Dataset: URIRef
    Finding: URIRef
    Correction: URIRef
    Method: URIRef
    Purpose: URIRef
    DataType: URIRef
    NaturalProcess: URIRef
    ReportCategory: URIRef
    ResearchFocus: URIRef
    DataCategory: URIRef
    MethodFamily: URIRef
    publishedIn: URIRef
    addresses: URIRef
    hasMethodApplication: URIRef
    method: URIRef
    purpose: URIRef
    input: URIRef
    usesDataset: URIRef
    dataType: URIRef
    studiesProcess: URIRef
    hasFinding: URIRef
    listedUnder: URIRef
    derivedCategory: URIRef
    indicates: URIRef
    hasCorrection: URIRef
    text: URIRef
    summary: URIRef
    field: URIRef
    reportRow: URIRef
    recordChecksum: URIRef
    order: URIRef
    Technique: URIRef
    ObservingPlatform: URIRef
    Instrument: URIRef
    GeologicTimeUnit: URIRef
    PlanetaryBody: URIRef
    DatasetRole: URIRef
    DatasetUse: URIRef
    ReportListing: URIRef
    hasDatasetUse: URIRef
    dataset: URIRef
    role: URIRef
    hasListing: URIRef
    category: URIRef
    studiesPeriod: URIRef
    studiesBody: URIRef
    platform: URIRef
    instrument: URIRef


#: Prefixes of the namespaces GeoKG's queries use; every read query starts with them.
SPARQL_PREFIXES = f"""PREFIX geodm: <{GEODM._NS}>
PREFIX gkc: <{GKC}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prism: <{PRISM}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@dataclass(frozen=True)
class Scheme:
    """A concept scheme of the ontology, and everything that follows from it."""

    key: str
    """How the API, the CLI, question parameters and records name it (``data-type``)."""
    iri: URIRef
    label: str
    """What to call it in messages (``data type``)."""
    paper_path: str | None = None
    """SPARQL property path from a paper to the scheme's concepts; None: papers are not searched by it."""
    facet: str | None = None
    """The ``/papers`` query parameter that searches papers by it (a Python identifier)."""
    browse: bool = False
    """Shown as a concept tree on ``/browse``."""


#: The concept schemes: facets, ``/ask``, browse trees, figures, the CLI and validation all read this table.
SCHEMES: tuple[Scheme, ...] = (
    Scheme("method", GKC["methods"], "method", "geodm:hasMethodApplication/geodm:method", "method", browse=True),
    Scheme("purpose", GKC["purposes"], "purpose", "geodm:hasMethodApplication/geodm:purpose", "purpose", browse=True),
    Scheme("data-type", GKC["data-types"], "data type", "geodm:usesDataset/geodm:dataType", "data_type", browse=True),
    Scheme("process", GKC["processes"], "natural process", "geodm:studiesProcess", "process", browse=True),
    Scheme("research-focus", GKC["research-focus"], "research focus", "geodm:listedUnder|geodm:derivedCategory"),
    Scheme("data-category", GKC["data-categories"], "data category", "geodm:listedUnder|geodm:derivedCategory"),
    Scheme("technique", GKC["techniques"], "measurement or laboratory technique", "geodm:hasMethodApplication/geodm:method",
           "technique", browse=True),
    Scheme("dataset-role", GKC["dataset-roles"], "dataset role"),
    Scheme("platform", GKC["platforms"], "platform", "geodm:usesDataset/geodm:platform", "platform", browse=True),
    Scheme("instrument", GKC["instruments"], "instrument", "geodm:usesDataset/geodm:instrument", "instrument", browse=True),
    Scheme("geologic-time", GKC["geologic-time"], "geologic time unit", "geodm:studiesPeriod", "period", browse=True),
    Scheme("body", GKC["bodies"], "planetary body", "geodm:studiesBody", "body", browse=True),
)
SCHEME: dict[str, Scheme] = {s.key: s for s in SCHEMES}
SCHEME_OF_IRI: dict[str, Scheme] = {str(s.iri): s for s in SCHEMES}


def concept_id(iri: str) -> str:
    """The local id of a GeoKG concept IRI (``…/concept/bootstrap`` → ``bootstrap``); other IRIs as they are."""
    return iri[len(GKC):] if iri.startswith(str(GKC)) else iri


@dataclass(frozen=True)
class Iris:
    """The IRI scheme of instance data under one base (``GEOKG_BASE_IRI``).

    - paper ``{base}paper/{id}``; its parts are hash IRIs: ``#question``, ``#ma-1``, ``#finding-1``, ``#correction-1``
    - dataset ``{base}dataset/{id}``, journal ``{base}journal/{id}``, source ``{base}source/{id}``
    - graphs ``{base}graph/paper/{id}``, ``{base}graph/catalogue``, ``{base}graph/mappings``,
      ``{base}graph/release`` (the loaded release's description); the ontology graph is the ontology IRI
    - a release ``{base}release/{version}``, its files ``{base}release/{version}/{file}``
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base!r}")

    def _ns(self) -> Namespace:
        return Namespace(self.base)

    def paper(self, paper_id: str) -> URIRef:
        return self._ns()[f"paper/{paper_id}"]

    def paper_graph(self, paper_id: str) -> URIRef:
        return self._ns()[f"graph/paper/{paper_id}"]

    def dataset(self, dataset_id: str) -> URIRef:
        return self._ns()[f"dataset/{dataset_id}"]

    def journal(self, journal_id: str) -> URIRef:
        return self._ns()[f"journal/{journal_id}"]

    def source(self, source_id: str) -> URIRef:
        return self._ns()[f"source/{source_id}"]

    @property
    def catalogue_graph(self) -> URIRef:
        return self._ns()["graph/catalogue"]

    @property
    def mappings_graph(self) -> URIRef:
        return self._ns()["graph/mappings"]

    @property
    def release_graph(self) -> URIRef:
        """The graph holding the description (VoID + DCAT) of the release a store was loaded from."""
        return self._ns()["graph/release"]

    def release(self, version: str) -> URIRef:
        return self._ns()[f"release/{version}"]

    @property
    def paper_graph_prefix(self) -> str:
        return f"{self.base}graph/paper/"

    def local(self, iri: str) -> str:
        """Where an entity IRI under this base is served (``{base}paper/x`` → ``/paper/x``); concepts at ``/concept/{id}``."""
        if iri.startswith(str(GKC)):
            return "/concept/" + iri[len(GKC):]
        return "/" + iri[len(self.base):] if iri.startswith(self.base) else iri
