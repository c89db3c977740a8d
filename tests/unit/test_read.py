"""The read model works without a server: the same functions the API, the pages and the CLI call."""

from __future__ import annotations

import pytest

from geokg.errors import InvalidInput, NotFound
from geokg.read import ask, catalogue, concepts, figures, search, stats
from geokg.read.context import Reader
from geokg.read.papers import paper_details, paper_for_doi
from geokg.store.embedded import EmbeddedStore

FLAGSHIP = "10.1038/s41561-024-01517-y"


@pytest.fixture(scope="module")
def reader(loaded_store: EmbeddedStore) -> Reader:
    return Reader(loaded_store)


def test_ask_understands_a_question_and_finds_the_flagship_paper(reader: Reader) -> None:
    answer = ask.ask(reader, "which papers use bootstrap uncertainty on satellite data")
    assert {u["id"] for u in answer["understood"] if "id" in u} >= {"bootstrap", "uncertainty-quantification"}
    assert FLAGSHIP in {p["doi"] for p in answer["papers"]}
    assert answer["total"] == len(answer["papers"])


MIXED = "哪些论文在卫星数据上使用bootstrap进行不确定性分析"


def test_ask_keeps_a_latin_method_glued_to_chinese_words(reader: Reader) -> None:
    glued = ask.ask(reader, MIXED)
    spaced = ask.ask(reader, "哪些论文在卫星数据上使用 bootstrap 进行不确定性分析")
    english = ask.ask(reader, "which papers use bootstrap uncertainty on satellite data")
    understood = {u["id"] for u in glued["understood"] if "id" in u}
    assert understood == {"bootstrap", "uncertainty-quantification", "satellite-data"}
    assert not [w for w in glued["ignored"] if "bootstrap" in w]
    dois = {p["doi"] for p in glued["papers"]}
    assert FLAGSHIP in dois
    assert dois == {p["doi"] for p in spaced["papers"]} == {p["doi"] for p in english["papers"]}
    without_method = ask.ask(reader, "哪些论文在卫星数据上进行不确定性分析")
    assert glued["total"] < without_method["total"]  # the method narrows the answer


def test_ask_segments_as_the_annotator_does(reader: Reader) -> None:
    from geokg.annotate import segment

    words = ask.segmenter(reader.concepts)
    assert words.separated("使用bootstrap进行LSTM预测") == "使用 bootstrap 进行 LSTM 预测"
    assert words.separated("random forest, 随机森林") == "random forest, 随机森林"  # spaces already there
    assert [w for w in words.words(MIXED) if w.isascii()] == [w for w in segment(MIXED) if w.isascii()] == ["bootstrap"]
    answer = ask.ask(reader, "中国的U-Net论文")
    assert "u-net" in {u.get("id") for u in answer["understood"]}
    assert "中国" in answer["ignored"]  # a word, not a stop-word's leftover ("国")
    years = ask.ask(reader, "2020年以来的深度学习论文")
    assert {"kind": "years", "from": 2020, "to": None} in years["understood"]
    assert years["ignored"] == []


def test_every_facet_of_the_table_resolves_and_searches(reader: Reader) -> None:
    examples = {"method": "bootstrap", "purpose": "uncertainty-quantification", "data_type": "remote-sensing",
                "process": "glacial-erosion", "dataset": "era5", "journal": "nature-geoscience", "section": "4.1",
                "derived_section": "4.1", "technique": "mass-spectrometry", "platform": "earth-observation-satellites",
                "instrument": "seismometers", "period": "cenozoic", "body": "moon"}
    assert set(examples) == set(search.FACETS), "every facet needs an example here"
    for name, value in examples.items():
        found = search.page(reader, search.build(reader, {name: [value]}), 1, 200)
        assert found["total"] == len(found["papers"]) > 0, name


def test_derived_section_facet_equals_the_derived_classification(reader: Reader) -> None:
    derived = reader.select("""SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p geodm:derivedCategory ?c . ?c skos:notation "4.9" }""")
    found = search.page(reader, search.build(reader, {"derived_section": ["4.9"]}), 1, 200)
    assert found["total"] == derived[0]["n"] > 0
    asserted = search.page(reader, search.build(reader, {"section": ["4.9"]}), 1, 200)
    assert asserted["total"] != found["total"]  # the report lists fewer papers under 4.9 than the graph derives


