"""Records → RDF: one named graph per paper, one for the catalogue (IRIs: :class:`geokg.model.vocab.Iris`;
a paper's parts are hash IRIs: ``#question``, ``#ma-1``, ``#finding-1``, ``#correction-1``,
``#dataset-use-1``, ``#listing-4.2``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

from geokg.model.corpus import Catalogue
from geokg.model.ontology import ConceptIndex, derived_categories
from geokg.model.records import PaperRecord, Text, normalise_doi
from geokg.model.vocab import FABIO, GEODM, GKC, PRISM, Iris

#: Characters kept as they are when a DOI or Handle goes into a resolver IRI's path (RFC 3987 iunreserved
#: and sub-delims, and "/" and ":"); anything else, such as a space, "#", "<" or "%", is percent-encoded.
_PATH_SAFE = "/:;()!$&'*+,=@~-._"


def doi_link(doi: str) -> URIRef:
    """The resolver IRI of a DOI, of its normalised (lower-case) form: DOIs are case-insensitive, so two
    spellings of one DOI give one IRI, which the store looks up through its index (see ``doi_taken``)."""
    return URIRef("https://doi.org/" + quote(normalise_doi(doi), safe=_PATH_SAFE))


Triple = tuple[Node, Node, Node]


def ntriples_of(triples: Iterable[Triple]) -> str:
    """N-Triples of any triples, each line written as rdflib's N-Triples serialiser writes it."""
    return "".join(map(_nt_row, triples))


class Triples:
    """An ordered set of triples: what a paper graph is before it reaches the store. Building one
    costs a fifth of an rdflib ``Graph`` (no indexes kept), which a load of many papers feels."""

    def __init__(self) -> None:
        self._triples: dict[Triple, None] = {}

    def add(self, triple: Triple) -> None:
        self._triples[triple] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def ntriples(self) -> str:
        return ntriples_of(self._triples)

    def graph(self) -> Graph:
        g = Graph()
        g += self
        return g


class _Adds(Protocol):
    def add(self, triple: Triple, /) -> object: ...


def _add_text(graph: _Adds, subject: URIRef, predicate: URIRef, text: Text) -> None:
    for lang, wording in text.languages().items():
        graph.add((subject, predicate, Literal(wording, lang=lang)))


def paper_graph(
    record: PaperRecord, index: ConceptIndex, iris: Iris, dataset_types: Mapping[str, list[str]], checksum: str = ""
) -> Graph:
    """The triples of one paper (without graph name) as an rdflib graph; see :func:`paper_triples`."""
    return paper_triples(record, index, iris, dataset_types, checksum).graph()


