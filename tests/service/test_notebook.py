"""The notebook tour runs end to end against a live service, and what it shows is what the API says."""

from __future__ import annotations

import base64
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from support import DATA, ROOT, LiveServer, served_settings

NOTEBOOK = ROOT / "notebooks" / "geokg-tour.ipynb"
FLAGSHIP_DOI = "10.1038/s41561-024-01517-y"


@dataclass
class Executed:
    nb: Any
    url: str
    api: httpx.Client

    def cell(self, tag: str) -> Any:
        found = [c for c in self.nb.cells if tag in c.metadata.get("tags", [])]
        assert len(found) == 1, f"expected one cell tagged {tag!r}, found {len(found)}"
        return found[0]

    def text(self, tag: str) -> str:
        """Everything a cell printed, plus the plain-text form of what it displayed."""
        out = []
        for o in self.cell(tag).outputs:
            out.append(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", ""))
        return "\n".join(out)

    def table(self, tag: str) -> list[dict[str, str]]:
        """The DataFrame a cell displayed, read back from its HTML form (the plain form truncates)."""
        html = [o.data["text/html"] for o in self.cell(tag).outputs if "text/html" in o.get("data", {})]
        assert html, f"cell {tag!r} displayed no table"
        return read_table(html[-1])

    def get(self, path: str, **params: Any) -> Any:
        response = self.api.get(path, params=params)
        response.raise_for_status()
        return response.json()


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_table(html: str) -> list[dict[str, str]]:
    parser = _Table()
    parser.feed(html)
    header, *body = parser.rows
    # pandas puts the index in the first column; its header cell is empty
    return [dict(zip(header[1:], row[1:], strict=False)) for row in body]


def check_kernel() -> None:
    """The `python3` kernel must run this interpreter (the venv's ipykernel), not some other Python."""
    spec = KernelSpecManager().get_kernel_spec("python3")
    exe = spec.argv[0]
    # jupyter_client replaces a bare "python" with sys.executable when it starts the kernel
    ok = exe in {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"} \
        or Path(exe).resolve() == Path(sys.executable).resolve()
    assert ok, f"kernel python3 runs {exe}, not {sys.executable} (spec in {spec.resource_dir})"


@pytest.fixture(scope="module")
def executed(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Executed]:
    tmp = tmp_path_factory.mktemp("notebook")
    folder = tmp / "store"
    shutil.copytree(bundled_store_dir, folder)
    with pytest.MonkeyPatch.context() as mp:
        # the kernel is a subprocess: it inherits these
        mp.setenv("JUPYTER_PREFER_ENV_PATH", "1")  # the venv's kernelspec before any user-level one
        mp.setenv("IPYTHONDIR", str(tmp / "ipython"))  # no user profile or startup files
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        check_kernel()
        for settings in served_settings("embedded", folder):
            with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=60) as api:
                mp.setenv("GEOKG_URL", server.url)
                nb = nbformat.read(NOTEBOOK, as_version=4)
                client = NotebookClient(nb, kernel_name="python3", timeout=60, startup_timeout=60,
                                        resources={"metadata": {"path": str(NOTEBOOK.parent)}})
                error = None
                try:
                    client.execute()
                except CellExecutionError as exc:
                    error = exc
                finally:
                    # kept even when a cell fails: that is when people need to look at it
                    out = artifacts / "notebooks" / f"{NOTEBOOK.stem}.executed.ipynb"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nb, out)
                if error is not None:
                    pytest.fail(f"a notebook cell failed (see {out.relative_to(ROOT)}):\n{str(error)[-3000:]}")
                yield Executed(nb, server.url, api)


def test_committed_notebook_has_no_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"clear the outputs of: {cell.source[:60]!r}"
    assert any('os.environ.get("GEOKG_URL"' in c.source for c in nb.cells if c.cell_type == "code")


def test_every_cell_ran_without_error(executed: Executed) -> None:
    code = [c for c in executed.nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert executed.url in executed.text("setup")  # it talked to our server, not the default one


def test_the_plot_is_an_inline_png(executed: Executed) -> None:
    images = [o.data["image/png"] for o in executed.cell("plot").outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    png = base64.b64decode(images[0])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000  # a real chart, not an empty canvas


def test_paper_counts_match_the_rest_api(executed: Executed) -> None:
    total = executed.get("/papers", per_page=1)["total"]
    assert total == executed.get("/stats")["papers"] == 35
    assert re.search(rf"papers in the graph: {total}\b", executed.text("papers-per-year"))
    per_year = {int(r["year"]): int(r["papers"]) for r in executed.table("papers-per-year")}
    assert sum(per_year.values()) == total
    for year, n in per_year.items():
        assert executed.get("/papers", year_from=year, year_to=year, per_page=1)["total"] == n, year


def test_method_families_match_stats(executed: Executed) -> None:
    shown = {r["section"]: (int(r["papers"]), int(r["applications"])) for r in executed.table("method-families")}
    stats = {f["section"]: (f["papers"], f["applications"]) for f in executed.get("/stats")["method_families"]}
    assert shown == stats
    assert list(shown) == [f"4.{i}" for i in range(1, 11)]  # sorted as the review numbers them


def test_flagship_question_finds_the_rain_paper(executed: Executed) -> None:
    assert FLAGSHIP_DOI in executed.text("flagship")
    shown = [r["doi"] for r in executed.table("flagship")]
    # the same file, sent by the test itself
    query = (ROOT / "queries" / "papers-by-method-purpose-datatype.rq").read_text(encoding="utf-8")
    response = executed.api.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    # Issue 19: the glacial-erosion paper answers too (its bootstrap resamples satellite-based predictions).
    assert shown == [b["doi"]["value"] for b in response.json()["results"]["bindings"]] == [FLAGSHIP_DOI, "10.1038/s41561-025-01747-8"]
    assert f"{FLAGSHIP_DOI}  in one application: yes" in executed.text("facets-vs-question")


def test_concept_lookup_and_papers_by_method_match_the_api(executed: Executed) -> None:
    hits = {r["query"]: r["id"] for r in executed.table("concepts")}
    assert hits == {q: executed.get("/concepts", q=q)[0]["id"] for q in ("bootstrap", "随机森林")}
    assert hits["随机森林"] == "random-forest"
    printed = executed.text("papers-by-method")
    for concept in hits.values():
        page = executed.get("/papers", method=concept, per_page=100)
        label = executed.get(f"/concepts/{concept}")["labels"]
        assert f"{label['en']} / {label['zh']}: {page['total']} papers" in printed
        assert all(p["doi"] in printed for p in page["papers"])
    loose = executed.get("/papers", method="bootstrap", purpose="uncertainty-quantification", data_type="satellite-data")
    expected = (DATA / "answers").joinpath("papers-by-method-purpose-datatype.tsv").read_text(encoding="utf-8").strip().count("\n")
    assert f"/papers facets: {loose['total']} papers; one method application: {expected}" in executed.text("facets-vs-question")


def test_paper_summary_matches_the_api(executed: Executed) -> None:
    paper = executed.get(f"/papers/{FLAGSHIP_DOI}")
    printed = executed.text("paper-detail")
    assert printed.startswith(f"{paper['title']['en']} ({paper['journal']}, {paper['issued']})")
    assert paper["title"]["zh"] in printed
    assert all(a["method"]["label_en"] in printed for a in paper["method_applications"])
    assert all(d["name"] in printed for d in paper["datasets"])
    assert f"findings: {len(paper['findings'])};" in printed
