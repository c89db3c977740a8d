"""bench/coverage.py: the described side is parsed from the report's rows, the recorded side from the records."""

from __future__ import annotations

import sys
from pathlib import Path

from geokg.model.corpus import Corpus
from support import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import coverage


def test_coverage_counts_come_from_rows_and_records(report: Path, corpus: Corpus, capsys: object) -> None:
    rows = {r.id: r for r in coverage.coverage(report)}
    assert len(rows) == len(corpus.papers) == 35
    records = {r.id: r for r in corpus.papers.values()}
    assert sum(r.recorded_applications for r in rows.values()) == sum(len(r.method_applications) for r in records.values())
    glacial = rows["s41561-025-01747-8"]
    # Row 2 enumerates four method items and four data items, and names elastic net, bootstrap and LOOCV.
    assert (glacial.row, glacial.method_items, glacial.data_items) == (2, 4, 4)
    assert {"elastic-net", "bootstrap", "loocv"} <= set(glacial.named_recorded)
    assert glacial.recorded_datasets == len(set(records[glacial.id].datasets))
    lakes = rows["s41586-025-09046-3"]
    assert lakes.recorded_datasets == len(set(records[lakes.id].datasets)) + len(records[lakes.id].other_datasets)
    assert coverage.named_sources("**来源**：CHELSA V1.2（当代）、PaleoClim（古气候） **数据类型**：x") == 2


def test_coverage_prints_per_paper_rows_and_totals(report: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert coverage.main([str(report), "--gaps"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") > 35 and "s41561-024-01517-y\t3\t" in out
    assert "papers: 35" in out and "named methods:" in out and "datasets:" in out