def paper_triples(
    record: PaperRecord, index: ConceptIndex, iris: Iris, dataset_types: Mapping[str, list[str]], checksum: str = ""
) -> Triples:
    """Return the triples of one paper (without graph name).

    ``dataset_types`` gives the data types of each catalogued dataset; with the ontology's
    hierarchy they determine the paper's derived report categories.
    """
    g = Triples()
    paper = iris.paper(record.id)
    g.add((paper, RDF.type, GEODM.Paper))
    g.add((paper, DCTERMS.identifier, Literal(record.id)))
    # Identifiers besides the DOI resolve through their registries (the IRI-unsafe characters escaped).
    if record.doi:
        g.add((paper, PRISM.doi, Literal(record.doi)))
        g.add((paper, RDFS.seeAlso, doi_link(record.doi)))
    if record.arxiv:
        g.add((paper, FABIO.hasArXivId, Literal(record.arxiv)))
        g.add((paper, RDFS.seeAlso, URIRef("https://arxiv.org/abs/" + record.arxiv)))
    if record.isbn:
        g.add((paper, PRISM.isbn, Literal(record.isbn)))
    if record.handle:
        g.add((paper, FABIO.hasHandle, Literal(record.handle)))
        g.add((paper, RDFS.seeAlso, URIRef("https://hdl.handle.net/" + quote(record.handle, safe=_PATH_SAFE))))
    if record.url:
        g.add((paper, FABIO.hasURL, Literal(record.url, datatype=XSD.anyURI)))
    _add_text(g, paper, DCTERMS.title, record.title)
    g.add((paper, RDFS.label, Literal(record.title.en, lang="en")))
    if record.authors:  # an rdf:Seq keeps the authors' order
        authors = URIRef(f"{paper}#authors")
        g.add((paper, DCTERMS.creator, authors))
        g.add((authors, RDF.type, RDF.Seq))
        for i, name in enumerate(record.authors, 1):
            g.add((authors, RDF[f"_{i}"], Literal(name)))
    for keyword in record.keywords:
        g.add((paper, DCTERMS.subject, Literal(keyword)))
    if record.published:
        g.add((paper, DCTERMS.issued, Literal(record.published.isoformat(), datatype=XSD.date)))
    elif record.year:
        g.add((paper, DCTERMS.issued, Literal(f"{record.year:04d}", datatype=XSD.gYear)))
    g.add((paper, GEODM.publishedIn, iris.journal(record.journal)))
    _add_text(g, paper, GEODM.summary, record.summary)

    if record.research_question:
        question = URIRef(f"{paper}#question")
        g.add((paper, GEODM.addresses, question))
        g.add((question, RDF.type, GEODM.ResearchQuestion))
        _add_text(g, question, GEODM.text, record.research_question)

    for process in record.processes:
        g.add((paper, GEODM.studiesProcess, GKC[process]))
    for i, ma in enumerate(record.method_applications, 1):
        node = URIRef(f"{paper}#ma-{i}")
        g.add((paper, GEODM.hasMethodApplication, node))
        g.add((node, RDF.type, GEODM.MethodApplication))
        g.add((node, GEODM.order, Literal(i)))
        g.add((node, GEODM.method, GKC[ma.method]))
        for purpose in ma.purposes:
            g.add((node, GEODM.purpose, GKC[purpose]))
        for dataset in ma.inputs:
            g.add((node, GEODM.input, iris.dataset(dataset)))
        if ma.note:
            g.add((node, RDFS.comment, Literal(ma.note, lang="en")))
    for dataset in record.used_datasets:
        g.add((paper, GEODM.usesDataset, iris.dataset(dataset)))
    for i, use in enumerate(record.other_datasets, 1):
        node = URIRef(f"{paper}#dataset-use-{i}")
        g.add((paper, GEODM.hasDatasetUse, node))
        g.add((node, RDF.type, GEODM.DatasetUse))
        g.add((node, GEODM.dataset, iris.dataset(use.dataset)))
        g.add((node, GEODM.role, GKC[use.role]))
        if use.note:
            g.add((node, RDFS.comment, Literal(use.note, lang="en")))
    for period in record.time_periods:
        g.add((paper, GEODM.studiesPeriod, GKC[period]))
    for body in record.bodies:
        g.add((paper, GEODM.studiesBody, GKC[body]))
    for i, finding in enumerate(record.findings, 1):
        node = URIRef(f"{paper}#finding-{i}")
        g.add((paper, GEODM.hasFinding, node))
        g.add((node, RDF.type, GEODM.Finding))
        g.add((node, GEODM.order, Literal(i)))
        _add_text(g, node, GEODM.text, finding)
    for section in record.report_sections:
        g.add((paper, GEODM.listedUnder, GKC[index.notation[section]]))
    for section, position in record.report_positions.items():
        # The place among a section's examples keeps the report's order (a listing node per section).
        node = URIRef(f"{paper}#listing-{section}")
        g.add((paper, GEODM.hasListing, node))
        g.add((node, RDF.type, GEODM.ReportListing))
        g.add((node, GEODM.category, GKC[index.notation[section]]))
        g.add((node, GEODM.order, Literal(position)))
    methods = [ma.method for ma in record.method_applications]
    purposes = [p for ma in record.method_applications for p in ma.purposes]
    data_types = [t for d in record.used_datasets for t in dataset_types.get(d, ())]
    for category in sorted(derived_categories(index, methods, purposes, data_types)):
        g.add((paper, GEODM.derivedCategory, GKC[category]))

    prov = record.provenance
    if prov:
        g.add((paper, PROV.wasDerivedFrom, iris.source(prov.source)))
    if prov and prov.appendix_row:
        g.add((paper, GEODM.reportRow, Literal(prov.appendix_row)))
    for i, correction in enumerate(prov.corrections if prov else [], 1):
        node = URIRef(f"{paper}#correction-{i}")
        g.add((paper, GEODM.hasCorrection, node))
        g.add((node, RDF.type, GEODM.Correction))
        g.add((node, GEODM.field, Literal(correction.field)))
        g.add((node, GEODM.text, Literal(correction.note, lang="en")))
    graph_iri = iris.paper_graph(record.id)
    g.add((graph_iri, RDF.type, PROV.Entity))
    if prov:
        g.add((graph_iri, PROV.wasDerivedFrom, iris.source(prov.source)))
    g.add((graph_iri, DCTERMS.source, Literal(f"loaders/records/{record.id}.yaml")))
    if checksum:
        g.add((graph_iri, GEODM.recordChecksum, Literal(checksum)))
    return g


def catalogue_graph(catalogue: Catalogue, iris: Iris) -> Graph:
    """Return the triples of journals, sources and datasets."""
    g = Graph()
    for j in catalogue.journals.values():
        node = iris.journal(j.id)
        g.add((node, RDF.type, GEODM.Journal))
        g.add((node, DCTERMS.title, Literal(j.name)))
        g.add((node, RDFS.label, Literal(j.name)))
        for issn in (j.issn, j.eissn):
            if issn:
                g.add((node, PRISM.issn if issn == j.issn else PRISM.eIssn, Literal(issn)))
        if j.publisher:
            g.add((node, DCTERMS.publisher, Literal(j.publisher)))
        if j.url:
            g.add((node, FABIO.hasURL, Literal(j.url, datatype=XSD.anyURI)))
    for s in catalogue.sources.values():
        node = iris.source(s.id)
        g.add((node, RDF.type, PROV.Entity))
        _add_text(g, node, DCTERMS.title, s.title)
        g.add((node, RDFS.label, Literal(s.title.en, lang="en")))
        g.add((node, DCTERMS.source, Literal(s.file)))
        if s.description:
            _add_text(g, node, DCTERMS.description, s.description)
    for d in catalogue.datasets.values():
        node = iris.dataset(d.id)
        g.add((node, RDF.type, GEODM.Dataset))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(d.id)))
        _add_text(g, node, DCTERMS.title, d.name)
        g.add((node, RDFS.label, Literal(d.name.en, lang="en")))
        for data_type in d.data_types:
            g.add((node, GEODM.dataType, GKC[data_type]))
        if d.version:
            g.add((node, DCTERMS.hasVersion, Literal(d.version)))
        if d.provider:
            g.add((node, DCTERMS.publisher, Literal(d.provider)))
        if d.url:
            g.add((node, DCAT.landingPage, URIRef(d.url)))
        if d.description:
            _add_text(g, node, DCTERMS.description, d.description)
        for platform in d.platforms:
            g.add((node, GEODM.platform, GKC[platform]))
        for instrument in d.instruments:
            g.add((node, GEODM.instrument, GKC[instrument]))
    return g
