"""The side index agrees with the store: facet keys and kept counts equal SPARQL's answers, and
counts kept through replacements and removals equal a rebuild."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from geokg.index.db import SideIndex
from geokg.index.sync import context_of, reconcile, update
from geokg.model.vocab import SCHEMES, SPARQL_PREFIXES, Iris
from geokg.store.embedded import EmbeddedStore
from geokg.store.results import as_bytes, rows
from geokg.store.sparql import iri

PREFIX = Iris().paper_graph_prefix


@pytest.fixture(scope="module")
def index(loaded_store: EmbeddedStore) -> SideIndex:
    side = SideIndex(None)
    reconcile(loaded_store, side, PREFIX)
    return side


@pytest.mark.parametrize("scheme", [s for s in SCHEMES if s.facet], ids=lambda s: s.key)
def test_concept_counts_equal_sparql(loaded_store: EmbeddedStore, index: SideIndex, scheme: object) -> None:
    expected = {r["c"].rsplit("/", 1)[-1]: r["n"] for r in rows(loaded_store.query(SPARQL_PREFIXES + f"""
        SELECT ?c (COUNT(DISTINCT ?paper) AS ?n) WHERE {{ ?c skos:inScheme {iri(str(scheme.iri))} . ?x skos:broader* ?c .
        ?paper {scheme.paper_path} ?x }} GROUP BY ?c""")) if r["n"]}
    assert index.counts(f"{scheme.facet}:") == expected and expected


def test_family_by_type_and_pairs_equal_the_named_questions(loaded_store: EmbeddedStore, index: SideIndex) -> None:
    cells = rows(loaded_store.query(SPARQL_PREFIXES + """SELECT ?f ?top (COUNT(DISTINCT ?paper) AS ?n) WHERE {
        ?paper geodm:hasMethodApplication ?ma . ?ma geodm:method ?m ; geodm:input ?d .
        ?f skos:topConceptOf gkc:methods . ?m skos:broader* ?f .
        ?top skos:topConceptOf gkc:data-types . ?t skos:broader* ?top . ?d geodm:dataType ?t } GROUP BY ?f ?top"""))
    assert index.counts("family-type:") == {f"{r['f'].rsplit('/', 1)[-1]}|{r['top'].rsplit('/', 1)[-1]}": r["n"] for r in cells}
    pairs = rows(loaded_store.query(SPARQL_PREFIXES + """SELECT ?a ?b (COUNT(DISTINCT ?paper) AS ?n) WHERE {
        ?paper geodm:hasMethodApplication/geodm:method ?a , ?b . FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b"""))
    assert index.counts("pair:") == {f"{r['a'].rsplit('/', 1)[-1]}|{r['b'].rsplit('/', 1)[-1]}": r["n"] for r in pairs}


def _graphs(store: EmbeddedStore) -> dict[str, str]:
    names = sorted(g for g in store.graph_names() if g.startswith(PREFIX))
    return {g: as_bytes(store.ox.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))).decode() for g in names}


def test_counts_kept_through_replacements_and_removals_equal_a_rebuild(loaded_store: EmbeddedStore) -> None:
    graphs = _graphs(loaded_store)
    ctx = context_of(loaded_store)
    kept = SideIndex(None)
    update(kept, ctx, graphs)
    names = sorted(graphs)
    # Swap the contents of two papers' graphs (as if both were edited), then remove three.
    a, b = names[0], names[1]
    swapped = {a: graphs[b].replace(b, a), b: graphs[a].replace(a, b)}
    update(kept, ctx, swapped)
    update(kept, ctx, dict.fromkeys(names[2:5]))
    final = {**graphs, **swapped}
    for g in names[2:5]:
        del final[g]
    fresh = SideIndex(None)
    update(fresh, ctx, final)
    assert kept.counts("") == fresh.counts("") and kept.count("papers") == len(names) - 3
    assert kept.search(["method:statistics-regression"]).total == fresh.search(["method:statistics-regression"]).total


def test_text_search_finds_words_stems_and_chinese(index: SideIndex) -> None:
    assert index.search([], text="glacier").total == index.search([], text="Glaciers").total > 0
    assert index.search([], text="冰川侵蚀").total >= 1
    assert index.search([], text="冰川 侵蚀 zzzz").total == 0  # every word must match
    assert index.search([], text='"); DROP TABLE papers; --').total == 0  # words, never syntax
    ranked = index.search([], text="erosion", sort="relevance", limit=50)
    assert ranked.total == len(ranked.rows) > 0


def test_doi_lookup_ignores_case_and_resolver_prefixes(index: SideIndex) -> None:
    found = index.by_doi("https://doi.org/10.1038/S41561-024-01517-Y")
    assert found is not None and found["doi"] == "10.1038/s41561-024-01517-y"


def test_snippets_are_escaped_html_with_marks() -> None:
    from geokg.index.text import snippet

    html = snippet('Rain <script>alert(1)</script> raises ocean "uptake"', "uptake rain")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Rain</mark>" in html and "<mark>uptake</mark>" in html


def test_top_counts_are_the_largest_with_their_ties(index: SideIndex) -> None:
    every = {k: n for k, n in index.counts("pair:").items() if n >= 1}
    total, top = index.top_counts("pair:", 1, 3)
    assert total == len(every) > 3
    cut = sorted(every.values(), reverse=True)[2]
    assert dict(top) == {k: n for k, n in every.items() if n >= cut}
    full = index.top_counts("pair:", 1)[1]
    assert sorted(full) == sorted(every.items()) and [n for _, n in full] == sorted(every.values(), reverse=True)
    assert index.top_counts("pair:", 10_000) == (0, [])


def test_related_papers_share_at_least_two_named_things(loaded_store: EmbeddedStore, index: SideIndex) -> None:
    rain = index.by_doi("10.1038/s41561-024-01517-y")
    assert rain is not None
    named = rows(loaded_store.query(SPARQL_PREFIXES + f"""SELECT DISTINCT ?x WHERE {{
        {iri(rain['iri'])} geodm:hasMethodApplication/geodm:method|geodm:usesDataset|geodm:studiesProcess ?x }}"""))
    keys = sorted({("dataset:" if "/dataset/" in r["x"] else "uses-method:" if index.count("uses-method:" + r["x"].rsplit("/", 1)[-1])
                    else "uses-process:") + r["x"].rsplit("/", 1)[-1] for r in named})
    expected = rows(loaded_store.query(SPARQL_PREFIXES + f"""SELECT ?other ?doi (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        VALUES ?x {{ {' '.join(iri(r['x']) for r in named)} }}
        ?other geodm:hasMethodApplication/geodm:method|geodm:usesDataset|geodm:studiesProcess ?x ; prism:doi ?doi .
        FILTER(?other != {iri(rain['iri'])}) }} GROUP BY ?other ?doi HAVING (COUNT(DISTINCT ?x) >= 2) ORDER BY DESC(?n) ?doi"""))
    found = index.related(keys, rain["iri"], 2, 100)
    assert [(o, len(shared)) for o, _, _, shared in found] == [(r["other"], r["n"]) for r in expected] and expected
    assert all(set(shared) <= set(keys) for *_, shared in found)


SEARCHES = [(["method:statistics-regression"], None), (["method:resampling", "data_type:remote-sensing"], None), ([], "glacier"),
            (["method:statistics-regression"], "ocean"), ([], None)]


@pytest.mark.parametrize(("keys", "text"), SEARCHES)
def test_pages_walked_in_order_equal_pages_sorted(index: SideIndex, keys: list[str], text: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    from geokg.index import db

    everything = index.search(keys, text=text, limit=1000)
    assert everything.total == len(everything.rows)
    for walk in (True, False):  # every newest-first page walks the papers in order; none does
        monkeypatch.setattr(db, "walks", lambda *_, walk=walk: walk)
        for sort in ("newest", "oldest", "title", *(["relevance"] if text else [])):
            whole = index.search(keys, text=text, sort=sort, limit=1000)
            paged = [r["iri"] for start in range(0, whole.total, 4) for r in index.search(keys, text=text, sort=sort, limit=4, offset=start).rows]
            assert paged == [r["iri"] for r in whole.rows] and whole.total == everything.total, (sort, walk)
        assert {r["iri"] for r in index.search(keys, text=text, limit=1000).rows} == {r["iri"] for r in everything.rows}


@pytest.mark.parametrize(("keys", "text"), SEARCHES)
def test_filter_counts_count_the_matched_papers(index: SideIndex, keys: list[str], text: str | None) -> None:
    matched = [r["iri"] for r in index.search(keys, text=text, limit=1000).rows]
    expected: dict[str, dict[str, int]] = {"method:": {}, "dataset:": {}, "journal:": {}}
    for paper in matched:
        for (key,) in index.db.execute("SELECT k.key FROM keys k JOIN papers p ON p.id = k.paper WHERE p.iri = ?", (paper,)):
            facet, _, value = key.partition(":")
            if f"{facet}:" in expected:
                expected[f"{facet}:"][value] = expected[f"{facet}:"].get(value, 0) + 1
    assert index.facet_counts(list(expected), keys, text=text) == expected


def test_kept_answers_change_when_the_index_does(loaded_store: EmbeddedStore, tmp_path: pytest.TempPathFactory) -> None:
    """Totals and filter counts are kept until the index changes, by this process or any other."""
    from pathlib import Path

    graphs = _graphs(loaded_store)
    ctx = context_of(loaded_store)
    path = Path(str(tmp_path)) / "index.sqlite"
    reader, writer = SideIndex(path), SideIndex(path)  # two connections, as a server and a loader would have
    update(writer, ctx, graphs)
    family = ["method:statistics-regression", "section:statistics-regression", "derived_section:statistics-regression"]
    before = reader.search([], any_keys=family).total
    filters = reader.facet_counts(["journal:"], ["method:statistics-regression"])
    holding = [r["graph"] for r in reader.search(["method:statistics-regression"], limit=3).rows]
    update(writer, ctx, dict.fromkeys(holding))  # another connection drops three papers
    assert reader.search([], any_keys=family).total == before - 3
    assert sum(reader.facet_counts(["journal:"], ["method:statistics-regression"])["journal:"].values()) == \
        sum(filters["journal:"].values()) - 3
    update(reader, ctx, {g: graphs[g] for g in holding})  # and this one writes them again
    assert reader.search([], any_keys=family).total == before
