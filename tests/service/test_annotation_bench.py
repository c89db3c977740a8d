"""The annotation benchmark's ground rules (bench/annotation.py): the held-out papers are the committed
ones, scores come from the report's real cells, and no hand-written term was read in a held-out paper."""

from __future__ import annotations

from pathlib import Path

import yaml

from geokg.annotate import default_annotator
from geokg.annotate.knowledge import TERMS_FILE


def test_benchmark_held_out_set_is_the_committed_one_and_scores_real_cells(report: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import annotation as bench

    ids = [r.id for r in corpus.papers.values()]
    assert bench.held_out(ids) == [
        "s41561-023-01188-1", "s41561-024-01444-y", "s41561-025-01764-7", "s41586-024-08316-w", "s41586-025-08701-z",
        "s41586-025-08719-3", "s41586-025-09023-w", "s41586-025-09046-3", "s43247-025-02108-4", "s43247-025-02168-6",
        "science.adk3705"]
    records = {r.doi: r for r in corpus.papers.values()}
    drafts = [d for d in bench.parse_report(report) if records[d.doi].id == "s41561-025-01747-8"]
    types = {d.id: list(d.data_types) for d in corpus.catalogue.datasets.values()}
    run = bench.evaluate("a", [(drafts[0], records[drafts[0].doi], True)], default_annotator(), types)
    gold = bench.gold_concepts(records[drafts[0].doi], default_annotator().knowledge, types)
    assert run.concepts.tp + run.concepts.fn == len(gold) and ("method", "elastic-net") in gold
    missed = {(m["kind"], m["id"]) for m in run.misses}
    assert missed <= gold and len(missed) == run.concepts.fn
    assert ("method", "elastic-net") not in missed  # the methods cell names it (弹性网络回归): found


def test_no_hand_written_term_comes_from_the_held_out_papers(report: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    """The held-out exclusion is real for the term list too: a term that occurs in the held-out papers'
    texts (report cells, record texts and notes) and in no tuning paper's could only have been read there."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import annotation as bench

    hold = set(bench.held_out([r.id for r in corpus.papers.values()]))
    texts = {r.id: " ".join([r.summary.en, r.summary.zh or "", r.research_question.en, r.research_question.zh or "",
                             *(f.en for f in r.findings), *(f.zh or "" for f in r.findings),
                             *(ma.note or "" for ma in r.method_applications)]).casefold() for r in corpus.papers.values()}
    records = {r.doi: r for r in corpus.papers.values()}
    for draft in bench.parse_report(report):
        texts[records[draft.doi].id] += " " + " ".join(s.text for s in bench.cell_document(draft, True).sections).casefold()
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    leaked = []
    for kind in ("method", "purpose", "data type", "process", "dataset", "misleading"):
        for cid, surfaces in (data.get(kind) or {}).items():
            for surface in surfaces:
                where = {p for p, text in texts.items() if surface.casefold() in text}
                if where and where <= hold:
                    leaked.append(f"{kind}.{cid}: {surface} (only in {', '.join(sorted(where))})")
    assert not leaked, "\n".join(leaked)
