"""Named questions: each parses, declares its parameters, and gives its known answers.

The expected answers in ``tests/data/answers/<name>.tsv`` (SPARQL 1.1 TSV results) were
reviewed by hand against the records; a wrong record or a missing ``skos:broader`` changes
an answer and fails here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from geokg import resources
from geokg.errors import InvalidInput
from geokg.model.ontology import ConceptIndex
from geokg.read.questions import bind, parse_question, questions
from geokg.store import Store
from geokg.store.embedded import EmbeddedStore
from support import ANSWERS, normalised_rows

QUERY_FILES = sorted(resources.queries_dir().glob("*.rq"))


def test_enough_questions_are_collected() -> None:
    assert len(QUERY_FILES) >= 15


def answer_of(store: Store, text: str) -> list[str]:
    result = store.query(text)
    return normalised_rows(result.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8"))  # type: ignore[union-attr]


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_header_declares_what_the_query_uses(path: Path) -> None:
    question = parse_question(path)
    assert question.title and question.description
    body = "\n".join(line for line in question.text.splitlines() if not line.startswith("#"))
    for param in question.params:
        assert f"?{param.name}" in body, f"parameter ?{param.name} is not used"
        assert param.default is not None
    for variable in question.returns:
        assert f"?{variable}" in body


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_known_answers(path: Path, loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    question = parse_question(path)
    expected = (ANSWERS / f"{path.stem}.tsv").read_text(encoding="utf-8")
    assert answer_of(loaded_store, bind(question, {}, index)) == normalised_rows(expected)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_files_run_as_they_are_with_their_defaults(path: Path, loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    question = parse_question(path)
    assert answer_of(loaded_store, question.text) == answer_of(loaded_store, bind(question, {}, index))


def _dois(store: Store, name: str, index: ConceptIndex, **values: str) -> set[str]:
    rows = store.query(bind(questions()[name], values, index))
    return {row["doi"].value for row in rows}  # type: ignore[union-attr]


def test_example_question_answers(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    name = "papers-by-method-purpose-datatype"
    exact = _dois(loaded_store, name, index)
    # Rain and ocean CO2 uptake (bootstrap CIs on satellite rain) and glacial erosion (issue 19: the
    # bootstrap CIs of the global predictions resample equations applied to satellite ice velocity).
    assert exact == {"10.1038/s41561-024-01517-y", "10.1038/s41561-025-01747-8"}
    # Broad concepts include narrower ones.
    assert exact <= _dois(loaded_store, name, index, method="resampling", dataType="remote-sensing")
    assert exact <= _dois(loaded_store, name, index, method="statistics-regression")
    # Bootstrap for uncertainty on any data: the glacial-erosion paper too (bootstrap CIs).
    assert "10.1038/s41561-025-01747-8" in _dois(loaded_store, name, index, dataType="compiled-database")
    # The three facts must hold for one method application, not three different ones.
    assert _dois(loaded_store, name, index, purpose="model-validation") == set()


def test_a_missing_broader_link_breaks_the_broad_question(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    store = EmbeddedStore()
    store.ox.extend(loaded_store.ox.quads_for_pattern(None, None, None, None))
    name = "papers-by-method-purpose-datatype"
    assert _dois(store, name, index, method="resampling")
    store.update("DELETE WHERE { GRAPH ?g { <https://w3id.org/geokg/concept/bootstrap> "
                 "<http://www.w3.org/2004/02/skos/core#broader> ?b } }")
    assert _dois(store, name, index, method="resampling") == set()


@pytest.mark.parametrize(
    "values",
    [
        {"method": "bootstrap> } ?x ?y ?z { <x"},
        {"method": "gkc:bootstrap }"},
        {"dataType": "satellite-data\" . ?s ?p ?o"},
        {"nope": "bootstrap"},
    ],
)
def test_parameters_are_checked_not_pasted(values: dict[str, str], index: ConceptIndex) -> None:
    with pytest.raises(InvalidInput):
        bind(questions()["papers-by-method-purpose-datatype"], values, index)


def test_string_parameters_are_escaped(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    question = questions()["paper-method-applications"]
    text = bind(question, {"doi": '10.1038/x" } UNION { ?paper ?p ?o } #'}, index)
    assert list(loaded_store.query(text)) == []  # the injection attempt matched nothing


def test_integer_parameters_are_checked(index: ConceptIndex) -> None:
    with pytest.raises(InvalidInput, match="not an integer"):
        bind(questions()["papers-by-journal-and-years"], {"from": "2024 || true"}, index)


# --- issue 19: the new vocabularies answer the questions they were made for -------------------

def test_planetary_processes_return_only_papers_on_other_bodies(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    planetary = _dois(loaded_store, "papers-by-process", index, process="planetary-processes")
    elsewhere = _dois(loaded_store, "papers-by-body", index, body="moon") | _dois(loaded_store, "papers-by-body", index, body="mars")
    assert planetary and planetary == elsewhere
    assert not planetary & _dois(loaded_store, "papers-by-body", index, body="earth")


def test_time_periods_match_within_and_across(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    rows = loaded_store.query(bind(questions()["papers-by-time-period"], {"period": "cenozoic"}, index))
    how = {row["doi"].value: row["match"].value for row in rows}  # type: ignore[union-attr]
    assert how["10.1038/s41561-024-01473-7"] == "within"  # Tibet: annotated Cenozoic
    assert how["10.1126/science.adg6103"] == "within"  # pyrite: Pleistocene, inside the Cenozoic
    assert how["10.1126/science.adk3705"] == "spans"  # PhanDA: the whole Phanerozoic
    assert "10.1126/sciadv.adw5878" not in how  # Early-Middle Palaeozoic
    with pytest.raises(InvalidInput, match="geologic-time"):
        bind(questions()["papers-by-time-period"], {"period": "bootstrap"}, index)


def test_every_report_section_lists_its_papers_in_order(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    for section, concept in index.notation.items():
        rows = list(loaded_store.query(bind(questions()["report-section-order"], {"section": concept}, index)))
        positions = [int(row["position"].value) for row in rows]  # type: ignore[union-attr]
        assert positions == list(range(1, len(positions) + 1)), section


def test_mentioned_datasets_are_listed_but_not_used(loaded_store: EmbeddedStore, index: ConceptIndex) -> None:
    mentioned = list(loaded_store.query(bind(questions()["datasets-by-role"], {}, index)))
    assert mentioned and all(row["used"].value == "false" for row in mentioned)  # type: ignore[union-attr]
    inputs = list(loaded_store.query(bind(questions()["datasets-by-role"], {"role": "input"}, index)))
    assert inputs and all(row["used"].value == "true" for row in inputs)  # type: ignore[union-attr]
