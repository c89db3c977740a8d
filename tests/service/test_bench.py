"""The benchmark suite's machinery, end to end at a tiny size: every figure is measured and reported.
(No timing is asserted: numbers on a shared machine are not test material.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from support import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import engines
import suite
import synthetic
from geokg.model.records import parse_paper


def test_the_synthetic_corpus_is_seeded_and_realistically_shaped(tmp_path: Path) -> None:
    first = synthetic.write_loaders(30, tmp_path / "a", seed=5)
    second = synthetic.write_loaders(30, tmp_path / "b", seed=5)
    files = sorted((first / "records").glob("*.yaml"))
    assert len(files) == 30
    for path in files:
        assert path.read_bytes() == (second / "records" / path.name).read_bytes()
        record = parse_paper(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
        assert 2 <= len(record.method_applications) <= 6 and 1 <= len(record.datasets) <= 4
        assert record.findings and all(f.en and f.zh for f in record.findings)


def test_the_suite_measures_and_reports_every_figure(tmp_path: Path) -> None:
    suite.main(["--sizes", "40", "--out", str(tmp_path), "--runs", "3", "--budget", "0.1", "--seconds", "0.5",
                "--clients", "2", "--question", suite.endpoint.EXAMPLE])
    result = json.loads((tmp_path / "suite-40.json").read_text(encoding="utf-8"))
    assert result["load"]["output"] == ["40 written, 0 unchanged, 0 removed, 0 rejected"]
    for name, path, *_ in suite.FIGURES:
        assert suite.lookup(result, path) is not None, f"{name} ({path}) was not measured"
    for route in suite.THROUGHPUT_ROUTES:
        assert result["throughput"][route]["errors"] == 0 and result["remote"]["throughput"][route]["errors"] == 0
    table = (tmp_path / "suite.md").read_text(encoding="utf-8")
    assert "| N=40 |" in table and "load + validate (end to end)" in table and "–" not in table.split("\n\n")[0]
    assert all(name in table for name, *_ in suite.FIGURES)


def test_the_engine_comparison_measures_both_engines_alike(tmp_path: Path) -> None:
    """bench/engines.py at 40 papers: both engines loaded by their bulk loaders, every question timed
    through GeoKG on both, and the same rows from both."""
    names = ["papers-by-method-purpose-datatype", "corrected-records", "method-usage-by-family"]
    engines.main(["--papers", "40", "--runs", "1", "--budget", "0.1", "--memory-mb", "256", "--out", str(tmp_path),
                  *(a for name in names for a in ("--question", name))])
    result = json.loads((tmp_path / "engines-40.json").read_text(encoding="utf-8"))
    ox, vt = result["engines"]["oxigraph"], result["engines"]["virtuoso"]
    for engine in (ox, vt):
        assert engine["load_s"] > 0 and engine["store_mb"] > 0 and engine["rss_mb"] > 0
        assert sorted(engine["questions"]) == sorted(names)
    for name in names:
        assert ox["questions"][name]["p50_ms"] and vt["questions"][name]["p50_ms"]
        assert ox["questions"][name]["rows"] == vt["questions"][name]["rows"]
    assert "| corrected-records |" in engines.report(result)
