"""Coverage of the records against the report: per paper, what the report's row describes and what is recorded.

Usage: .venv/bin/python bench/coverage.py [REPORT] [--loaders DIR] [--json FILE] [--gaps]

The "described" side is parsed from the report's appendix row with the importer
(``geokg.ingest.report_table``), never typed by hand:

- method items: the enumerated items (``**1. …**``) of the methods cell;
- named methods: method and technique concepts whose labels (English or Chinese, altLabels
  included) occur in the methods cell or in the key-techniques part of the summary cell;
- data items: the enumerated items of the data cell;
- named sources: the entries of the data cell's ``来源`` (source) fields, split at list separators.

The "recorded" side is the record: method applications (and their distinct methods), and the
datasets it uses or lists (application inputs plus ``other_datasets``). A named method counts as
recorded when the record applies it or a concept above or below it. ``--gaps`` lists, per paper,
the named methods not recorded, so the next gap is visible. Totals close the report.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from geokg import resources  # noqa: E402
from geokg.ingest.report_table import label_index, parse_report, tag  # noqa: E402
from geokg.model.corpus import read_corpus  # noqa: E402
from geokg.model.ontology import concept_index, read_ontology  # noqa: E402

_ITEM = re.compile(r"\*\*\s*\d{1,2}\s*[.．、]")
_SOURCE = re.compile(r"\*\*\s*来源\s*\*\*\s*[：:](?P<text>.*?)(?=\*\*|$)")
_SEPARATORS = re.compile(r"[、,，;；/]|\band\b|和|及")
_KEY_TECHNIQUES = re.compile(r"关键技术\s*\**\s*[：:](?P<text>.*?)(?=\*\*[^*]{1,12}[：:]|$)")


@dataclass
class PaperCoverage:
    id: str
    row: int
    method_items: int
    named_methods: list[str]
    recorded_applications: int
    recorded_methods: int
    named_recorded: list[str]
    data_items: int
    named_sources: int
    recorded_datasets: int
    missing_methods: list[str] = field(default_factory=list)


def named_sources(data_cell: str) -> int:
    """How many sources the data cell names in its 来源 fields (a list counts each entry)."""
    count = 0
    for match in _SOURCE.finditer(data_cell):
        parts = [p.strip(" ：:（）()") for p in _SEPARATORS.split(match["text"])]
        count += sum(1 for p in parts if len(p) >= 2)
    return count


def default_report() -> Path:
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        path = base / "seeds" / "000_aa391dd1f89d3a0a.txt"
        if path.is_file():
            return path
    raise SystemExit("give the report file: the default shared/seeds/000_aa391dd1f89d3a0a.txt is not beside the checkout")


def coverage(report: Path, loaders: Path | None = None) -> list[PaperCoverage]:
    ontology = read_ontology()
    index = concept_index(ontology)
    labels = label_index(ontology)
    vocabulary = labels["method"] + labels["technique"]
    vocabulary.sort(key=lambda p: -len(p[0]))
    records = {r.id: r for r in read_corpus(loaders or resources.loaders_dir(), index).papers.values()}
    out = []
    for draft in parse_report(report, ontology):
        record = records.get(draft.id)
        if record is None:
            continue
        cells = draft.cells
        key = _KEY_TECHNIQUES.search(cells["summary"])
        named = tag(cells["methods"] + " " + (key["text"] if key else ""), vocabulary)
        # Family concepts (the report's 4.x headings) name a kind, not a method use.
        named = [c for c in named if c not in index.tops["method"]]
        used = {m.method for m in record.method_applications}
        near = set().union(*(index.ancestors(m) for m in used)) if used else set()
        recorded = [c for c in named if c in near or any(c in index.ancestors(m) or m in index.ancestors(c) for m in used)]
        datasets = record.datasets + [u.dataset for u in record.other_datasets]
        out.append(PaperCoverage(
            id=record.id, row=draft.row,
            method_items=len(_ITEM.findall(cells["methods"])), named_methods=named,
            recorded_applications=len(record.method_applications), recorded_methods=len(used),
            named_recorded=recorded,
            data_items=len(_ITEM.findall(cells["data"])), named_sources=named_sources(cells["data"]),
            recorded_datasets=len(dict.fromkeys(datasets)),
            missing_methods=[c for c in named if c not in recorded],
        ))
    return out


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def print_table(rows: list[PaperCoverage], gaps: bool) -> None:
    head = ("paper", "row", "meth.items", "named", "named rec.", "applications", "methods",
            "data items", "sources", "datasets")
    print("\t".join(head))
    for r in rows:
        print("\t".join(str(v) for v in (r.id, r.row, r.method_items, len(r.named_methods), len(r.named_recorded),
                                          r.recorded_applications, r.recorded_methods, r.data_items,
                                          r.named_sources, r.recorded_datasets)))
        if gaps and r.missing_methods:
            print(f"\t  named in the row, not recorded: {', '.join(r.missing_methods)}")
    named = sum(len(r.named_methods) for r in rows)
    named_rec = sum(len(r.named_recorded) for r in rows)
    sources = sum(r.named_sources for r in rows)
    datasets = sum(r.recorded_datasets for r in rows)
    print()
    print(f"papers: {len(rows)}")
    print(f"method uses: {sum(r.recorded_applications for r in rows)} applications recorded "
          f"({sum(r.recorded_methods for r in rows)} distinct methods per paper, summed) "
          f"for {sum(r.method_items for r in rows)} enumerated method items")
    print(f"named methods: {named_rec} of {named} recorded ({ratio(named_rec, named)})")
    print(f"datasets: {datasets} recorded for {sources} named sources in {sum(r.data_items for r in rows)} "
          f"enumerated data items ({ratio(min(datasets, sources), sources)} of the named sources' count)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, default=None)
    parser.add_argument("--loaders", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the per-paper figures as JSON")
    parser.add_argument("--gaps", action="store_true", help="list the named methods each record lacks")
    args = parser.parse_args(argv)
    rows = coverage(args.report or default_report(), args.loaders)
    print_table(rows, args.gaps)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
