"""Identity of papers: any DOI the DOI Handbook allows, other identifiers without one, free ids, safe IRIs."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Literal, URIRef

from geokg.errors import RecordError, ValidationFailed
from geokg.load.corpus import load_corpus
from geokg.model.corpus import Corpus
from geokg.model.ontology import ConceptIndex
from geokg.model.records import (
    DOI_PATTERN,
    JournalRecord,
    isbn_is_valid,
    issn_is_valid,
    normalise_doi,
    paper_id_from_doi,
    parse_paper,
    slug,
)
from geokg.model.to_rdf import paper_graph
from geokg.model.vocab import FABIO, PRISM, Iris
from geokg.store.embedded import EmbeddedStore

ODD_DOIS = [
    "10.1093/gji/ggab123",
    "10.1016/S0012-821X(02)00123-4",
    "10.1002/(SICI)1097-4636(199706)35:3<389::AID-JBM14>3.0.CO;2-E",
    "10.5194/tc-17-1-2023",
    "10.1000.10/ABC#def",
]


def _record(corpus: Corpus, **changes: Any) -> dict[str, Any]:
    """A valid record's data (the first bundled paper) with some fields changed or removed (None)."""
    base = next(iter(corpus.papers.values())).model_dump(mode="json", exclude_none=True)
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("doi", ODD_DOIS)
def test_any_handbook_doi_is_accepted_stored_as_written_and_minted_safely(doi: str, corpus: Corpus, index: ConceptIndex) -> None:
    record = parse_paper(_record(corpus, doi=doi, id=paper_id_from_doi(doi)), "x.yaml")
    assert record.doi == doi
    graph = paper_graph(record, index, Iris(), {})
    assert set(graph.objects(None, PRISM.doi)) == {Literal(doi)}
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        assert not re.search(r"[\s<>\"{}|\\^`#]", str(term).split("#", 1)[0]), term  # nothing an IRI cannot hold
    assert re.fullmatch(r"[a-z0-9._-]+", record.id)


@pytest.mark.parametrize("bad", ["10.1038 s41561", "https://doi.org/10.1038/x", "11.1038/x", "10.abc/x", "10.1038/"])
def test_malformed_dois_are_refused_with_their_field(bad: str, corpus: Corpus) -> None:
    with pytest.raises(RecordError) as caught:
        parse_paper(_record(corpus, doi=bad), "x.yaml")
    assert caught.value.field == "doi" and "is not a DOI" in caught.value.message
    assert not re.match(DOI_PATTERN, bad)


def test_dois_compare_case_insensitively() -> None:
    assert normalise_doi("10.1016/S0012-821X(02)00123-4") == normalise_doi("https://doi.org/10.1016/s0012-821x(02)00123-4")
    assert normalise_doi("doi:10.1038/ABC") == "10.1038/abc"


def test_ids_are_free_slugs_not_tied_to_the_doi(corpus: Corpus) -> None:
    record = parse_paper(_record(corpus, id="my-review_paper.1"), "x.yaml")
    assert record.id == "my-review_paper.1"
    with pytest.raises(RecordError, match="must be a slug"):
        parse_paper(_record(corpus, id="Upper/Case"), "x.yaml")
    assert slug("Glacier Mass: A (Review)!") == "glacier-mass-a-review"
    assert paper_id_from_doi("10.1016/S0012-821X(02)00123-4") == "s0012-821x-02-00123-4"


def test_two_publishers_with_the_same_suffix_need_two_ids(corpus: Corpus, index: ConceptIndex) -> None:
    a = parse_paper(_record(corpus, doi="10.1000/abc", id="abc"), "a.yaml")
    b = parse_paper(_record(corpus, doi="10.2000/abc", id="abc-2"), "b.yaml")
    assert Iris().paper(a.id) != Iris().paper(b.id)


