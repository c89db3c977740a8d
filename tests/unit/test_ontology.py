"""The ontology parses, is consistent under HermiT, and every concept is labelled in both languages."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from geokg.model.ontology import read_ontology
from geokg.model.vocab import GEODM, GKC, SCHEMES
from geokg.validate.reasoning import reason


@pytest.fixture(scope="module")
def onto() -> Graph:
    return read_ontology()


def concepts(g: Graph) -> list[URIRef]:
    return sorted(set(g.subjects(SKOS.inScheme, None)))


def test_schemes_are_populated(onto: Graph) -> None:
    sizes = {s.key: len(set(onto.subjects(SKOS.inScheme, s.iri))) for s in SCHEMES}
    assert sizes["method"] >= 80 and sizes["purpose"] >= 20 and sizes["data-type"] >= 25
    assert sizes["research-focus"] == 3 and sizes["data-category"] == 4


def test_every_scheme_of_the_ontology_is_in_the_scheme_table(onto: Graph) -> None:
    declared = {str(s) for s in onto.subjects(RDF.type, SKOS.ConceptScheme)}
    assert declared == {str(s.iri) for s in SCHEMES}


def test_method_scheme_tops_are_the_ten_report_families(onto: Graph) -> None:
    tops = set(onto.subjects(SKOS.topConceptOf, GKC["methods"]))
    notations = sorted(str(onto.value(t, SKOS.notation)) for t in tops)
    assert notations == sorted(f"4.{i}" for i in range(1, 11))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_concept_has_one_preflabel_per_language(onto: Graph, lang: str) -> None:
    missing = [c for c in concepts(onto) if sum(1 for label in onto.objects(c, SKOS.prefLabel) if label.language == lang) != 1]
    assert not missing, f"concepts without exactly one @{lang} prefLabel: {missing[:10]}"


def test_every_concept_has_an_english_definition(onto: Graph) -> None:
    missing = [c for c in concepts(onto) if not any(d.language == "en" for d in onto.objects(c, SKOS.definition))]
    assert not missing


def test_every_non_top_concept_has_a_broader_in_its_scheme(onto: Graph) -> None:
    orphans = []
    for c in concepts(onto):
        scheme = onto.value(c, SKOS.inScheme)
        if (c, SKOS.topConceptOf, scheme) in onto:
            continue
        if not any((b, SKOS.inScheme, scheme) in onto for b in onto.objects(c, SKOS.broader)):
            orphans.append(c)
    assert not orphans


def test_broader_hierarchy_has_no_cycles(onto: Graph) -> None:
    for c in concepts(onto):
        ancestors = set(onto.transitive_objects(c, SKOS.broader)) - {c}
        assert c not in {a2 for a in ancestors for a2 in onto.objects(a, SKOS.broader)}, c


def test_report_chinese_wordings_find_the_same_concept(onto: Graph) -> None:
    def find(label: str) -> set[URIRef]:
        return {c for p in (SKOS.prefLabel, SKOS.altLabel) for c in onto.subjects(p, Literal(label, lang="zh"))} | {
            c for p in (SKOS.prefLabel, SKOS.altLabel) for c in onto.subjects(p, Literal(label, lang="en"))
        }

    assert find("留一交叉验证") == find("LOOCV") == {GKC["loocv"]}
    assert find("Bootstrap重采样") == find("bootstrap") == {GKC["bootstrap"]}


def test_vocab_matches_the_ontology(onto: Graph) -> None:
    declared = {
        s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in onto.subjects(RDF.type, t)
        if str(s).startswith(str(GEODM._NS))
    }
    in_vocab = {GEODM[name] for name in GEODM.__annotations__}
    assert declared == in_vocab


def test_ontology_is_consistent_under_hermit(onto: Graph) -> None:
    report = reason(onto)
    assert report.consistent, report.explanation
    assert report.unsatisfiable == []


def test_hermit_catches_an_inconsistency(onto: Graph) -> None:
    g = Graph()
    g += onto
    x = URIRef("https://example.org/x")
    g.add((x, RDF.type, GEODM.Paper))
    g.add((x, RDF.type, GEODM.Dataset))
    assert not reason(g).consistent
