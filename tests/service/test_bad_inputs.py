"""The bad-input corpus: every broken record, dataset and ontology fragment is refused with its
expected message, and a refused load leaves the store with exactly the quads it had."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph

from geokg.errors import ValidationFailed
from geokg.load.corpus import load_corpus
from geokg.model.ontology import read_ontology
from geokg.store.embedded import EmbeddedStore
from geokg.validate.reasoning import reason
from geokg.validate.shapes import validate_graph
from support import DATA, quads


def cases(kind: str) -> dict[str, dict[str, str]]:
    return yaml.safe_load((DATA / f"{kind}.expected.yaml").read_text(encoding="utf-8"))


RECORDS = cases("records_invalid")
DATASETS = cases("datasets_invalid")
ONTOLOGY = cases("ontology_invalid")


def test_the_corpus_is_large_enough_and_every_file_has_an_expectation() -> None:
    assert len(RECORDS) + len(DATASETS) + len(ONTOLOGY) >= 25
    assert {p.stem for p in (DATA / "records_invalid").iterdir()} == set(RECORDS)
    assert {p.stem for p in (DATA / "datasets_invalid").iterdir()} == set(DATASETS)
    assert {p.stem for p in (DATA / "ontology_invalid").iterdir()} == set(ONTOLOGY)


@pytest.fixture
def populated(loaded_store: EmbeddedStore) -> EmbeddedStore:
    store = EmbeddedStore()
    store.ox.extend(loaded_store.ox.quads_for_pattern(None, None, None, None))
    return store


def _assert_refused(store: EmbeddedStore, loaders: Path, name: str, expected: dict[str, str]) -> None:
    before = quads(store)
    with pytest.raises(ValidationFailed) as caught:
        load_corpus(store, loaders=loaders)
    file = f"{name}.yaml"
    matching = [
        p for p in caught.value.problems
        if (Path(p.source).name == file or file in p.message) and p.field == expected["field"] and expected["message"] in p.message
    ]
    assert matching, f"expected {expected} for {file}, got:\n{caught.value}"
    assert quads(store) == before, "a refused load changed the store"


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_broken_record_is_refused(name: str, loaders_copy: Path, populated: EmbeddedStore) -> None:
    shutil.copy(DATA / "records_invalid" / f"{name}.yaml", loaders_copy / "records" / f"{name}.yaml")
    _assert_refused(populated, loaders_copy, name, RECORDS[name])


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_broken_dataset_is_refused(name: str, loaders_copy: Path, populated: EmbeddedStore) -> None:
    shutil.copy(DATA / "datasets_invalid" / f"{name}.yaml", loaders_copy / "datasets" / f"{name}.yaml")
    _assert_refused(populated, loaders_copy, name, DATASETS[name])


@pytest.mark.parametrize("name", sorted(ONTOLOGY))
def test_broken_ontology_fragment_is_found(name: str) -> None:
    expected = ONTOLOGY[name]
    path = DATA / "ontology_invalid" / f"{name}.ttl"
    if expected["check"] == "syntax":
        with pytest.raises(Exception, match=expected["message"]):
            Graph().parse(path, format="turtle")
        return
    graph = read_ontology()
    graph.parse(path, format="turtle")
    if expected["check"] == "shacl":
        problems = validate_graph(graph, ("concept",), name)
        assert any(expected["message"] in p.message for p in problems), problems
    else:
        report = reason(graph)
        assert not report.consistent


def _paper_graph_and_validator() -> tuple[Graph, object, str]:
    from geokg.model.corpus import read_corpus
    from geokg.model.ontology import concept_index
    from geokg.model.to_rdf import catalogue_graph, paper_graph
    from geokg.model.vocab import Iris
    from geokg.validate.shapes import Validator, validation_context

    ontology = read_ontology()
    index = concept_index(ontology)
    corpus = read_corpus(index=index)
    record = next(r for r in corpus.papers.values() if r.id == "s41561-024-01517-y")
    types = {d.id: d.data_types for d in corpus.catalogue.datasets.values()}
    graph = paper_graph(record, index, Iris(), types)
    validator = Validator(validation_context(ontology, catalogue_graph(corpus.catalogue, Iris())))
    return graph, validator, str(Iris().paper(record.id))


def test_shapes_name_the_record_field_of_a_graph_level_defect() -> None:
    from rdflib import URIRef

    from geokg.model.vocab import GEODM

    graph, validator, paper = _paper_graph_and_validator()
    assert validator.check_graph(graph, "rec.yaml") == []  # type: ignore[attr-defined]
    graph.remove((URIRef(f"{paper}#ma-2"), GEODM.purpose, None))
    (problem,) = validator.check_graph(graph, "rec.yaml")  # type: ignore[attr-defined]
    assert problem.source == "rec.yaml" and problem.field == "method_applications[2].purposes"
    assert "has no purpose" in problem.message and "[rule: minCount]" in problem.message


def test_sparql_constraint_finds_a_duplicate_doi_within_a_graph() -> None:
    from rdflib import Literal, URIRef

    from geokg.model.vocab import PRISM

    graph, validator, paper = _paper_graph_and_validator()
    twin = Graph()
    for _s, p, o in graph.triples((URIRef(paper), None, None)):
        twin.add((URIRef(paper + "-twin"), p, o))
    problems = validator.check_graph(graph + twin, "rec.yaml")  # type: ignore[attr-defined]
    assert any("is already used by another paper" in p.message and p.field == "doi" for p in problems)
    assert (URIRef(paper), PRISM.doi, Literal("10.1038/s41561-024-01517-y")) in graph
