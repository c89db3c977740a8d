"""The bundled corpus: a correct record for every paper of the report."""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.compare import isomorphic

from geokg.ingest.report_table import DraftPaper
from geokg.model.corpus import Corpus
from geokg.model.ontology import ConceptIndex
from geokg.model.records import DOI_PATTERN
from geokg.model.to_rdf import paper_triples
from geokg.model.vocab import Iris

EXPECTED_PAPERS = 35  # 34 appendix rows, one of which holds two papers


def test_corpus_reads_without_problems(corpus: Corpus) -> None:
    assert corpus.all_problems == []


def test_every_paper_of_the_report_has_a_record(corpus: Corpus, report_papers: list[DraftPaper]) -> None:
    in_report = {p.doi.lower() for p in report_papers}
    in_corpus = {r.doi.lower() for r in corpus.papers.values()}
    assert len(in_report) == EXPECTED_PAPERS
    assert in_corpus == in_report


def test_dois_are_valid_unique_and_match_ids_and_urls(corpus: Corpus) -> None:
    dois = [r.doi for r in corpus.papers.values()]
    assert len(dois) == len({d.lower() for d in dois})
    for path, record in corpus.papers.items():
        assert re.match(DOI_PATTERN, record.doi)
        assert path.stem == record.id
        assert record.url.rstrip("/").lower().endswith(record.id), record.url


def test_appendix_rows_are_covered_and_row_ten_holds_two_papers(corpus: Corpus) -> None:
    rows = sorted(r.provenance.appendix_row for r in corpus.papers.values())
    assert sorted(set(rows)) == list(range(1, 35))
    assert rows.count(10) == 2


def test_records_match_the_report_where_it_is_right(corpus: Corpus, report_papers: list[DraftPaper]) -> None:
    drafts = {p.doi.lower(): p for p in report_papers}
    for record in corpus.papers.values():
        draft = drafts[record.doi.lower()]
        assert record.title.en == draft.title_en
        assert record.provenance.appendix_row == draft.row
        assert record.report_sections == draft.sections, record.id
        if record.published and str(record.published) != draft.published:
            # A date may differ from the report only with a correction that says why.
            assert any(c.field == "published" for c in record.provenance.corrections), record.id


def test_known_report_defects_are_corrected(corpus: Corpus) -> None:
    by_id = {r.id: r for r in corpus.papers.values()}
    # The Hadean protocrust paper: the report dates it 2024-04-02, its DOI says 2025.
    hadean = by_id["s41586-025-08719-3"]
    assert str(hadean.published) == "2025-04-02"
    assert any(c.field == "published" for c in hadean.provenance.corrections)
    # The tidal-flat row's summary is copied from the hydrothermal row: the record's is its own.
    tidal = by_id["s41561-024-01431-3"]
    assert "turbidity" in tidal.summary.en.lower() and "serpentin" not in tidal.summary.en.lower()
    assert any(c.field == "summary" for c in tidal.provenance.corrections)
    # The glacial-erosion paper uses elastic-net regression, not the random forest section 4.2 names.
    glacial = {ma.method for ma in by_id["s41561-025-01747-8"].method_applications}
    assert "elastic-net" in glacial and "random-forest" not in glacial
    # Row 10 holds two papers, both with records.
    assert {"s41561-023-01176-5", "s41561-022-01058-2"} <= set(by_id)


def test_every_record_has_method_applications_findings_and_processes(corpus: Corpus) -> None:
    for record in corpus.papers.values():
        assert len(record.method_applications) >= 1
        assert record.findings and record.processes
        assert record.title.zh and record.research_question.en


def test_every_catalogued_dataset_is_used(corpus: Corpus) -> None:
    """Every dataset is an application input or listed by some paper with a role (mentioned included)."""
    named = {d for r in corpus.papers.values() for d in r.datasets + [u.dataset for u in r.other_datasets]}
    assert set(corpus.catalogue.datasets) == named


def test_mentioned_datasets_are_not_used(corpus: Corpus) -> None:
    # Issue 19: a dataset a paper only mentions keeps its role but is not counted as used.
    lakes = next(r for r in corpus.papers.values() if r.id == "s41586-025-09046-3")
    roles = {u.dataset: u.role for u in lakes.other_datasets}
    assert roles["sentinel-2-msi"] == "mentioned" and "sentinel-2-msi" not in lakes.used_datasets
    assert roles["era5-land"] == "input" and "era5-land" in lakes.used_datasets


def test_paper_triples_are_written_as_rdflib_writes_n_triples(corpus: Corpus, index: ConceptIndex) -> None:
    """The loader's own N-Triples writer (no rdflib graph per paper) says what rdflib's serialiser says,
    with awkward text too: quotes, backslashes, line breaks, tabs and Chinese."""
    types = {d.id: d.data_types for d in corpus.catalogue.datasets.values()}
    awkward = next(iter(corpus.papers.values())).model_copy(
        update={"keywords": ['say "ice"', "back\\slash", "two\nlines\r\n", "tab\there", "冰川 ∆"]})
    for record in [*corpus.papers.values(), awkward]:
        triples = paper_triples(record, index, Iris(), types, "record:abc")
        text = triples.ntriples()
        assert len(text.splitlines()) == len(triples) == len(set(text.splitlines()))
        expected = Graph().parse(data=triples.graph().serialize(format="nt"), format="nt")
        assert isomorphic(Graph().parse(data=text, format="nt"), expected), record.id
    parsed = {str(o) for o in Graph().parse(data=paper_triples(awkward, index, Iris(), types).ntriples(), format="nt").objects()}
    assert {'say "ice"', "back\\slash", "two\nlines\r\n", "tab\there", "冰川 ∆"} <= parsed
