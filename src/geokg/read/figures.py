"""The data behind each chart of the web pages, shaped for drawing.

Counts come from the store; labels (English and Chinese) from the concept index, so a chart can
switch language without asking again. Every count includes narrower concepts.
"""

from __future__ import annotations

from typing import Any

from geokg.model.vocab import SCHEME, concept_id
from geokg.read.concepts import section_key
from geokg.read.context import Reader
from geokg.read.papers import paper_details, paper_for_doi
from geokg.store.sparql import iri

_METHODS, _DATA_TYPES, _FOCUS = (iri(str(SCHEME[k].iri)) for k in ("method", "data-type", "research-focus"))


def _concept(reader: Reader, cid: str) -> dict[str, Any]:
    c = reader.concepts.concepts.get(cid)
    labels = c.labels if c else {}
    return {"id": cid, "label_en": labels.get("en", cid), "label_zh": labels.get("zh", cid),
            "notation": c.notation if c and c.notation else None}


def family_by_data_type(reader: Reader) -> dict[str, Any]:
    """Heatmap: papers per method family (4.1-4.10) and top data type."""
    # Small concept closures joined once (as in queries/method-family-by-data-type.rq): 4x faster at 10k papers.
    found = reader.select(f"""SELECT ?family ?type (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        ?paper geodm:hasMethodApplication ?ma . ?ma geodm:method ?m ; geodm:input ?d .
        {{ SELECT ?m ?family WHERE {{ ?family skos:topConceptOf {_METHODS} . ?m skos:broader* ?family }} }}
        {{ SELECT DISTINCT ?d ?type WHERE {{ ?type skos:topConceptOf {_DATA_TYPES} . ?t skos:broader* ?type . ?d geodm:dataType ?t }} }}
    }} GROUP BY ?family ?type""")
    tops = reader.select(f"SELECT ?c ?scheme WHERE {{ VALUES ?scheme {{ {_METHODS} {_DATA_TYPES} }} ?c skos:topConceptOf ?scheme }}")
    families = sorted((_concept(reader, concept_id(t["c"])) for t in tops if t["scheme"] == str(SCHEME["method"].iri)),
                      key=lambda c: section_key(c["notation"]))
    types = sorted((_concept(reader, concept_id(t["c"])) for t in tops if t["scheme"] == str(SCHEME["data-type"].iri)),
                   key=lambda c: c["label_en"])
    cells = sorted(({"row": concept_id(r["family"]), "column": concept_id(r["type"]), "papers": r["papers"]} for r in found),
                   key=lambda c: (c["row"], c["column"]))
    return {"rows": families, "columns": types, "cells": cells}


def per_year_by_focus(reader: Reader) -> dict[str, Any]:
    """Papers per year and research focus. A paper counts for a focus the report lists it under or the
    graph derives from its methods and data; a paper can have several foci, so the series are not stacked."""
    found = reader.select(f"""SELECT ?focus ?year (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        ?focus skos:topConceptOf {_FOCUS} .
        ?paper geodm:listedUnder|geodm:derivedCategory ?focus ; dcterms:issued ?issued .
        BIND(YEAR(?issued) AS ?year)
    }} GROUP BY ?focus ?year""")
    totals = reader.select("""SELECT ?year (COUNT(?paper) AS ?papers) WHERE {
        ?paper a geodm:Paper ; dcterms:issued ?issued . BIND(YEAR(?issued) AS ?year) } GROUP BY ?year ORDER BY ?year""")
    foci = reader.select(f"SELECT ?c WHERE {{ ?c skos:topConceptOf {_FOCUS} }}")
    years = [t["year"] for t in totals]
    counts = {(concept_id(r["focus"]), r["year"]): r["papers"] for r in found}
    series = [{**c, "papers": [counts.get((c["id"], y), 0) for y in years]}
              for c in sorted((_concept(reader, concept_id(f["c"])) for f in foci), key=lambda c: section_key(c["notation"]))]
    return {"years": years, "papers": [t["papers"] for t in totals], "series": series}


def cooccurrence(reader: Reader, min_papers: int = 2, top: int = 60) -> dict[str, Any]:
    """Network: methods applied in the same papers. A large graph has thousands of pairs; the
    strongest ``top`` make a readable picture."""
    pairs = reader.select(f"""SELECT ?a ?b (COUNT(?paper) AS ?papers) WHERE {{
        {{ SELECT DISTINCT ?paper ?a WHERE {{ ?paper geodm:hasMethodApplication/geodm:method ?a }} }}
        {{ SELECT DISTINCT ?paper ?b WHERE {{ ?paper geodm:hasMethodApplication/geodm:method ?b }} }}
        FILTER(STR(?a) < STR(?b))
    }} GROUP BY ?a ?b HAVING (COUNT(?paper) >= {int(min_papers)}) ORDER BY DESC(?papers) ?a ?b LIMIT {int(top)}""")
    methods = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    if not methods:
        return {"nodes": [], "edges": []}
    values = " ".join(iri(m) for m in methods)
    usage = {concept_id(r["m"]): r["papers"] for r in reader.select(f"""SELECT ?m (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        VALUES ?m {{ {values} }} ?paper geodm:hasMethodApplication/geodm:method ?m }} GROUP BY ?m""")}
    family = {concept_id(r["m"]): concept_id(r["f"]) for r in reader.select(f"""SELECT ?m ?f WHERE {{
        VALUES ?m {{ {values} }} ?m skos:broader* ?f . ?f skos:topConceptOf {_METHODS} }}""")}
    nodes = [{**_concept(reader, concept_id(m)), "papers": usage.get(concept_id(m), 0), "family": family.get(concept_id(m))}
             for m in methods]
    edges = sorted(({"source": concept_id(p["a"]), "target": concept_id(p["b"]), "papers": p["papers"]} for p in pairs),
                   key=lambda e: (-e["papers"], e["source"], e["target"]))
    return {"nodes": nodes, "edges": edges}


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
        values = " ".join(iri(n) for n in sorted(linked))
        others = reader.select(f"""SELECT ?other ?doi ?title (GROUP_CONCAT(STR(?x); SEPARATOR=" ") AS ?shared)
            (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            VALUES ?x {{ {values} }}
            ?other geodm:hasMethodApplication/geodm:method|geodm:usesDataset|geodm:studiesProcess ?x .
            FILTER(?other != {iri(paper)})
            ?other prism:doi ?doi ; dcterms:title ?title . FILTER(LANG(?title) = "en")
        }} GROUP BY ?other ?doi ?title HAVING (COUNT(DISTINCT ?x) >= 2) ORDER BY DESC(?n) ?doi LIMIT {int(related)}""")
        for other in others:
            nodes.append({"id": other["other"], "kind": "related-paper", "label_en": other["title"], "label_zh": other["title"],
                          "doi": other["doi"]})
            edges.extend({"source": other["other"], "target": x, "relation": "shares"} for x in sorted(set(other["shared"].split())))
    return {"nodes": nodes, "edges": edges}
