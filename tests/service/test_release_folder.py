"""Releases (issue 22): two releases of a changed fixture corpus and what they say about each other,
the description (VoID + DCAT) against SHACL and against SPARQL counts, checksums, CITATION.cff.

The fixture is a GeoKG home in tmp (ontology, shapes, a few bundled records) changed between the
releases: a paper's title changed, one removed, one added; a concept deprecated, one moved, one
added; one mapping row's confidence changed, one removed.
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import OWL, RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, VOID

from geokg import resources
from geokg.checks import ERROR, run_checks
from geokg.model.vocab import GEODM, GKC, ONTOLOGY_IRI, Iris
from geokg.release import build_release, load_release, verify_release
from geokg.release.citation import citation_problems
from geokg.release.describe import SPDX, check_description
from geokg.release.diff import Changes
from geokg.release.files import CHANGES_JSON, CHANGES_MD, CITATION, NQUADS, ONTOLOGY, PAPERS_JSON, SUMS, TRIG, VOID_TTL, ReleaseError
from geokg.settings import get_settings
from geokg.store.embedded import EmbeddedStore
from geokg.store.results import rows
from support import ROOT

IRIS = Iris()


@dataclass
class Fixture:
    home: Path
    first: Path
    second: Path
    changes: Changes
    papers: list[str]
    """Record ids: [changed title, removed, unchanged, added]."""
    deprecated: URIRef
    replacement: URIRef
    moved: URIRef
    moved_to: URIRef
    added: URIRef
    spare: URIRef
    """An unused concept of both releases (removed by the test of vanished concepts)."""
    mapping_changed: str
    mapping_removed: str


def _use_home(mp: pytest.MonkeyPatch, home: Path) -> None:
    mp.setenv("GEOKG_HOME", str(home))
    get_settings.cache_clear()


def _make_home(tmp: Path, ids: list[str]) -> Path:
    home = tmp / "home"
    shutil.copytree(ROOT / "ontology", home / "ontology")
    shutil.copytree(ROOT / "shapes", home / "shapes")
    loaders = home / "loaders"
    (loaders / "records").mkdir(parents=True)
    for name in ("journals.yaml", "sources.yaml"):
        shutil.copy(ROOT / "loaders" / name, loaders / name)
    shutil.copytree(ROOT / "loaders" / "datasets", loaders / "datasets")
    for record_id in ids:
        shutil.copy(ROOT / "loaders" / "records" / f"{record_id}.yaml", loaders / "records")
    return home


def _unused_leaf_methods(g: Graph, used: set[str]) -> list[URIRef]:
    """Method concepts no fixture record names, with no narrower concept and one broader."""
    out = []
    for c in set(g.subjects(SKOS.inScheme, GKC["methods"])):
        cid = str(c)[len(GKC):]
        if cid in used or list(g.subjects(SKOS.broader, c)) or len(list(g.objects(c, SKOS.broader))) != 1:
            continue
        out.append(URIRef(str(c)))
    return sorted(out)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    tmp = tmp_path_factory.mktemp("release")
    ids = sorted(p.stem for p in (ROOT / "loaders" / "records").glob("*.yaml"))[:4]
    changed, removed, _unchanged, added_paper = ids
    home = _make_home(tmp, ids[:3])
    used = set()
    for record_id in ids:
        p = ROOT / "loaders" / "records" / f"{record_id}.yaml"
        used |= set(re.findall(r"[a-z0-9][a-z0-9-]*", p.read_text(encoding="utf-8")))
    with pytest.MonkeyPatch.context() as mp:
        _use_home(mp, home)
        first = tmp / "geokg-1.0.0"
        build_release("1.0.0", first, issued="2026-01-15", creators=["Ada Lovelace <https://orcid.org/0000-0002-1825-0097>"])

        # The second release's corpus: one title changed, one paper removed, one added.
        records = home / "loaders" / "records"
        (records / f"{removed}.yaml").unlink()
        shutil.copy(ROOT / "loaders" / "records" / f"{added_paper}.yaml", records)
        path = records / f"{changed}.yaml"
        text = path.read_text(encoding="utf-8")
        title = yaml.safe_load(text)["title"]["en"]
        path.write_text(text.replace(f"en: {title}", f"en: {title} (revised)", 1), encoding="utf-8")
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["title"]["en"].endswith("(revised)")

        # Its ontology: a concept deprecated (replaced by its broader), one moved, one added.
        onto_file = home / "ontology" / "geodm.ttl"
        g = Graph().parse(onto_file, format="turtle")
        candidates = _unused_leaf_methods(g, used)
        deprecated, moved, spare = candidates[0], candidates[1], candidates[2]
        replacement = g.value(deprecated, SKOS.broader)
        old_broader = g.value(moved, SKOS.broader)
        moved_to = next(c for c in sorted(g.subjects(SKOS.topConceptOf, GKC["methods"])) if c != old_broader)
        g.add((deprecated, OWL.deprecated, Literal(True)))
        g.add((deprecated, DCTERMS.isReplacedBy, replacement))
        g.remove((moved, SKOS.broader, None))
        g.add((moved, SKOS.broader, moved_to))
        new = GKC["release-test-method"]
        for triple in ((new, RDF.type, SKOS.Concept), (new, RDF.type, GEODM.Method), (new, SKOS.inScheme, GKC["methods"]),
                       (new, SKOS.broader, moved_to), (new, SKOS.prefLabel, Literal("release test method", lang="en")),
                       (new, SKOS.prefLabel, Literal("发布测试方法", lang="zh")),
                       (new, SKOS.definition, Literal("A method added by the release test.", lang="en"))):
            g.add(triple)
        onto_file.write_text(g.serialize(format="turtle"), encoding="utf-8")

        # Its mappings: one row's confidence changed, one row removed.
        tsv = home / "ontology" / "mappings" / "geokg.sssom.tsv"
        lines = tsv.read_text(encoding="utf-8").splitlines(keepends=True)
        data = [i for i, line in enumerate(lines) if not line.startswith("#")][1:]
        cells = lines[data[0]].split("\t")
        mapping_changed, mapping_removed = cells[0], lines[data[1]].split("\t")[0]
        cells[5] = "0.55"
        lines[data[0]] = "\t".join(cells)
        del lines[data[1]]
        tsv.write_text("".join(lines), encoding="utf-8")

        second = tmp / "geokg-1.1.0"
        changes = build_release("1.1.0", second, previous=first, issued="2026-02-01")
        yield Fixture(home, first, second, changes, ids, deprecated, URIRef(str(replacement)), moved, URIRef(str(moved_to)),
                      URIRef(str(new)), spare, mapping_changed, mapping_removed)
    get_settings.cache_clear()


def test_two_releases_give_the_expected_diff(fixture: Fixture) -> None:
    c = fixture.changes
    changed, removed, _unchanged, added = (str(IRIS.paper(i)) for i in fixture.papers)
    assert (c.version, c.previous) == ("1.1.0", "1.0.0")
    assert c.papers_added == [added]
    assert c.papers_removed == [removed]
    assert c.papers_changed == {changed: ["title.en"]}
    k = c.concepts
    assert k.added == [str(fixture.added)]
    assert k.deprecated == [{"iri": str(fixture.deprecated), "replaced_by": [str(fixture.replacement)]}]
    assert [m["iri"] for m in k.moved] == [str(fixture.moved)]
    assert k.moved[0]["broader_after"] == [str(fixture.moved_to)]
    assert k.vanished == [] and k.relabelled == [] and k.dangling == []
    assert [r["subject"].rsplit("/", 1)[-1] for r in c.mappings_removed] == [fixture.mapping_removed.split(":")[-1]]
    assert [(r["subject"].rsplit("/", 1)[-1], r["changed"], r["confidence"]) for r in c.mappings_changed] == [
        (fixture.mapping_changed.split(":")[-1], ["confidence"], 0.55)]
    assert c.mappings_added == []


def test_the_diff_is_written_as_json_and_markdown(fixture: Fixture) -> None:
    import json

    data = json.loads((fixture.second / CHANGES_JSON).read_text(encoding="utf-8"))
    assert data["papers_changed"] == fixture.changes.papers_changed
    assert data["concepts"]["deprecated"][0]["iri"] == str(fixture.deprecated)
    md = (fixture.second / CHANGES_MD).read_text(encoding="utf-8")
    assert md.startswith("# GeoKG 1.1.0: changes since 1.0.0")
    assert "## Papers removed (1)" in md and f"`{fixture.papers[1]}`" in md
    assert f"`{fixture.papers[0]}`" in md and "title.en" in md
    assert f"gkc:{str(fixture.deprecated)[len(GKC):]}`, replaced by gkc:{str(fixture.replacement)[len(GKC):]}" in md
    first = (fixture.first / CHANGES_MD).read_text(encoding="utf-8")
    assert "(first release)" in first and "## Papers added (3)" in first


def test_the_ontology_carries_the_release_version(fixture: Fixture) -> None:
    for folder, version in ((fixture.first, "1.0.0"), (fixture.second, "1.1.0")):
        g = Graph().parse(folder / ONTOLOGY, format="turtle")
        assert g.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
        assert [str(v) for v in g.objects(ONTOLOGY_IRI, OWL.versionInfo)] == [version]
    deprecated = Graph().parse(fixture.second / ONTOLOGY, format="turtle")
    assert deprecated.value(fixture.deprecated, OWL.deprecated) == Literal(True)


def test_dumps_keep_one_graph_per_paper(fixture: Fixture) -> None:
    with gzip.open(fixture.second / TRIG, "rb") as handle:
        trig_graphs = {q.graph_name.value for q in ox.parse(handle.read(), format=ox.RdfFormat.TRIG)}
    with gzip.open(fixture.second / NQUADS, "rb") as handle:
        nq_graphs = {q.graph_name.value for q in ox.parse(handle.read(), format=ox.RdfFormat.N_QUADS)}
    papers = {str(IRIS.paper_graph(i)) for i in (fixture.papers[0], fixture.papers[2], fixture.papers[3])}
    expected = papers | {str(ONTOLOGY_IRI), str(IRIS.catalogue_graph), str(IRIS.mappings_graph)}
    assert trig_graphs == nq_graphs == expected


def _void(folder: Path) -> tuple[Graph, URIRef]:
    g = Graph().parse(folder / VOID_TTL, format="turtle")
    (ds,) = set(g.subjects(RDF.type, VOID.Dataset))
    return g, URIRef(str(ds))


def test_the_description_names_sources_creators_licence_and_every_file(fixture: Fixture) -> None:
    g, ds = _void(fixture.first)
    assert ds == IRIS.release("1.0.0")
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert {str(o) for o in g.objects(ds, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))} == {str(IRIS.source("report-2025"))}
    assert g.value(URIRef("https://orcid.org/0000-0002-1825-0097"), URIRef("http://xmlns.com/foaf/0.1/name")) == Literal("Ada Lovelace")
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(f"{IRIS.base}sparql")
    files = sorted(p.name for p in fixture.first.iterdir() if p.name not in (VOID_TTL, SUMS))
    described = sorted(str(g.value(d, URIRef("http://www.w3.org/ns/dcat#downloadURL"))).rsplit("/", 1)[-1]
                       for d in g.objects(ds, URIRef("http://www.w3.org/ns/dcat#distribution")))
    assert described == files
    g2, ds2 = _void(fixture.second)
    assert g2.value(ds2, URIRef("http://www.w3.org/ns/dcat#previousVersion")) == IRIS.release("1.0.0")


def test_the_description_passes_shacl_and_a_broken_one_fails(fixture: Fixture) -> None:
    g, ds = _void(fixture.second)
    assert check_description(g) == []
    dist = next(iter(g.objects(ds, URIRef("http://www.w3.org/ns/dcat#distribution"))))
    g.remove((dist, SPDX.checksum, None))
    g.remove((ds, VOID.triples, None))
    g.remove((ds, DCTERMS.license, None))
    messages = " ".join(str(p) for p in check_description(g))
    assert "checksum" in messages and "void:triples" in messages and "licence" in messages


def test_void_counts_equal_sparql_counts_over_the_loaded_release(fixture: Fixture) -> None:
    store = EmbeddedStore()
    loaded = load_release(store, fixture.second, IRIS)
    assert loaded.version == "1.1.0"
    g, ds = _void(fixture.second)
    skip = f"FILTER(?g != <{IRIS.release_graph}>)"

    def count(query: str) -> int:
        return int(rows(store.query(query))[0]["n"])

    def stated(node: URIRef, p: URIRef) -> int:
        value = g.value(node, p)
        assert value is not None and value.datatype == XSD.integer
        return int(value)

    assert stated(ds, VOID.triples) == count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}") == loaded.quads
    assert stated(ds, VOID.entities) == count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?t }} FILTER isIRI(?s) {skip} }}")
    classes = {str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)}
    in_store = {r["c"]: int(r["n"]) for r in rows(store.query(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s) && isIRI(?c)) {skip} }} GROUP BY ?c"))}
    assert classes == in_store and classes[str(GEODM.Paper)] == 3
    properties = {str(g.value(p, VOID.property)): int(g.value(p, VOID.triples)) for p in g.objects(ds, VOID.propertyPartition)}
    assert properties == {r["p"]: int(r["n"]) for r in rows(store.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }} GROUP BY ?p"))}
    # The service's release: the description is in its own graph.
    assert rows(store.query(f"SELECT ?v WHERE {{ GRAPH <{IRIS.release_graph}> {{ ?d <{OWL.versionInfo}> ?v }} }}")) == [{"v": "1.1.0"}]


def test_loading_a_release_replaces_what_the_store_held(fixture: Fixture) -> None:
    store = EmbeddedStore()
    load_release(store, fixture.second, IRIS)
    load_release(store, fixture.first, IRIS)
    papers = {g for g in store.graph_names() if g.startswith(IRIS.paper_graph_prefix)}
    assert papers == {str(IRIS.paper_graph(i)) for i in fixture.papers[:3]}


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_a_tampered_or_missing_file_is_named_and_nothing_is_loaded(fixture: Fixture, tmp_path: Path) -> None:
    store = EmbeddedStore()
    load_release(store, fixture.first, IRIS)
    before = set(store.ox.quads_for_pattern(None, None, None, None))
    tampered = _copy(fixture.second, tmp_path / "tampered")
    data = bytearray((tampered / NQUADS).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tampered / NQUADS).write_bytes(bytes(data))
    (tampered / CITATION).unlink()
    assert verify_release(tampered) == [f"{CITATION}: missing", f"{NQUADS}: corrupted (its SHA-256 differs from {SUMS})"]
    with pytest.raises(ReleaseError, match=re.escape(NQUADS)):
        load_release(store, tampered, IRIS)
    assert set(store.ox.quads_for_pattern(None, None, None, None)) == before

    # A description whose checksum was rewritten to match a tampered file: SHA256SUMS still disagrees.
    forged = _copy(fixture.second, tmp_path / "forged")
    (forged / PAPERS_JSON).write_text("{}", encoding="utf-8")
    assert verify_release(forged) == [f"{PAPERS_JSON}: corrupted (its SHA-256 differs from {SUMS})"]
    assert verify_release(fixture.second) == []


def test_citation_cff_parses_as_cff_1_2(fixture: Fixture) -> None:
    doc = yaml.safe_load((fixture.first / CITATION).read_text(encoding="utf-8"))
    assert citation_problems(doc) == []
    assert (doc["cff-version"], doc["version"], doc["date-released"], doc["type"]) == ("1.2.0", "1.0.0", "2026-01-15", "dataset")
    assert doc["authors"] == [{"family-names": "Lovelace", "given-names": "Ada", "orcid": "https://orcid.org/0000-0002-1825-0097"}]
    assert doc["license"] == "CC-BY-4.0"
    assert yaml.safe_load((fixture.second / CITATION).read_text(encoding="utf-8"))["authors"] == [{"name": "GeoKG contributors"}]
    broken = {k: v for k, v in doc.items() if k != "authors"} | {"date-released": "15.01.2026"}
    assert citation_problems(broken) == ["missing authors", "authors: a non-empty list", "date-released must be YYYY-MM-DD"]


def test_a_concept_gone_without_deprecation_is_refused(fixture: Fixture, tmp_path: Path) -> None:
    home = _copy(fixture.home, tmp_path / "home")
    onto_file = home / "ontology" / "geodm.ttl"
    g = Graph().parse(onto_file, format="turtle")
    g.remove((fixture.spare, None, None))
    g.remove((None, None, fixture.spare))
    onto_file.write_text(g.serialize(format="turtle"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        _use_home(mp, home)
        assert resources.ontology_file() == onto_file
        with pytest.raises(ReleaseError, match=re.escape(str(fixture.spare))):
            build_release("1.2.0", tmp_path / "geokg-1.2.0", previous=fixture.second)
        assert not (tmp_path / "geokg-1.2.0").exists() and not (tmp_path / ".geokg-1.2.0.part").exists()
        (run,) = run_checks(["release"], home / "loaders", previous_release=fixture.second)
        assert [(f.severity, f.where) for f in run.findings] == [(ERROR, str(fixture.spare))]
        (ok,) = run_checks(["release"], home / "loaders", previous_release=fixture.first)
        assert [f.where for f in ok.findings if f.severity == ERROR] == [str(fixture.spare)]
    tampered = _copy(fixture.first, tmp_path / "tampered")
    (tampered / CITATION).write_text("cff-version: 0\n", encoding="utf-8")
    (broken,) = run_checks(["release"], previous_release=tampered)
    assert [f.message for f in broken.findings] == [f"{CITATION}: corrupted (its SHA-256 differs from {SUMS})"]
    get_settings.cache_clear()
    (unchanged,) = run_checks(["release"], previous_release=None)
    assert unchanged.findings == [] and "no previous release" in unchanged.notes[0]


def test_a_release_is_never_overwritten_and_versions_are_checked(fixture: Fixture, tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="never overwritten"):
        build_release("9.9.9", fixture.first)
    with pytest.raises(ReleaseError, match="version"):
        build_release("../evil", tmp_path / "x")
    with pytest.raises(ReleaseError, match=re.escape("already version 1.0.0")):
        build_release("1.0.0", tmp_path / "y", previous=fixture.first)


def test_a_write_through_the_api_makes_the_store_development_data(fixture: Fixture) -> None:
    from geokg.load.write import GraphWrite
    from geokg.read.release import UNRELEASED, release_label

    store = EmbeddedStore()
    load_release(store, fixture.second, IRIS)
    assert release_label(store, IRIS) == "1.1.0 (2026-02-01)"
    GraphWrite(store, IRIS).write({str(IRIS.paper_graph(fixture.papers[2]))}, lambda scratch: None)
    assert release_label(store, IRIS) == UNRELEASED


def test_the_papers_json_ld_holds_exactly_the_paper_graphs(fixture: Fixture) -> None:
    import json

    from rdflib import Dataset

    doc = json.loads((fixture.second / "geokg-papers.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["geodm"] == str(GEODM._NS)
    assert any(k.startswith("geodm:") for g in doc["@graph"] for node in g["@graph"] for k in node), "IRIs are compacted"
    from_jsonld = Dataset().parse(data=json.dumps(doc), format="json-ld")
    with gzip.open(fixture.second / NQUADS, "rb") as handle:
        from_nquads = Dataset().parse(data=handle.read(), format="nquads")
    papers = {str(IRIS.paper_graph(i)) for i in (fixture.papers[0], fixture.papers[2], fixture.papers[3])}

    def paper_quads(ds: Dataset) -> set[tuple[str, ...]]:
        return {(str(s), str(p), o.n3(), str(g)) for s, p, o, g in ds.quads((None, None, None, None))
                if str(g) in papers}

    expected = paper_quads(from_nquads)
    assert expected and paper_quads(from_jsonld) == expected


def test_a_deprecated_concept_must_be_replaced_by_a_concept(fixture: Fixture, tmp_path: Path) -> None:
    home = _copy(fixture.home, tmp_path / "home")
    onto_file = home / "ontology" / "geodm.ttl"
    g = Graph().parse(onto_file, format="turtle")
    g.set((fixture.deprecated, DCTERMS.isReplacedBy, GKC["no-such-concept"]))
    onto_file.write_text(g.serialize(format="turtle"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        _use_home(mp, home)
        with pytest.raises(ReleaseError, match="replaced by no concept"):
            build_release("1.2.0", tmp_path / "geokg-1.2.0", previous=fixture.second)
        (run,) = run_checks(["release"], home / "loaders", previous_release=fixture.first)
        assert [(f.severity, f.where) for f in run.findings] == [(ERROR, str(fixture.deprecated))]
    get_settings.cache_clear()


def test_a_projects_vocabulary_extension_is_released_and_compared(fixture: Fixture, tmp_path: Path) -> None:
    home = _copy(fixture.home, tmp_path / "home")
    broader = str(fixture.moved_to)[len(GKC):]
    (home / "vocabulary.yaml").write_text(f"""methods:
  - id: release-vision-transformer
    label: {{en: release vision transformer, zh: 发布视觉Transformer}}
    definition: {{en: A transformer network that classifies images from sequences of patches.}}
    broader: {broader}
""", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        _use_home(mp, home)
        folder = tmp_path / "geokg-1.2.0"
        changes = build_release("1.2.0", folder, previous=fixture.second, issued="2026-03-01")
    get_settings.cache_clear()
    new = str(GKC["release-vision-transformer"])
    assert changes.concepts.added == [new]
    extension = Graph().parse(folder / "geokg-vocabulary.ttl", format="turtle")
    assert extension.value(URIRef(new), SKOS.broader) == fixture.moved_to
    assert "geokg-vocabulary.ttl" in (folder / SUMS).read_text(encoding="utf-8") and verify_release(folder) == []
    g, ds = _void(folder)
    assert check_description(g) == []
    described = {str(d).rsplit("/", 1)[-1] for d in g.objects(ds, URIRef("http://www.w3.org/ns/dcat#distribution"))}
    assert "geokg-vocabulary.ttl" in described
    store = EmbeddedStore()
    load_release(store, folder, IRIS)
    assert rows(store.query(f"SELECT ?b WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ <{new}> <{SKOS.broader}> ?b }} }}")) == [{"b": str(fixture.moved_to)}]
    # The next release without the extension loses a concept: refused.
    with pytest.raises(ReleaseError, match="release-vision-transformer"):
        build_release("1.3.0", tmp_path / "geokg-1.3.0", previous=folder)
