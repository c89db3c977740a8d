"""The report importer: real report → draft records; malformed tables → errors naming the row."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geokg.errors import RecordError, ValidationFailed
from geokg.ingest.report_table import DraftPaper, parse_report, write_drafts

HEADER = "| **文章** | **核心问题** | **数据来源** | **数据挖掘及分析方法** | **结论** | **总结** |\n|---|---|---|---|---|---|\n"
GOOD = (
    "| [Drivers of global glacial erosion rates \\| Nature Geoscience](https://www.nature.com/articles/s41561-025-01747-8)"
    " **全球冰川侵蚀速率的驱动因素** （20250807） 摘要。 | 问题 | 数据 | 采用弹性网络回归与留一交叉验证（LOOCV），Bootstrap重采样 | 结论 | 总结 |\n"
)


def write(tmp_path: Path, text: str, name: str = "report.md") -> Path:
    path = tmp_path / name
    path.write_text("# 附录\n\n" + text, encoding="utf-8")
    return path


def test_real_report_gives_35_papers_with_sections_and_tags(report_papers: list[DraftPaper]) -> None:
    papers = report_papers
    assert len(papers) == 35 and len({p.doi for p in papers}) == 35
    by_id = {p.id: p for p in papers}
    assert by_id["s41561-023-01176-5"].row == by_id["s41561-022-01058-2"].row == 10
    assert by_id["s41561-025-01772-7"].sections == ["2.1", "3.3", "4.5"]
    assert by_id["s41586-025-08719-3"].published == "2024-04-02"  # as the report says; the record corrects it
    glacial = by_id["s41561-025-01747-8"]
    assert {"elastic-net", "loocv", "bootstrap"} <= set(glacial.tags["method"])
    assert glacial.journal == "nature-geoscience" and glacial.title_zh == "全球冰川侵蚀速率的驱动因素"
    assert by_id["science.adk3705"].journal == "science"


def test_chinese_wordings_tag_concepts(tmp_path: Path) -> None:
    (paper,) = parse_report(write(tmp_path, HEADER + GOOD))
    assert {"elastic-net", "loocv", "bootstrap"} <= set(paper.tags["method"])


def test_drafts_are_written_as_yaml(tmp_path: Path, report: Path) -> None:
    written = write_drafts(report, tmp_path / "drafts")
    assert len(written) == 35
    draft = yaml.safe_load((tmp_path / "drafts" / "s41561-024-01517-y.yaml").read_text(encoding="utf-8"))
    assert draft["doi"] == "10.1038/s41561-024-01517-y" and draft["provenance"]["appendix_row"] == 3
    assert "bootstrap" in draft["draft"]["tagged_concepts"]["method"]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("| **文章** | **核心问题** | **数据来源** | **结论** | **总结** |\n|---|---|---|---|---|\n", "lacks column(s): methods"),
        (HEADER + GOOD.replace("(https://www.nature.com/articles/s41561-025-01747-8)", "(https://example.org/page)"), "row 1: link 'https://example.org/page' is not a paper URL"),
        (HEADER + GOOD.replace("[Drivers", "Drivers").replace("erosion rates \\| Nature Geoscience]", "x"), "row 1: article cell has no"),
        (HEADER + GOOD.replace("（20250807）", ""), "row 1: paper 10.1038/s41561-025-01747-8 has no publication date"),
        (HEADER + GOOD.replace("| 结论 | 总结 |", "| 结论 |"), "row 1: has 5 cells, expected 6"),
        (HEADER + GOOD.replace("Nature Geoscience]", "Journal of Nothing]"), "row 1: unknown journal 'Journal of Nothing'"),
        (HEADER + GOOD + GOOD, "row 2: DOI 10.1038/s41561-025-01747-8 already in row 1"),
        (HEADER, "has no rows"),
        ("no table here\n", "no appendix table found"),
    ],
    ids=["missing-column", "broken-link", "no-link", "no-date", "cell-count", "unknown-journal", "duplicate", "empty", "no-table"],
)
def test_malformed_tables_name_the_row(tmp_path: Path, table: str, expected: str) -> None:
    with pytest.raises((RecordError, ValidationFailed)) as caught:
        parse_report(write(tmp_path, table))
    assert expected in str(caught.value)


def test_every_bad_row_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad = GOOD.replace("（20250807）", "")
    text = HEADER + bad + GOOD.replace("s41561-025-01747-8", "s41561-025-01772-7").replace("Nature Geoscience]", "Nowhere]")
    with pytest.raises(ValidationFailed) as caught:
        parse_report(write(tmp_path, text))
    assert [p.field for p in caught.value.problems] == ["row 1", "row 2"]


def test_non_utf8_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(HEADER.encode("utf-8") + "é".encode("latin-1"))
    with pytest.raises(RecordError, match="not UTF-8"):
        parse_report(path)