@pytest.mark.parametrize(("values", "message"), [
    ({"method": ["no-such-method"]}, "not a concept of the method scheme"),
    ({"method": ["remote-sensing"]}, "not a concept of the method scheme"),
    ({"derived_section": ["9.9"]}, "not a report section"),
    ({"dataset": ["a b"]}, "not a dataset id"),
    ({"colour": ["red"]}, "unknown facet"),
    ({"method": ["bootstrap"] * 3 + [f"m{i}" for i in range(20)]}, "at most"),
])
def test_bad_facet_values_are_named(reader: Reader, values: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        search.build(reader, values)


def test_repeated_values_count_once(reader: Reader) -> None:
    once = search.build(reader, {"method": ["bootstrap"]})
    many = search.build(reader, {"method": ["bootstrap"] * 10})
    assert once.where() == many.where()


def test_concept_detail_pages_its_papers_with_a_total(reader: Reader) -> None:
    whole = concepts.detail(reader, "statistics-regression", 1, 200)
    first = concepts.detail(reader, "statistics-regression", 1, 3)
    second = concepts.detail(reader, "statistics-regression", 2, 3)
    assert first["total"] == second["total"] == whole["total"] == len(whole["papers"]) > 6
    assert [p["doi"] for p in first["papers"] + second["papers"]] == [p["doi"] for p in whole["papers"][:6]]
    with pytest.raises(NotFound):
        concepts.detail(reader, "no-such-concept")


def test_papers_figures_stats_and_catalogue_read_without_a_server(reader: Reader) -> None:
    paper = paper_details(reader, *paper_for_doi(reader, FLAGSHIP.upper()))
    assert paper["doi"] == FLAGSHIP and paper["method_applications"]
    with pytest.raises(NotFound):
        paper_for_doi(reader, "10.0000/none")
    heatmap = figures.family_by_data_type(reader)
    assert len(heatmap["rows"]) == 10 and heatmap["cells"]
    assert stats.stats(reader)["papers"] == 35
    assert {d["id"] for d in catalogue.datasets(reader)} >= {"era5"}
    assert [n for n in concepts.tree(reader, "method") if n["notation"] == "4.1"]


@pytest.mark.parametrize(("question", "facet", "concept"), [
    ("which papers study the Cenozoic", "period", "cenozoic"),
    ("papers about the Moon", "body", "moon"),
    ("哪些论文研究古生代", "period", "paleozoic"),
])
def test_ask_understands_time_periods_and_bodies(reader: Reader, question: str, facet: str, concept: str) -> None:
    answer = ask.ask(reader, question)
    assert concept in {u.get("id") for u in answer["understood"]}
    assert answer["total"] == reader.index.count(f"{facet}:{concept}") > 0


def test_paper_details_equal_a_construct_of_the_same_facts(reader: Reader) -> None:
    """Details come from the paper's graph and the reader's catalogue; a SPARQL CONSTRUCT of the paper
    graph with the labels and datasets it names must give the same answer for every paper."""
    from rdflib import URIRef

    from geokg.api.models import PaperDetail
    from geokg.model.vocab import SPARQL_PREFIXES
    from geokg.read.papers import IN_GRAPH, _as_json, _Triples
    from geokg.store.sparql import iri

    papers = reader.select("SELECT ?p ?g WHERE { GRAPH ?g { ?p a geodm:Paper } }")
    assert len(papers) >= 35
    for row in papers:
        graph, term = iri(row["g"]), iri(row["p"])
        constructed = reader.store.query(SPARQL_PREFIXES + f"""CONSTRUCT {{ ?s ?p ?o . ?o skos:prefLabel ?l . ?o skos:notation ?n .
            ?d dcterms:title ?dt ; geodm:dataType ?ty . ?ty skos:prefLabel ?tl . {term} {iri(IN_GRAPH)} {graph} }}
            WHERE {{ {{ GRAPH {graph} {{ ?s ?p ?o }} OPTIONAL {{ ?o skos:prefLabel ?l }} OPTIONAL {{ ?o skos:notation ?n }} }}
              UNION {{ {term} geodm:usesDataset|(geodm:hasDatasetUse/geodm:dataset) ?d . ?d dcterms:title ?dt ; geodm:dataType ?ty .
                       ?ty skos:prefLabel ?tl }} }}""")
        expected = _as_json(_Triples(constructed), URIRef(row["p"]))
        details = paper_details(reader, row["p"], row["g"])
        assert details == expected, row["p"]
        # what /papers/{doi} sends as it is equals what its response model would make of it
        assert PaperDetail.model_validate(details).model_dump(mode="json") == details
    with pytest.raises(NotFound):
        paper_details(reader, "https://w3id.org/geokg/paper/none", "https://w3id.org/geokg/graph/paper/none")
