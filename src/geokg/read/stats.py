"""The corpus at a glance: counts per method family, data type, purpose, year and journal.

The counts come from the side index, kept as papers are written; the rows have the shape of the
named questions they summarise (``method-usage-by-family``, ``papers-per-year-and-journal``, …),
and the tests check they give the same numbers.
"""

from __future__ import annotations

from typing import Any

from geokg.model.vocab import SCHEME
from geokg.read.concepts import section_key
from geokg.read.context import Reader
from geokg.read.figures import method_pairs

#: The strongest method pairs /stats lists (the figure route pages through any number).
TOP_PAIRS = 100


def _label(reader: Reader, cid: str) -> str:
    c = reader.concepts.concepts.get(cid)
    return c.labels.get("en", cid) if c else cid


def per_top_concept(reader: Reader, key: str) -> list[dict[str, Any]]:
    """Papers per top concept of a scheme (narrower concepts included)."""
    counts = reader.index.counts(f"{SCHEME[key].facet}:")
    out = [{"concept": c, "label": _label(reader, c), "papers": counts.get(c, 0)} for c in reader.context.tops.get(key, ())]
    return sorted(out, key=lambda r: (-r["papers"], r["concept"]))


def _notation(reader: Reader, cid: str) -> str:
    c = reader.concepts.concepts.get(cid)
    return c.notation if c and c.notation else ""


def method_families(reader: Reader) -> list[dict[str, Any]]:
    """Papers and method applications per method family (as ``method-usage-by-family``)."""
    papers = reader.index.counts("method:")
    applications = reader.index.counts("family-applications:")
    rows = [{"section": _notation(reader, f), "family": _label(reader, f), "papers": papers.get(f, 0),
             "applications": applications.get(f, 0)} for f in reader.context.tops.get("method", ())]
    return sorted(rows, key=lambda r: section_key(r["section"]))


def family_by_data_type(reader: Reader) -> list[dict[str, Any]]:
    """Papers applying a family's methods to a top data type (as ``method-family-by-data-type``)."""
    rows = []
    for key, n in reader.index.counts("family-type:").items():
        family, _, data_type = key.partition("|")
        rows.append({"section": _notation(reader, family), "family": _label(reader, family), "dataType": _label(reader, data_type),
                     "papers": n})
    return sorted(rows, key=lambda r: (section_key(r["section"]), r["dataType"]))


def per_year_and_journal(reader: Reader) -> list[dict[str, Any]]:
    """Papers per year and journal (as ``papers-per-year-and-journal``)."""
    names = reader.index.journal_names()
    rows = []
    for key, n in reader.index.counts("year-journal:").items():
        year, _, journal = key.partition("|")
        rows.append({"year": int(year), "journal": names.get(journal, journal), "papers": n})
    return sorted(rows, key=lambda r: (r["year"], r["journal"]))


def report_categories(reader: Reader) -> list[dict[str, Any]]:
    """Papers the report lists under each category, and papers the graph derives for it (as ``report-category-coverage``)."""
    asserted, derived = reader.index.counts("section:"), reader.index.counts("derived_section:")
    rows = [{"section": c.notation, "category": c.labels.get("en", c.id), "asserted": asserted.get(c.id, 0), "derived": derived.get(c.id, 0)}
            for c in reader.concepts.concepts.values() if c.notation]
    return sorted(rows, key=lambda r: section_key(r["section"]))


def stats(reader: Reader) -> dict[str, Any]:
    """Every count includes narrower concepts: a paper using bootstrap counts for resampling and 4.1."""
    pairs, strongest = method_pairs(reader, 2, TOP_PAIRS)
    return {
        "papers": reader.index.count("papers"),
        "method_families": method_families(reader),
        "data_types": per_top_concept(reader, "data-type"),
        "purposes": per_top_concept(reader, "purpose"),
        "per_year_and_journal": per_year_and_journal(reader),
        "family_by_data_type": family_by_data_type(reader),
        "method_cooccurrence": [{"methodA": _label(reader, a), "methodB": _label(reader, b), "papers": n}
                                for a, b, n in strongest],
        "method_pairs": pairs,
        "report_categories": report_categories(reader),
    }


def counts(reader: Reader) -> dict[str, int]:
    """How many papers, method applications, methods and datasets the store holds (the home page)."""
    return {"papers": reader.index.count("papers"), "applications": reader.index.count("applications"),
            "methods": len(reader.index.counts("method-direct:")), "datasets": len(reader.index.counts("dataset:"))}
