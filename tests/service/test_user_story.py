"""A new user's own review, from an empty folder to a served graph (issue 16's done-when).

Every step runs the real ``geokg`` command in a real process, inside the project folder: ``init``;
``import`` of a BibTeX file of 20 papers whose DOIs hold ``/``, ``()``, ``;``, ``:`` and upper case,
with English-only titles and venues new to GeoKG; two new methods in the vocabulary extension;
``annotate`` and ``annotate --accept`` (the curator's choices written into the drafts as a curator
would); ``check``; ``load``; ``serve`` on 127.0.0.1 (stopped by the test). The papers and the new
methods are then found in ``/papers``, ``/ask``, the web pages and SPARQL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import yaml

DOIS = [
    "10.1093/gji/ggab123", "10.1016/S0012-821X(02)00123-4", "10.1002/(SICI)1099-1085(199701)11:1<1::AID-HYP1>3.0.CO;2-A",
    "10.5194/TC-17-1-2023", "10.1029/2022GL099999", "10.1016/j.rse.2021.112345", "10.3390/RS14010001",
    "10.1175/JCLI-D-21-0001.1", "10.1007/s10712-022-09700-1", "10.1038/s41561-099-00042-Z",
    "10.1109/TGRS.2022.3141234", "10.1016/j.cageo.2020.104567", "10.5194/essd-15-123-2023", "10.1002/2017JB014567",
    "10.1126/sciadv.abc1234", "10.1029/2019WR025123", "10.1144/jgs2020-001", "10.1190/geo2021-0123.1",
    "10.1016/j.epsl.2023.118123", "10.5194/nhess-23-45-2023",
]
VENUES = ["Geophysical Journal International", "Earth and Planetary Science Letters", "Hydrological Processes", "The Cryosphere",
          "Geophysical Research Letters"]
METHODS = {
    "vision-transformer": ("vision transformer", "deep-learning", "ViT"),
    "fourier-neural-operator": ("Fourier neural operator", "neural-networks", "FNO"),
}
VOCABULARY = {
    "methods": [
        {"id": "vision-transformer", "label": {"en": "vision transformer", "zh": "视觉Transformer"}, "alt_labels": {"en": ["ViT"]},
         "definition": {"en": "A transformer network that classifies images from sequences of patches."}, "broader": "deep-learning",
         "exact_match": ["https://example.org/vision-transformer"]},
        {"id": "fourier-neural-operator", "label": {"en": "Fourier neural operator", "de": "Fourier-Neuronaler-Operator"},
         "alt_labels": {"en": ["FNO"]}, "definition": {"en": "A neural network that learns operators between function spaces in Fourier space."},
         "broader": "neural-networks"},
    ],
}
DATASET = {"id": "sentinel-2-imagery", "name": {"en": "Sentinel-2 multispectral imagery"}, "data_types": ["satellite-data"],
           "provider": "ESA"}


#: The commands' environment: the test's own, without settings that would pick another project or store.
ENV = {k: v for k, v in os.environ.items() if k not in ("GEOKG_HOME", "GEOKG_STORE")}


def bibtex() -> str:
    entries = []
    for i, doi in enumerate(DOIS):
        method = ["vision transformer", "Fourier neural operator"][i % 2]
        entries.append(
            f"@article{{paper{i},\n  title = {{Mapping glacier lakes with a {method}, case {i + 1}}},\n"
            f"  author = {{Author{i}, Ann and Writer, Bob}},\n  journal = {{{VENUES[i % len(VENUES)]}}},\n"
            f"  year = {{{2018 + i % 6}}},\n  doi = {{{doi}}},\n"
            f"  abstract = {{We segment glacier lakes in satellite images with a {method}. The {method} finds lakes that other methods miss.}},\n"
            f"  keywords = {{glacier lakes, {method}}},\n}}\n")
    return "\n".join(entries)


def run(project: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "geokg", *args], cwd=project, capture_output=True, text=True, timeout=900,
                            env=ENV)
    if ok:
        assert result.returncode == 0, f"geokg {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty")
    assert list(folder.iterdir()) == []
    run(folder, "init")
    assert (folder / "geokg-project.yaml").is_file() and (folder / ".github" / "workflows" / "geokg-check.yml").is_file()
    (folder / "library.bib").write_text(bibtex(), encoding="utf-8")
    imported = run(folder, "import", "library.bib")
    assert "20 draft(s) written" in imported.stdout and "5 new venue(s)" in imported.stdout
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(VOCABULARY, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "loaders" / "datasets" / "sentinel-2-imagery.yaml").write_text(yaml.safe_dump(DATASET), encoding="utf-8")
    drafts = sorted((folder / "drafts").glob("*.yaml"))
    run(folder, "annotate", *[str(p.relative_to(folder)) for p in drafts], "-o", "annotated")
    found_new = 0
    for path in sorted((folder / "annotated").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        suggested = {a["method"] for a in data["draft"]["method_applications"]}
        found_new += bool(suggested & set(METHODS))
        # The curator's choices: the new method the abstract names, on the project's imagery.
        method = "vision-transformer" if "vision transformer" in data["abstract"] else "fourier-neural-operator"
        data["draft"]["method_applications"] = [{"accept": True, "method": method, "purposes": ["classification"],
                                                 "inputs": ["sentinel-2-imagery"]}]
        data["processes"] = ["cryosphere-processes"]
        data["draft"]["findings"] = [{"accept": True, "text": f"The {METHODS[method][0]} maps glacier lakes."}]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert found_new >= 15, "the annotator should find the extension's methods in the abstracts"
    run(folder, "annotate", "--accept", *[str(p.relative_to(folder)) for p in sorted((folder / "annotated").glob("*.yaml"))],
        "-o", "loaders/records")
    assert len(list((folder / "loaders" / "records").glob("*.yaml"))) == 20
    return folder


@pytest.fixture(scope="module")
def served(project: Path) -> Iterator[str]:
    checked = run(project, "check", ok=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    loaded = run(project, "load")
    assert "20 written" in loaded.stdout
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--port", str(port)], cwd=project,
                              env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/papers", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, server.stdout.read() if server.stdout else ""
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_papers_are_listed_with_their_dois_as_written(served: str) -> None:
    page = httpx.get(f"{served}/papers", params={"per_page": 50}).json()
    assert page["total"] == 20
    assert {p["doi"] for p in page["papers"]} == set(DOIS)


@pytest.mark.parametrize("doi", DOIS)
def test_each_paper_is_found_by_its_doi_in_any_case(served: str, doi: str) -> None:
    for spelling in (doi, doi.lower(), doi.upper()):
        details = httpx.get(f"{served}/papers/{quote(spelling, safe='/')}")
        assert details.status_code == 200, (spelling, details.text)
        assert details.json()["doi"] == doi


def test_the_new_methods_are_facets_and_answers(served: str) -> None:
    for method, (label, _, _) in METHODS.items():
        found = httpx.get(f"{served}/papers", params={"method": method, "per_page": 50}).json()
        assert found["total"] == 10, method
        answer = httpx.get(f"{served}/ask", params={"q": f"papers using {label} on satellite data"}).json()
        assert any(u.get("id") == method for u in answer["understood"]), answer["understood"]
        assert answer["total"] == 10
    # The broader concept of GeoKG includes its new narrower one.
    assert httpx.get(f"{served}/papers", params={"method": "deep-learning"}).json()["total"] >= 10


def test_the_web_pages_show_papers_and_new_methods(served: str) -> None:
    page = httpx.get(f"{served}/concept/vision-transformer", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "vision transformer" in page.text and "Mapping glacier lakes" in page.text
    browse = httpx.get(f"{served}/browse", params={"scheme": "method"})
    assert browse.status_code == 200 and "Fourier neural operator" in browse.text and "vision transformer" in browse.text
    details = httpx.get(f"{served}/papers/{quote(DOIS[2], safe='/')}").json()
    paper = httpx.get(f"{served}{details['iri'].split('w3id.org/geokg', 1)[1]}", headers={"Accept": "text/html"})
    assert paper.status_code == 200
    assert "Author2, Ann; Writer, Bob" in paper.text and "Hydrological Processes" in paper.text
    assert "(SICI)1099-1085(199701)11:1&lt;1::AID-HYP1&gt;3.0.CO;2-A" in paper.text  # shown as written, escaped
    search = httpx.get(f"{served}/search", params={"q": "Fourier neural operator"})
    assert search.status_code == 200 and search.text.count(">Mapping glacier lakes with a Fourier neural operator") == 10


def test_sparql_sees_the_papers_and_the_extension(served: str) -> None:
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX geodm: <https://w3id.org/geokg/ontology#>
    SELECT ?m (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?m skos:inScheme <https://w3id.org/geokg/concept/methods> ; skos:broader ?b ; skos:definition ?d .
      FILTER(?b IN (<https://w3id.org/geokg/concept/deep-learning>, <https://w3id.org/geokg/concept/neural-networks>))
      ?p geodm:hasMethodApplication/geodm:method ?m } GROUP BY ?m"""
    rows = httpx.post(f"{served}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}).json()
    counts = {b["m"]["value"].rsplit("/", 1)[-1]: int(b["n"]["value"]) for b in rows["results"]["bindings"]}
    assert counts == {"vision-transformer": 10, "fourier-neural-operator": 10}


def test_the_command_line_asks_the_running_server(project: Path, served: str) -> None:
    # The store is locked by `geokg serve`: `geokg query` inside the project finds the server and asks it.
    counted = run(project, "query", "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/geokg/ontology#Paper> }",
                  "-f", "csv")
    assert counted.stdout.splitlines()[-1].strip() == "20" and "asking http://127.0.0.1" in counted.stderr
    words = run(project, "query", "papers using a vision transformer", "--server", served)
    assert "understood: method vision-transformer" in words.stdout and "(10 papers)" in words.stdout
    mistyped = run(project, "query", "papers-by-yaer", ok=False)
    assert mistyped.returncode == 2 and "closest: 'papers-by-year'" in mistyped.stderr
    own = run(project, "query", "papers-by-year", "-f", "csv")  # the project's own named question
    assert len(own.stdout.strip().splitlines()) == 21
