"""Links to external ontologies: the SSSOM table, its checks against the real ontology files,
suggestions, export, mappings in the served graph, and federation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from geokg import resources
from geokg.resources import ontologies_dir
from geokg.validate.links import external_index, link_problems, mapping_files, read_table, schema_problems
from support import LiveServer, OxigraphServer, served_settings

STATO_BOOTSTRAP = "http://purl.obolibrary.org/obo/STATO_0000548"


def test_mapping_table_reads_and_validates() -> None:
    (path,) = mapping_files()
    table = read_table(path)
    assert len(table.rows) >= 100
    assert schema_problems(path) == []
    sources = {r.source for r in table.rows if r.source}
    assert {"STATO", "SWEET", "ENVO", "EDAM", "GCMD"} <= sources


def test_every_mapped_iri_exists_in_the_local_copies(corpus) -> None:  # type: ignore[no-untyped-def]
    from rdflib.namespace import SKOS

    from geokg.model.ontology import read_ontology

    known = {str(s) for s in read_ontology().subjects(SKOS.inScheme, None)}
    known |= {f"https://w3id.org/geokg/dataset/{d}" for d in corpus.catalogue.datasets}
    assert link_problems([read_table(p) for p in mapping_files()], known, external_index(str(ontologies_dir()))) == []


def _broken_home(tmp_path: Path, old: str, new: str) -> Path:
    home = tmp_path / "home"
    for folder in ("ontology", "shapes", "queries", "loaders"):
        shutil.copytree(resources.home() / folder, home / folder)
    table = home / "ontology" / "mappings" / "geokg.sssom.tsv"
    text = table.read_text(encoding="utf-8")
    assert old in text
    table.write_text(text.replace(old, new, 1), encoding="utf-8")
    return home


def _check_links(home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GEOKG_HOME": str(home), "GEOKG_ONTOLOGIES": str(ontologies_dir())}
    return subprocess.run([sys.executable, "-m", "geokg", "check", "--only", "links"], capture_output=True, text=True, env=env, timeout=300)


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("STATO:0000548", "STATO:9999999", "does not exist in the local copy"),
        ("sorepmst:tTest", "sorepmst:tTestt", "does not exist in the local copy"),
        ("STATO:0000548", "nosuch:0000548", "prefix the table's curie_map does not define"),
        ("gkc:bootstrap\t", "gkc:bootstrapp\t", "is not a GeoKG concept or dataset"),
    ],
)
def test_a_broken_mapping_row_fails_the_check_with_its_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    home = _broken_home(tmp_path, old, new)
    line = _line_of((home / "ontology" / "mappings" / "geokg.sssom.tsv").read_text(encoding="utf-8"), new)
    result = _check_links(home)
    assert result.returncode == 1, result.stdout
    assert message in result.stdout and f"line {line}" in result.stdout


def test_deprecated_and_duplicate_exact_targets_are_flagged(tmp_path: Path) -> None:
    index = external_index(str(ontologies_dir()))
    deprecated = sorted(i for i in index.deprecated if i.startswith("http://purl.obolibrary.org/obo/ENVO_"))[0]
    home = _broken_home(tmp_path, "ENVO:01000707", "ENVO:" + deprecated.rsplit("_", 1)[1])
    assert "is deprecated in its ontology" in _check_links(home).stdout
    twice = _broken_home(tmp_path / "b", "gkc:coastal-flooding\tskos:exactMatch\tENVO:01000707",
                         "gkc:subduction\tskos:exactMatch\tENVO:01000707")
    assert "already has exactMatch" in _check_links(twice).stdout


def test_link_suggest_on_real_ontology_files(tmp_path: Path) -> None:
    out = tmp_path / "suggested.sssom.tsv"
    for name, expected in (("sweet/reprMathStatistics.ttl", "gkc:t-test"), ("envo/envo.obo", "gkc:subduction")):
        result = subprocess.run([sys.executable, "-m", "geokg", "link", "suggest", str(ontologies_dir() / name), "-o", str(out)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        text = out.read_text(encoding="utf-8")
        assert expected in text and "semapv:LexicalMatching" in text
        assert schema_problems(out) == []


def test_export_mappings(tmp_path: Path) -> None:
    for fmt, check in (("sssom-tsv", lambda t: "subject_id" in t), ("sssom-json", lambda t: len(json.loads(t)["mappings"]) >= 100)):
        out = tmp_path / f"m.{fmt}"
        result = subprocess.run([sys.executable, "-m", "geokg", "export", "--mappings", "-f", fmt, "-o", str(out)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert check(out.read_text(encoding="utf-8"))


def test_mappings_are_served(client: httpx.Client) -> None:
    concept = client.get("/concepts/bootstrap").json()
    assert {"relation": "exactMatch", "iri": STATO_BOOTSTRAP} in concept["external_matches"]
    resolved = client.get("/concepts", params={"iri": STATO_BOOTSTRAP}).json()
    assert resolved[0]["id"] == "bootstrap"
    query = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX geodm: <https://w3id.org/geokg/ontology#>
        SELECT DISTINCT ?doi WHERE {{ ?c skos:exactMatch <{STATO_BOOTSTRAP}> . ?m skos:broader* ?c .
          ?paper geodm:hasMethodApplication/geodm:method ?m ; <http://prismstandard.org/namespaces/basic/2.0/doi> ?doi }}"""
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}).json()
    assert "10.1038/s41561-024-01517-y" in {b["doi"]["value"] for b in rows["results"]["bindings"]}


def test_federation_only_to_allowlisted_endpoints(bundled_store_dir: Path, tmp_path: Path) -> None:
    remote_dir = tmp_path / "remote"
    with OxigraphServer(remote_dir) as other:
        httpx.post(f"{other.url}/update", content=b'INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "from the other endpoint" } }',
                   headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        folder = tmp_path / "store"
        shutil.copytree(bundled_store_dir, folder)
        for settings in served_settings("embedded", folder, service_allowlist=[f"{other.url}/query"]):
            with LiveServer(settings) as server:
                query = f'SELECT ?o WHERE {{ SERVICE <{other.url}/query> {{ ?s <urn:b> ?o }} }}'
                r = httpx.get(f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
                assert r.status_code == 200, r.text
                assert r.json()["results"]["bindings"][0]["o"]["value"] == "from the other endpoint"
                refused = httpx.get(f"{server.url}/sparql", params={"query": query.replace("/query>", "/other>")})
                assert refused.status_code == 403
