"""``/figures``: the data behind each chart of the web pages, shaped for drawing.

Counts come from the store; labels (English and Chinese) from the concept index, so a chart can
switch language without asking again. Every count includes narrower concepts.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.facets import PREFIXES
from geokg.api.papers_query import paper_details, paper_for_doi
from geokg.api.results import iri, rows
from geokg.api.routers.concepts import lookup
from geokg.lookup import CONCEPT_NS

router = APIRouter(prefix="/figures", tags=["figures"])


def _concept(request: Request, concept_id: str) -> dict[str, Any]:
    c = lookup(request).concepts.get(concept_id)
    labels = c.labels if c else {}
    return {"id": concept_id, "label_en": labels.get("en", concept_id), "label_zh": labels.get("zh", concept_id),
            "notation": c.notation if c and c.notation else None}


def _id(concept_iri: str) -> str:
    return concept_iri[len(CONCEPT_NS):]


def section_key(notation: str | None) -> tuple[int, ...]:
    """4.2 before 4.10: notations sort as numbers."""
    return tuple(int(x) for x in (notation or "0").split(".") if x.isdigit())


@router.get("/method-family-by-data-type", summary="Heatmap: papers per method family (4.1-4.10) and top data type")
def family_by_data_type(request: Request, store: StoreDep) -> dict[str, Any]:
    # Small concept closures joined once (as in queries/method-family-by-data-type.rq): 4x faster at 10k papers.
    found = rows(store.query(PREFIXES + """SELECT ?family ?type (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
        ?paper geodm:hasMethodApplication ?ma . ?ma geodm:method ?m ; geodm:input ?d .
        { SELECT ?m ?family WHERE { ?family skos:topConceptOf <https://w3id.org/geokg/concept/methods> . ?m skos:broader* ?family } }
        { SELECT DISTINCT ?d ?type WHERE { ?type skos:topConceptOf <https://w3id.org/geokg/concept/data-types> .
                                          ?t skos:broader* ?type . ?d geodm:dataType ?t } }
    } GROUP BY ?family ?type"""))
    tops = rows(store.query(PREFIXES + """SELECT ?c ?scheme WHERE {
        VALUES ?scheme { <https://w3id.org/geokg/concept/methods> <https://w3id.org/geokg/concept/data-types> }
        ?c skos:topConceptOf ?scheme }"""))
    families = sorted((_concept(request, _id(t["c"])) for t in tops if t["scheme"].endswith("/methods")),
                      key=lambda c: section_key(c["notation"]))
    types = sorted((_concept(request, _id(t["c"])) for t in tops if t["scheme"].endswith("/data-types")),
                   key=lambda c: c["label_en"])
    cells = sorted(({"row": _id(r["family"]), "column": _id(r["type"]), "papers": r["papers"]} for r in found),
                   key=lambda c: (c["row"], c["column"]))
    return {"rows": families, "columns": types, "cells": cells}


@router.get("/papers-per-year-by-focus", summary="Papers per year and research focus (report sections 2.1-2.3)")
def per_year_by_focus(request: Request, store: StoreDep) -> dict[str, Any]:
    """A paper counts for a focus the report lists it under or the graph derives from its methods and data;
    a paper can have several foci, so the series are not stacked."""
    found = rows(store.query(PREFIXES + """SELECT ?focus ?year (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
        ?focus skos:topConceptOf <https://w3id.org/geokg/concept/research-focus> .
        ?paper geodm:listedUnder|geodm:derivedCategory ?focus ; dcterms:issued ?issued .
        BIND(YEAR(?issued) AS ?year)
    } GROUP BY ?focus ?year"""))
    totals = rows(store.query(PREFIXES + """SELECT ?year (COUNT(?paper) AS ?papers) WHERE {
        ?paper a geodm:Paper ; dcterms:issued ?issued . BIND(YEAR(?issued) AS ?year) } GROUP BY ?year ORDER BY ?year"""))
    foci = rows(store.query(PREFIXES + "SELECT ?c WHERE { ?c skos:topConceptOf <https://w3id.org/geokg/concept/research-focus> }"))
    years = [t["year"] for t in totals]
    counts = {(_id(r["focus"]), r["year"]): r["papers"] for r in found}
    series = [{**c, "papers": [counts.get((c["id"], y), 0) for y in years]}
              for c in sorted((_concept(request, _id(f["c"])) for f in foci), key=lambda c: section_key(c["notation"]))]
    return {"years": years, "papers": [t["papers"] for t in totals], "series": series}


@router.get("/method-cooccurrence", summary="Network: methods applied in the same papers")
def cooccurrence(request: Request, store: StoreDep,
                 min_papers: Annotated[int, Query(ge=1, le=1_000_000, description="keep pairs shared by at least this many papers")] = 2,
                 top: Annotated[int, Query(ge=1, le=500, description="keep at most this many pairs, the most shared first")] = 60,
                 ) -> dict[str, Any]:
    """A large graph has thousands of pairs; the strongest ``top`` make a readable picture."""
    pairs = rows(store.query(PREFIXES + f"""SELECT ?a ?b (COUNT(?paper) AS ?papers) WHERE {{
        {{ SELECT DISTINCT ?paper ?a WHERE {{ ?paper geodm:hasMethodApplication/geodm:method ?a }} }}
        {{ SELECT DISTINCT ?paper ?b WHERE {{ ?paper geodm:hasMethodApplication/geodm:method ?b }} }}
        FILTER(STR(?a) < STR(?b))
    }} GROUP BY ?a ?b HAVING (COUNT(?paper) >= {min_papers}) ORDER BY DESC(?papers) ?a ?b LIMIT {top}"""))
    methods = sorted({_id(p["a"]) for p in pairs} | {_id(p["b"]) for p in pairs})
    if not methods:
        return {"nodes": [], "edges": [], "families": []}
    values = " ".join(iri(CONCEPT_NS + m) for m in methods)
    usage = {_id(r["m"]): r["papers"] for r in rows(store.query(PREFIXES + f"""SELECT ?m (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        VALUES ?m {{ {values} }} ?paper geodm:hasMethodApplication/geodm:method ?m }} GROUP BY ?m"""))}
    family = {_id(r["m"]): _id(r["f"]) for r in rows(store.query(PREFIXES + f"""SELECT ?m ?f WHERE {{
        VALUES ?m {{ {values} }} ?m skos:broader* ?f . ?f skos:topConceptOf <https://w3id.org/geokg/concept/methods> }}"""))}
    nodes = [{**_concept(request, m), "papers": usage.get(m, 0), "family": family.get(m)} for m in methods]
    edges = sorted(({"source": _id(p["a"]), "target": _id(p["b"]), "papers": p["papers"]} for p in pairs),
                   key=lambda e: (-e["papers"], e["source"], e["target"]))
    # the families the node colours stand for, labelled, in section order (the chart's legend)
    families = sorted((_concept(request, f) for f in set(family.values())), key=lambda c: section_key(c["notation"]))
    return {"nodes": nodes, "edges": edges, "families": families}


@router.get("/paper-neighbourhood/{doi:path}", summary="Graph: one paper, its methods, datasets, processes and related papers")
def neighbourhood(request: Request, store: StoreDep, doi: str,
                  related: Annotated[int, Query(ge=0, le=20, description="at most this many related papers")] = 5) -> dict[str, Any]:
    """Related papers share at least two of the paper's methods, datasets or processes."""
    found = paper_for_doi(store, doi)
    if found is None:
        raise ProtocolError(404, f"no paper with DOI {doi}")
    paper = found[0]
    details = paper_details(store, *found)
    title = details["title"]
    nodes: list[dict[str, Any]] = [{"id": paper, "kind": "paper", "label_en": title.get("en"), "label_zh": title.get("zh", title.get("en")),
                                    "doi": details["doi"]}]
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
        others = rows(store.query(PREFIXES + f"""SELECT ?other ?doi ?title (GROUP_CONCAT(STR(?x); SEPARATOR=" ") AS ?shared)
            (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            VALUES ?x {{ {values} }}
            ?other geodm:hasMethodApplication/geodm:method|geodm:usesDataset|geodm:studiesProcess ?x .
            FILTER(?other != {iri(paper)})
            ?other prism:doi ?doi ; dcterms:title ?title . FILTER(LANG(?title) = "en")
        }} GROUP BY ?other ?doi ?title HAVING (COUNT(DISTINCT ?x) >= 2) ORDER BY DESC(?n) ?doi LIMIT {related}"""))
        for other in others:
            nodes.append({"id": other["other"], "kind": "related-paper", "label_en": other["title"], "label_zh": other["title"],
                          "doi": other["doi"]})
            edges.extend({"source": other["other"], "target": x, "relation": "shares"} for x in sorted(set(other["shared"].split())))
    return {"nodes": nodes, "edges": edges}
