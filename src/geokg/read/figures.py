"""The data behind each chart of the web pages, shaped for drawing.

Counts come from the side index, which keeps them as papers are written (so a chart costs the same
at 35 papers and at 100,000); labels (English and Chinese) from the concept index, so a chart can
switch language without asking again. Every count includes narrower concepts.
"""

from __future__ import annotations

from typing import Any

from geokg.index.keys import DIRECT_METHOD, DIRECT_PROCESS
from geokg.read.concepts import section_key
from geokg.read.context import Reader
from geokg.read.papers import paper_details, paper_for_doi


def concept_entry(reader: Reader, cid: str) -> dict[str, Any]:
    """A concept as charts label it (falling back to its id)."""
    c = reader.concepts.concepts.get(cid)
    labels = c.labels if c else {}
    return {"id": cid, "label_en": labels.get("en", cid), "label_zh": labels.get("zh", labels.get("en", cid)),
            "notation": c.notation if c and c.notation else None}


def _pair(key: str) -> tuple[str, str]:
    a, _, b = key.partition("|")
    return a, b


def family_by_data_type(reader: Reader) -> dict[str, Any]:
    """Heatmap: papers per method family (4.1-4.10) and top data type."""
    tops = reader.context.tops
    families = sorted((concept_entry(reader, f) for f in tops.get("method", ())), key=lambda c: section_key(c["notation"]))
    types = sorted((concept_entry(reader, t) for t in tops.get("data-type", ())), key=lambda c: c["label_en"])
    cells = sorted(({"row": _pair(k)[0], "column": _pair(k)[1], "papers": n} for k, n in reader.index.counts("family-type:").items()),
                   key=lambda c: (c["row"], c["column"]))
    return {"rows": families, "columns": types, "cells": cells}


def per_year_by_focus(reader: Reader) -> dict[str, Any]:
    """Papers per year and research focus. A paper counts for a focus the report lists it under or the
    graph derives from its methods and data; a paper can have several foci, so the series are not stacked."""
    totals = {int(y): n for y, n in reader.index.counts("year:").items()}
    years = sorted(totals)
    counts = {(_pair(k)[0], int(_pair(k)[1])): n for k, n in reader.index.counts("focus-year:").items()}
    foci = sorted((concept_entry(reader, f) for f in reader.context.tops.get("research-focus", ())), key=lambda c: section_key(c["notation"]))
    series = [{**c, "papers": [counts.get((c["id"], y), 0) for y in years]} for c in foci]
    return {"years": years, "papers": [totals[y] for y in years], "series": series}


def method_pairs(reader: Reader, min_papers: int = 2, top: int | None = None) -> tuple[int, list[tuple[str, str, int]]]:
    """How many pairs of methods are applied in the same ``min_papers`` papers, and the ``top`` most
    shared of them (all without ``top``), most shared first (ties by id)."""
    total, found = reader.index.top_counts("pair:", min_papers, top)
    pairs = sorted(((*_pair(k), n) for k, n in found), key=lambda p: (-p[2], p[0], p[1]))
    return total, pairs[:top] if top is not None else pairs


def cooccurrence(reader: Reader, min_papers: int = 2, top: int = 60) -> dict[str, Any]:
    """Network: methods applied in the same papers. A large graph has thousands of pairs; the
    strongest ``top`` make a readable picture."""
    pairs = method_pairs(reader, min_papers, top)[1]
    methods = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs})
    usage = reader.index.counts("method-direct:")
    families = reader.context.tops.get("method", frozenset())
    nodes = [{**concept_entry(reader, m), "papers": usage.get(m, 0),
              "family": next(iter(sorted(reader.context.closure([m]) & families)), None)} for m in methods]
    edges = [{"source": a, "target": b, "papers": n} for a, b, n in pairs]
    # the families the node colours stand for, labelled, in section order (the chart's legend)
    legend = sorted((concept_entry(reader, f) for f in {n["family"] for n in nodes if n["family"]}), key=lambda c: section_key(c["notation"]))
    return {"nodes": nodes, "edges": edges, "families": legend}


def neighbourhood(reader: Reader, doi: str, related: int = 5) -> dict[str, Any]:
    """Graph: one paper, its methods, datasets, processes, and related papers (sharing at least two of them)."""
    paper, graph = paper_for_doi(reader, doi)
    details = paper_details(reader, paper, graph)
    title = details["title"]
    nodes: list[dict[str, Any]] = [{"id": paper, "kind": "paper", "label_en": title.get("en"),
                                    "label_zh": title.get("zh", title.get("en")), "doi": details["doi"]}]
    edges: list[dict[str, str]] = []
    linked: set[str] = set()

    def add(node_iri: str, kind: str, en: str | None, zh: str | None, relation: str) -> None:
        if node_iri not in linked:
            linked.add(node_iri)
            nodes.append({"id": node_iri, "kind": kind, "label_en": en, "label_zh": zh or en})
            edges.append({"source": paper, "target": node_iri, "relation": relation})

    for application in details["method_applications"]:
        m = application["method"]
        add(m["iri"], "method", m["label_en"], m["label_zh"], "uses method")
    for d in details["datasets"]:
        add(d["iri"], "dataset", d["name"], d["name"], "uses dataset")
    for x in details["processes"]:
        add(x["iri"], "process", x["label_en"], x["label_zh"], "studies")
    if related and linked:
        # Papers sharing two of these, from the side index's keys of what each paper names itself.
        keys = {f"{DIRECT_METHOD}{a['method']['id']}": a["method"]["iri"] for a in details["method_applications"]}
        keys |= {f"dataset:{d['id']}": d["iri"] for d in details["datasets"]}
        keys |= {f"{DIRECT_PROCESS}{x['id']}": x["iri"] for x in details["processes"]}
        for other, other_doi, other_title, shared in reader.index.related(sorted(keys), paper, 2, related):
            nodes.append({"id": other, "kind": "related-paper", "label_en": other_title, "label_zh": other_title, "doi": other_doi})
            edges.extend({"source": other, "target": keys[k], "relation": "shares"} for k in shared)
    return {"nodes": nodes, "edges": edges}