def test_papers_without_a_doi_are_identified_otherwise(corpus: Corpus, index: ConceptIndex) -> None:
    arxiv = parse_paper(_record(corpus, doi=None, url=None, id="a-preprint", arxiv="2101.00001v2"), "a.yaml")
    graph = paper_graph(arxiv, index, Iris(), {})
    assert set(graph.objects(None, FABIO.hasArXivId)) == {Literal("2101.00001v2")}
    assert arxiv.identifier == "a-preprint"
    book = parse_paper(_record(corpus, doi=None, url=None, id="a-book", isbn="978-3-16-148410-0"), "b.yaml")
    assert set(paper_graph(book, index, Iris(), {}).objects(None, PRISM.isbn)) == {Literal("978-3-16-148410-0")}
    thesis = parse_paper(_record(corpus, doi=None, url=None, id="a-thesis", handle="1721.1/12345"), "c.yaml")
    assert set(paper_graph(thesis, index, Iris(), {}).objects(None, FABIO.hasHandle)) == {Literal("1721.1/12345")}
    with pytest.raises(RecordError, match="needs an identifier"):
        parse_paper(_record(corpus, doi=None, url=None), "d.yaml")


def test_isbn_and_issn_check_digits() -> None:
    assert isbn_is_valid("978-3-16-148410-0") and isbn_is_valid("0-306-40615-2") and isbn_is_valid("080442957X")
    assert not isbn_is_valid("978-3-16-148410-1") and not isbn_is_valid("0-306-40615-3")
    assert issn_is_valid("1752-0894") and issn_is_valid("0028-0836") and issn_is_valid("2041-1723")
    assert not issn_is_valid("1752-0895") and not issn_is_valid("17520894")
    with pytest.raises(ValueError, match="check digit"):
        JournalRecord.model_validate({"id": "x", "name": "X", "issn": "1752-0895"})
    assert JournalRecord.model_validate({"id": "the-cryosphere", "name": "The Cryosphere"}).issn is None


def test_titles_need_english_and_take_any_bcp47_language(corpus: Corpus, index: ConceptIndex) -> None:
    record = parse_paper(_record(corpus, title={"en": "Ice", "de": "Eis", "pt-BR": "Gelo"}), "x.yaml")
    graph = paper_graph(record, index, Iris(), {})
    assert {(str(t), t.language) for t in graph.objects(Iris().paper(record.id), URIRef("http://purl.org/dc/terms/title"))} == {
        ("Ice", "en"), ("Eis", "de"), ("Gelo", "pt-BR")}
    for bad in ({"de": "Eis"}, {"en": "Ice", "english": "Ice"}, {"en": "Ice", "en_US": "Ice"}):
        with pytest.raises(RecordError):
            parse_paper(_record(corpus, title=bad), "x.yaml")


def test_provenance_is_never_assumed(corpus: Corpus) -> None:
    record = parse_paper(_record(corpus, provenance=None), "x.yaml")
    assert record.provenance is None
    with pytest.raises(RecordError, match="required"):
        parse_paper(_record(corpus, provenance={"appendix_row": 3}), "x.yaml")


def test_a_doi_in_the_store_is_refused_in_another_case(loaders_copy: Path, loaded_store: EmbeddedStore) -> None:
    store = EmbeddedStore()
    store.ox.extend(loaded_store.ox.quads_for_pattern(None, None, None, None))
    original = loaders_copy / "records" / "s41561-024-01517-y.yaml"
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    original.unlink()  # the store still holds it: the same DOI in upper case under a new id must be refused
    data.update(id="shouting", doi=data["doi"].upper())
    (loaders_copy / "records" / "shouting.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_corpus(store, loaders=loaders_copy, prune=False)
    assert any(p.field == "doi" and "already used" in p.message for p in caught.value.problems), caught.value


def test_every_problem_of_a_record_shows_in_one_pass(loaders_copy: Path, index: ConceptIndex) -> None:
    from geokg.model.corpus import read_corpus

    path = loaders_copy / "records" / "s41561-024-01517-y.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(doi="not a doi", titel="typo", journal="the-cryosphere")
    data["method_applications"][0]["method"] = "random forest"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = {(p.field, p.message) for p in read_corpus(loaders_copy, index).problems}
    fields = {f for f, _ in problems}
    assert {"doi", "titel", "journal", "method_applications[1].method"} <= fields, problems
    assert ("titel", "unknown field 'titel' (did you mean 'title'?)") in problems
    assert any(f == "method_applications[1].method" and "(closest: 'random-forest'" in m for f, m in problems)
