"""Releases as a user makes and serves them (issue 22): `geokg release`, `geokg load --release`,
`geokg check --previous-release` as processes, then the service showing its release on `/`, at
`/.well-known/void` and in the Service Description; and development data saying they are unreleased."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import OWL, Graph, Literal, URIRef
from rdflib.namespace import RDFS, VOID

from geokg.model.vocab import Iris
from geokg.release.files import NQUADS, VOID_TTL
from support import LiveServer, served_settings

IRIS = Iris()
SD = "http://www.w3.org/ns/sparql-service-description#"


def geokg(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geokg", "--store", str(store), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A release of the bundled corpus, and a store loaded from it (both made by the command line)."""
    tmp = tmp_path_factory.mktemp("released")
    folder, store = tmp / "geokg-1.0.0", tmp / "store"
    made = geokg("release", "1.0.0", "--out", str(folder), "--date", "2026-03-01", "--creator", "GeoKG curators", store=store)
    assert made.returncode == 0, made.stderr
    assert "release 1.0.0 written" in made.stdout and "papers +35" in made.stdout
    loaded = geokg("load", "--release", str(folder), store=store)
    assert loaded.returncode == 0, loaded.stderr
    assert "release 1.0.0 loaded" in loaded.stdout
    return folder, store


@pytest.fixture(scope="module", params=["embedded", "remote"])
def release_server(request: pytest.FixtureRequest, released: tuple[Path, Path],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The released store served by each backend (the managed engine, a remote Oxigraph server)."""
    folder = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(released[1], folder)
    for settings in served_settings(request.param, folder):
        with LiveServer(settings) as server:
            yield server


@pytest.fixture(scope="module")
def dev_server(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("dev") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder):
        with LiveServer(settings) as server:
            yield server


def _void(text: str, fmt: str) -> tuple[Graph, URIRef]:
    g = Graph().parse(data=text, format=fmt)
    (ds,) = set(g.subjects(None, VOID.Dataset))
    return g, URIRef(str(ds))


def test_the_service_shows_its_release(release_server: LiveServer, released: tuple[Path, Path]) -> None:
    folder, _ = released
    with httpx.Client(base_url=release_server.url, timeout=60) as client:
        home = client.get("/")
        assert home.status_code == 200
        assert 'data release <a href="/.well-known/void">1.0.0 (2026-03-01)</a>' in home.text

        turtle = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
        g, ds = _void(turtle.text, "turtle")
        assert ds == IRIS.release("1.0.0") and g.value(ds, OWL.versionInfo) == Literal("1.0.0")
        stated, _ = _void((folder / VOID_TTL).read_text(encoding="utf-8"), "turtle")
        assert g.value(ds, VOID.triples) == stated.value(ds, VOID.triples)
        assert URIRef(f"{release_server.url}/sparql") in set(g.objects(ds, VOID.sparqlEndpoint))

        jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
        assert jsonld.status_code == 200 and jsonld.headers["content-type"].startswith("application/ld+json")
        json.loads(jsonld.text)
        g2, _ = _void(jsonld.text, "json-ld")
        assert len(g2) == len(g)
        assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406

        resolved = client.get("/release/1.0.0", headers={"Accept": "text/turtle"})
        assert resolved.status_code == 200 and len(_void(resolved.text, "turtle")[0]) == len(g)
        assert client.get("/release/0.9.0").status_code == 404

        sd = client.get("/sparql", headers={"Accept": "text/turtle"})
        assert sd.status_code == 200
        described = Graph().parse(data=sd.text, format="turtle")
        (dataset,) = set(described.objects(None, URIRef(SD + "defaultDataset")))
        assert described.value(dataset, OWL.versionInfo) == Literal("1.0.0")
        assert described.value(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == IRIS.release("1.0.0")
        assert described.value(dataset, RDFS.seeAlso) == URIRef(f"{release_server.url}/.well-known/void")

        # The VoID counts are those of the data served.
        count = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                                       f"FILTER(?g != <{IRIS.release_graph}>) }}"},
                           headers={"Accept": "application/sparql-results+json"})
        assert int(count.json()["results"]["bindings"][0]["n"]["value"]) == int(g.value(ds, VOID.triples))


def test_development_data_say_they_are_unreleased(dev_server: LiveServer) -> None:
    with httpx.Client(base_url=dev_server.url, timeout=60) as client:
        assert "data release <a href=\"/.well-known/void\">unreleased (development)</a>" in client.get("/").text
        assert "未发布（开发中）" in client.get("/", params={"lang": "zh"}).text
        g, ds = _void(client.get("/.well-known/void").text, "turtle")
        assert g.value(ds, OWL.versionInfo) == Literal("unreleased (development)")
        assert g.value(ds, VOID.sparqlEndpoint) == URIRef(f"{dev_server.url}/sparql")
        described = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).text, format="turtle")
        (dataset,) = set(described.objects(None, URIRef(SD + "defaultDataset")))
        assert described.value(dataset, OWL.versionInfo) == Literal("unreleased (development)")


def test_a_tampered_release_is_refused_by_the_command_line(released: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = released
    tampered = tmp_path / "tampered"
    shutil.copytree(folder, tampered)
    with (tampered / NQUADS).open("ab") as handle:
        handle.write(b"\0")
    store = tmp_path / "store"
    assert geokg("load", store=store).returncode == 0
    before = geokg("export", "-f", "nquads", store=store).stdout
    refused = geokg("load", "--release", str(tampered), store=store)
    assert refused.returncode == 1
    assert f"{NQUADS}: corrupted" in refused.stderr and "nothing was loaded" in refused.stderr
    assert geokg("export", "-f", "nquads", store=store).stdout == before


def test_loading_records_after_a_release_makes_the_store_development_data(released: tuple[Path, Path], tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(released[1], store)
    graphs = "SELECT ?g WHERE { GRAPH ?g { } }"
    assert str(IRIS.release_graph) in geokg("query", graphs, "-f", "csv", store=store).stdout
    assert geokg("load", store=store).returncode == 0
    assert str(IRIS.release_graph) not in geokg("query", graphs, "-f", "csv", store=store).stdout


def test_check_compares_with_a_previous_release(released: tuple[Path, Path], tmp_path: Path) -> None:
    checked = geokg("check", "--only", "release", "--previous-release", str(released[0]), store=tmp_path / "s")
    assert checked.returncode == 0, checked.stdout
    assert "0 gone" in checked.stdout
