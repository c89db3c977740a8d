"""Namespaces of GeoKG. Code never spells GeoKG IRIs as strings elsewhere."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/geokg/ontology")
GKC = Namespace("https://w3id.org/geokg/concept/")
DEFAULT_BASE = "https://w3id.org/geokg/"
#: Datasets under the default base (the mapping tables use this namespace).
GKD = Namespace(DEFAULT_BASE + "dataset/")
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


SCHEMES = {
    "method": GKC["methods"],
    "purpose": GKC["purposes"],
    "data type": GKC["data-types"],
    "process": GKC["processes"],
    "research focus": GKC["research-focus"],
    "data category": GKC["data-categories"],
    "technique": GKC["techniques"],
    "dataset role": GKC["dataset-roles"],
    "platform": GKC["platforms"],
    "instrument": GKC["instruments"],
    "geologic time": GKC["geologic-time"],
    "body": GKC["bodies"],
}
