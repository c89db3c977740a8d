"""The command line, run as a user runs it: a real process on real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["load", "query", "export", "serve", "import-report", "questions"]


def geokg(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geokg", "--store", str(store), *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help(command: str | None, tmp_path: Path) -> None:
    result = geokg(*([command] if command else []), "--help", store=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("geokg")
    assert subprocess.run([str(script), "--version"], capture_output=True, text=True).returncode == 0


def test_load_query_export(tmp_path: Path) -> None:
    store = tmp_path / "store"
    loaded = geokg("load", store=store)
    assert loaded.returncode == 0, loaded.stderr
    assert "written" in loaded.stdout
    example = geokg("query", "queries/papers-by-method-purpose-datatype.rq", "-f", "csv", store=store)
    assert example.returncode == 0, example.stderr
    assert "10.1038/s41561-024-01517-y" in example.stdout
    bad = geokg("query", "SELECT ?x WHERE {", store=store)
    assert bad.returncode == 2 and "malformed query" in bad.stderr
    wrong = geokg("query", "papers-by-method", "-p", "method=no-such-method", store=store)
    assert wrong.returncode == 2 and "not a concept of the method scheme" in wrong.stderr
    out = tmp_path / "all.nq"
    exported = geokg("export", "-f", "nquads", "-o", str(out), store=store)
    assert exported.returncode == 0, exported.stderr
    assert out.stat().st_size > 10_000
    for fmt in ("turtle", "jsonld"):
        graph = geokg("export", "-f", fmt, "--graph", "https://w3id.org/geokg/graph/catalogue", store=store)
        assert graph.returncode == 0 and "ERA5" in graph.stdout
