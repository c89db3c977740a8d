"""``geokg check`` and its quality-control queries: pass on the corpus, fail on each defect."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pyoxigraph as ox
import pytest

from geokg import resources
from geokg.store.embedded import EmbeddedStore
from support import DATA

CHECK_FILES = sorted((resources.queries_dir() / "checks").glob("*.rq"))


def test_enough_checks_are_collected() -> None:
    assert len(CHECK_FILES) >= 8
    assert {p.stem.rsplit("-", 1)[1] for p in CHECK_FILES} == {"violation", "warning"}


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_check_flags_its_fixture(path: Path) -> None:
    fixture = DATA / "violations" / f"{path.stem}.ttl"
    assert fixture.is_file(), f"every check needs a fixture that shows it can fail: {fixture}"
    store = ox.Store()
    store.load(path=str(fixture), format=ox.RdfFormat.TURTLE)
    rows = list(store.query(path.read_text(encoding="utf-8")))
    assert rows, f"{path.name} did not flag {fixture.name}"
    assert all(row["message"] is not None and row["focus"] is not None for row in rows)


@pytest.mark.parametrize("path", [p for p in CHECK_FILES if p.stem.endswith("-violation")], ids=lambda p: p.stem)
def test_bundled_corpus_has_no_violations(path: Path, loaded_store: EmbeddedStore) -> None:
    assert list(loaded_store.query(path.read_text(encoding="utf-8"))) == []


def geokg_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geokg", "check", *args], capture_output=True, text=True, timeout=600)


def test_geokg_check_passes_on_the_bundled_data_and_writes_reports(tmp_path: Path) -> None:
    result = geokg_check("--report", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    names = ["syntax", "records", "shacl", "reasoning", "queries", "links"]
    for name in names:
        assert f"✓ {name}" in result.stdout
    runs = json.loads((tmp_path / "check-report.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in runs] == names
    suites = ET.parse(tmp_path / "check-report.junit.xml").getroot()
    assert len(suites.findall("testsuite")) == len(names)
    assert all(s.get("failures") == "0" for s in suites.findall("testsuite"))


def test_warnings_fail_only_when_strict() -> None:
    result = geokg_check("--only", "queries", "--strict")
    assert result.returncode == 1
    assert "warning" in result.stdout


def test_geokg_check_fails_on_a_broken_record(loaders_copy: Path, tmp_path: Path) -> None:
    record = sorted((loaders_copy / "records").glob("*.yaml"))[0]
    text = record.read_text(encoding="utf-8").replace("purposes: [", "purposes: [no-such-purpose, ", 1)
    record.write_text(text, encoding="utf-8")
    result = geokg_check("--only", "records", "--loaders", str(loaders_copy), "--report", str(tmp_path))
    assert result.returncode == 1
    assert "unknown purpose 'no-such-purpose'" in result.stdout
    assert record.name in result.stdout
    suites = ET.parse(tmp_path / "check-report.junit.xml").getroot()
    assert suites.find("testsuite").get("failures") == "1"


def test_geokg_check_fails_on_a_broken_ontology(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for folder in ("ontology", "shapes", "queries", "loaders"):
        shutil.copytree(resources.home() / folder, home / folder)
    onto = home / "ontology" / "geodm.ttl"
    onto.write_text(onto.read_text(encoding="utf-8") + "\ngkc:orphan a skos:Concept , geodm:Method ; skos:inScheme gkc:methods ;\n"
                    '    skos:prefLabel "orphan"@en , "孤儿"@zh ; skos:definition "no broader"@en .\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "geokg", "check", "--only", "queries"], capture_output=True, text=True,
                            env={**__import__("os").environ, "GEOKG_HOME": str(home)}, timeout=300)
    assert result.returncode == 1
    assert "concept/orphan" in result.stdout and "neither a top concept" in result.stdout
