"""The compiled SHACL pre-check agrees with pySHACL: it proves the valid corpus conforming, never
calls a graph pySHACL rejects conforming, and the validator's messages are pySHACL's either way."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from geokg.errors import RecordError
from geokg.model.corpus import read_corpus
from geokg.model.ontology import concept_index, read_ontology
from geokg.model.records import load_paper
from geokg.model.to_rdf import catalogue_graph, paper_graph
from geokg.model.vocab import FABIO, GEODM, GKC, PRISM, Iris
from geokg.validate.fastshacl import compile_shapes
from geokg.validate.shapes import Validator, validation_context
from support import DATA, ROOT

PAPER = "s41561-024-01517-y"


@pytest.fixture(scope="module")
def setup() -> tuple[Validator, Validator, Callable[[object], Graph]]:
    ontology = read_ontology()
    index = concept_index(ontology)
    corpus = read_corpus(index=index)
    types = {d.id: d.data_types for d in corpus.catalogue.datasets.values()}
    context = validation_context(ontology, catalogue_graph(corpus.catalogue, Iris()))
    fast, slow = Validator(context), Validator(context, fast=False)
    assert fast.compiled is not None, "the bundled shapes must compile"
    return fast, slow, lambda record: paper_graph(record, index, Iris(), types)  # type: ignore[arg-type]


def verdicts(fast: Validator, slow: Validator, graphs: list[Graph]) -> tuple[bool, bool]:
    compiled, context = fast.compiled  # type: ignore[misc]
    data = Graph()
    data += fast.context
    for g in graphs:
        data += g
    conforms, _, _ = validate(data, shacl_graph=slow.shapes, inference="none", advanced=True, allow_warnings=True)
    return compiled.conforms(context, graphs), bool(conforms)


def test_the_valid_corpus_is_proven_conforming(setup) -> None:  # type: ignore[no-untyped-def]
    fast, slow, build = setup
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import records

    bundled = [build(r) for r in read_corpus().papers.values()]
    synthetic = [build(r) for r in records(100, seed=3)]
    for graphs in (bundled, synthetic):
        assert verdicts(fast, slow, graphs) == (True, True)


def test_every_invalid_fixture_gets_the_same_verdict_and_messages(setup) -> None:  # type: ignore[no-untyped-def]
    fast, slow, build = setup
    reached = 0
    for path in sorted((DATA / "records_invalid").glob("*.yaml")):
        try:
            record = load_paper(path)
        except RecordError:
            continue  # refused by the record model: never reaches the shapes
        reached += 1
        graph = build(record)
        quick, full = verdicts(fast, slow, [graph])
        assert not quick or full, f"{path.name}: the fast path calls conforming what pySHACL rejects"
        assert messages(fast, graph) == messages(slow, graph)
    assert reached >= 3


def messages(validator: Validator, graph: Graph) -> list[tuple[str, str, str]]:
    return [(p.source, p.field, p.message) for p in validator.check_graph(graph, "rec.yaml")]


def _paper(g: Graph) -> URIRef:
    return next(s for s in g.subjects(RDF.type, GEODM.Paper))  # type: ignore[return-value]


def _set(p: URIRef, o: object, node: Callable[[URIRef], URIRef] = lambda paper: paper) -> Callable[[Graph], None]:
    def edit(g: Graph) -> None:
        s = node(_paper(g))
        g.remove((s, p, None))
        if o is not None:
            g.add((s, p, o))  # type: ignore[arg-type]
    return edit


def _add(p: URIRef, o: object, node: Callable[[URIRef], URIRef] = lambda paper: paper) -> Callable[[Graph], None]:
    return lambda g: g.add((node(_paper(g)), p, o))  # type: ignore[arg-type]


def _ma(i: int) -> Callable[[URIRef], URIRef]:
    return lambda paper: URIRef(f"{paper}#ma-{i}")


def _twin(g: Graph) -> None:
    paper = _paper(g)
    for _, p, o in list(g.triples((paper, None, None))):
        g.add((URIRef(paper + "-twin"), p, o))


def _paper_as_blank_node(g: Graph) -> None:
    paper, blank = _paper(g), BNode()
    for _, p, o in list(g.triples((paper, None, None))):
        g.add((blank, p, o))
    g.remove((paper, None, None))


def _dataset_use(role: URIRef | None) -> Callable[[Graph], None]:
    """Issue 19: a dataset use (other_datasets entry), with or without its role."""
    def mutate(g: Graph) -> None:
        paper = _paper(g)
        use = URIRef(f"{paper}#dataset-use-1")
        g.add((paper, GEODM.hasDatasetUse, use))
        g.add((use, RDF.type, GEODM.DatasetUse))
        g.add((use, GEODM.dataset, URIRef("https://w3id.org/geokg/dataset/era5-land")))
        if role is not None:
            g.add((use, GEODM.role, role))
    return mutate


def _listing(order: Literal) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        paper = _paper(g)
        listing = URIRef(f"{paper}#listing-3.4")
        g.set((listing, GEODM.order, order))
    return mutate


MUTATIONS: dict[str, Callable[[Graph], None]] = {
    "dataset use without role": _dataset_use(None),
    "dataset role from another scheme": _dataset_use(GKC["bootstrap"]),
    "report position zero": _listing(Literal(0)),
    "report position as text": _listing(Literal("1")),
    "period from another scheme": _add(GEODM.studiesPeriod, GKC["bootstrap"]),
    "body from another scheme": _add(GEODM.studiesBody, GKC["cenozoic"]),
    "no body": _set(GEODM.studiesBody, None),
    "method is a data type": _set(GEODM.method, GKC["satellite-data"], _ma(1)),
    "no DOI": _set(PRISM.doi, None),
    "two DOIs": _add(PRISM.doi, Literal("10.1038/other")),
    "DOI pattern": _set(PRISM.doi, Literal("doi:10.1038/x")),
    "DOI as IRI": _set(PRISM.doi, URIRef("https://doi.org/10.1038/x")),
    "DOI with language": _set(PRISM.doi, Literal("10.1038/x", lang="en")),
    "URL not anyURI": _set(FABIO.hasURL, Literal("https://example.org/x")),
    "third title": _add(DCTERMS.title, Literal("Titre", lang="fr")),
    "title language twice": _add(DCTERMS.title, Literal("Another", lang="en")),
    "title language case": _add(DCTERMS.title, Literal("Another", lang="EN")),
    "issued as text": _set(DCTERMS.issued, Literal("2024-01-01")),
    "issued ill-typed": _set(DCTERMS.issued, Literal("2024-13-45", datatype=XSD.date)),
    "issued dateTime": _set(DCTERMS.issued, Literal("2024-01-01T00:00:00", datatype=XSD.dateTime)),
    "journal not a journal": _set(GEODM.publishedIn, URIRef("https://w3id.org/geokg/dataset/era5")),
    "journal a literal": _set(GEODM.publishedIn, Literal("nature")),
    "no research question": _set(GEODM.addresses, None),
    "process from another scheme": _add(GEODM.studiesProcess, GKC["bootstrap"]),
    "no finding": _set(GEODM.hasFinding, None),
    "section not a category": _add(GEODM.listedUnder, GKC["bootstrap"]),
    "source not an entity": _set(PROV.wasDerivedFrom, URIRef("https://example.org/nothing")),
    "appendix row zero": _set(GEODM.reportRow, Literal(0)),
    "appendix row text": _set(GEODM.reportRow, Literal("3")),
    "appendix row boolean": _set(GEODM.reportRow, Literal(True)),
    "method from purposes": _set(GEODM.method, GKC["uncertainty-quantification"], _ma(1)),
    "two methods": _add(GEODM.method, GKC["bootstrap"], _ma(1)),
    "no purpose": _set(GEODM.purpose, None, _ma(2)),
    "input not a dataset": _add(GEODM.input, GKC["bootstrap"], _ma(1)),
    "order as text": _set(GEODM.order, Literal("1"), _ma(1)),
    "note in Chinese": _add(RDFS.comment, Literal("说明", lang="zh"), _ma(1)),
    "note without language": _add(RDFS.comment, Literal("a note"), _ma(1)),
    "finding only in Chinese": _set(GEODM.text, Literal("发现", lang="zh"), lambda p: URIRef(f"{p}#finding-1")),
    "question twice in English": _add(GEODM.text, Literal("Again?", lang="en"), lambda p: URIRef(f"{p}#question")),
    "DOI used twice (SPARQL constraint)": _twin,
    "paper as a blank node": _paper_as_blank_node,
    "data change the class hierarchy": lambda g: g.add((GEODM.Paper, RDFS.subClassOf, PROV.Entity)),
    "concept moved to another scheme": lambda g: g.add((GKC["bootstrap"], SKOS.inScheme, GKC["purposes"])),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_graph_pyshacl_rejects_is_never_proven_conforming(name: str, setup) -> None:  # type: ignore[no-untyped-def]
    fast, slow, build = setup
    record = next(r for r in read_corpus().papers.values() if r.id == PAPER)
    graph = build(record)
    MUTATIONS[name](graph)
    quick, full = verdicts(fast, slow, [graph])
    assert not quick or full, f"{name}: the fast path calls conforming what pySHACL rejects"
    assert full or messages(slow, graph), "pySHACL rejects the graph but reports nothing"
    assert messages(fast, graph) == messages(slow, graph)


def test_unsupported_shapes_fall_back_to_pyshacl() -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:a ex:b ) ; sh:minCount 1 ] .""", format="turtle")
    assert compile_shapes(shapes) is None
    assert Validator(Graph(), fast=True).compiled is not None  # the bundled shapes do compile
    assert Path(ROOT / "shapes" / "paper.ttl").is_file()


ISSUE_19 = ["dataset use without role", "dataset role from another scheme", "report position zero", "report position as text",
            "period from another scheme", "body from another scheme", "no body", "method is a data type"]


@pytest.mark.parametrize("name", ISSUE_19)
def test_the_new_shapes_reject_their_defects(name: str, setup) -> None:  # type: ignore[no-untyped-def]
    fast, slow, build = setup
    record = next(r for r in read_corpus().papers.values() if r.id == PAPER)
    graph = build(record)
    MUTATIONS[name](graph)
    quick, full = verdicts(fast, slow, [graph])
    assert not full and not quick, f"{name}: a defect of the issue-19 fields passed SHACL"
