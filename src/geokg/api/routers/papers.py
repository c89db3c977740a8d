"""``/papers``, ``/compare``, ``/datasets``, ``/processes``, ``/journals``."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.facets import PREFIXES, Search
from geokg.api.models import PaperPage, PaperSummary
from geokg.api.negotiation import choose
from geokg.api.papers_query import paper_details, paper_for_doi, summary
from geokg.api.routers.concepts import lookup
from geokg.api.results import rows
from geokg.lookup import CONCEPT_NS
from geokg.to_rdf import Iris

router = APIRouter(tags=["papers"])

Facet = Annotated[list[str], Query(description="concept id (narrower concepts included); repeat to require several")]
CatalogueId = Annotated[list[str], Query(description="id of the catalogue; repeat to require several")]
SECTIONS = {"2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", *(f"4.{i}" for i in range(1, 11))}


def _concepts(request: Request, facet: str, scheme: str, values: list[str]) -> list[str]:
    index = lookup(request)
    out = []
    for value in values:
        concept = index.concepts.get(value.removeprefix("gkc:").removeprefix(CONCEPT_NS))
        if concept is None or concept.scheme != scheme:
            raise ProtocolError(422, f"{facet}: {value!r} is not a concept of the {scheme} scheme (look it up with /concepts?q=)")
        out.append(concept.iri)
    return out


def _ids(facet: str, values: list[str], make: Any) -> list[str]:
    for value in values:
        if not value or not all(c.isalnum() or c in ".-" for c in value):
            raise ProtocolError(422, f"{facet}: {value!r} is not an id")
    return [str(make(v)) for v in values]


def build_search(request: Request, method: list[str], purpose: list[str], data_type: list[str], process: list[str],
                 dataset: list[str], journal: list[str], section: list[str], year_from: int | None, year_to: int | None,
                 q: str | None) -> Search:
    iris = Iris(request.app.state.settings.base_iri)
    index = lookup(request)
    for s in section:
        if s not in SECTIONS:
            raise ProtocolError(422, f"section: {s!r} is not a report section (2.1-2.3, 3.1-3.4, 4.1-4.10)")
    by_notation = {c.notation: c.iri for c in index.concepts.values() if c.notation}
    facets = {
        "method": _concepts(request, "method", "method", method),
        "purpose": _concepts(request, "purpose", "purpose", purpose),
        "data_type": _concepts(request, "data_type", "data-type", data_type),
        "process": _concepts(request, "process", "process", process),
        "dataset": _ids("dataset", dataset, iris.dataset),
        "journal": _ids("journal", journal, iris.journal),
        "section": [by_notation[s] for s in section],
    }
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ProtocolError(422, f"year_from {year_from} is after year_to {year_to}")
    return Search({k: v for k, v in facets.items() if v}, year_from, year_to, (q or "").strip() or None)


@router.get("/papers", response_model=PaperPage, summary="Search papers by facets and text")
def list_papers(
    request: Request, store: StoreDep,
    method: Facet = [], purpose: Facet = [], data_type: Facet = [], process: Facet = [],
    dataset: CatalogueId = [], journal: CatalogueId = [],
    section: Annotated[list[str], Query(description="report section as listed by the report, e.g. 4.2")] = [],
    year_from: Annotated[int | None, Query(ge=1000, le=3000)] = None,
    year_to: Annotated[int | None, Query(ge=1000, le=3000)] = None,
    q: Annotated[str | None, Query(max_length=200, description="words in titles, summaries, questions or findings")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> PaperPage:
    """Papers matching every facet given (each facet includes narrower concepts), newest first
    (ties by DOI, so pages are stable)."""
    search = build_search(request, method, purpose, data_type, process, dataset, journal, section, year_from, year_to, q)
    total = rows(store.query(search.count_query()))[0]["n"]
    found = rows(store.query(search.page_query(per_page, (page - 1) * per_page)))
    return PaperPage(total=total, page=page, per_page=per_page, papers=[PaperSummary(**summary(r)) for r in found])


@router.get("/papers/{doi:path}", summary="Everything the graph knows about one paper")
def get_paper(store: StoreDep, doi: str) -> dict[str, Any]:
    """By DOI (e.g. 10.1038/s41561-024-01517-y): question, method applications, datasets with types,
    processes, findings, the report's and the derived classification, provenance and corrections."""
    found = paper_for_doi(store, doi)
    if found is None:
        raise ProtocolError(404, f"no paper with DOI {doi}")
    return paper_details(store, *found)


COMPARE_COLUMNS = ("doi", "title", "journal", "issued", "question", "methods", "datasets", "processes", "findings")


def _compare_row(p: dict[str, Any]) -> dict[str, str]:
    return {
        "doi": p["doi"], "title": p["title"].get("en", ""), "journal": p["journal"] or "", "issued": p["issued"] or "",
        "question": p["research_question"].get("en", ""),
        "methods": "; ".join(f"{a['method']['label_en']} ({', '.join(x['label_en'] or x['id'] for x in a['purposes'])})"
                             for a in p["method_applications"]),
        "datasets": "; ".join(f"{d['name']} [{', '.join(t['label_en'] or t['id'] for t in d['data_types'])}]" for d in p["datasets"]),
        "processes": "; ".join(x["label_en"] or x["id"] for x in p["processes"]),
        "findings": " | ".join(f.get("en", "") for f in p["findings"]),
    }


@router.get("/compare", summary="Papers side by side (JSON or CSV)")
def compare(request: Request, store: StoreDep,
            doi: Annotated[list[str], Query(min_length=2, max_length=10, description="two to ten DOIs")]) -> Response:
    """One row per paper: question, methods with purposes, datasets with types, processes,
    findings. ``Accept: text/csv`` (or ``?format=csv``) gives CSV."""
    papers = []
    for d in doi:
        found = paper_for_doi(store, d)
        if found is None:
            raise ProtocolError(404, f"no paper with DOI {d}")
        papers.append(_compare_row(paper_details(store, *found)))
    wants_csv = request.query_params.get("format") == "csv" or choose(request.headers.get("accept"), ["application/json", "text/csv"]) == "text/csv"
    if wants_csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COMPARE_COLUMNS)
        writer.writeheader()
        writer.writerows(papers)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")
    import json

    return Response(json.dumps({"columns": COMPARE_COLUMNS, "papers": papers}, ensure_ascii=False), media_type="application/json")


@router.get("/datasets", summary="Catalogued datasets with their data types and use")
def list_datasets(store: StoreDep) -> list[dict[str, Any]]:
    found = rows(store.query(PREFIXES + """SELECT ?id ?name (GROUP_CONCAT(DISTINCT STRAFTER(STR(?t), "concept/"); SEPARATOR=" ") AS ?types)
        (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?d a geodm:Dataset ; dcterms:identifier ?id ; dcterms:title ?name ; geodm:dataType ?t . FILTER(LANG(?name) = "en")
          OPTIONAL { ?paper geodm:usesDataset ?d } } GROUP BY ?id ?name ORDER BY DESC(?papers) ?id"""))
    return [{"id": r["id"], "name": r["name"], "data_types": sorted(r["types"].split()), "papers": r["papers"]} for r in found]


@router.get("/processes", summary="Natural processes and how many papers study each (narrower included)")
def list_processes(request: Request, store: StoreDep) -> list[dict[str, Any]]:
    found = rows(store.query(PREFIXES + """SELECT ?x (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?x skos:inScheme <https://w3id.org/geokg/concept/processes> .
          OPTIONAL { ?y skos:broader* ?x . ?paper geodm:studiesProcess ?y } } GROUP BY ?x"""))
    index = lookup(request)
    out = []
    for r in found:
        c = index.concepts[r["x"][len(CONCEPT_NS):]]
        out.append({"id": c.id, "label_en": c.labels.get("en"), "label_zh": c.labels.get("zh"), "papers": r["papers"]})
    return sorted(out, key=lambda x: (-x["papers"], x["id"]))


@router.get("/journals", summary="Journals and their papers per year")
def list_journals(store: StoreDep) -> list[dict[str, Any]]:
    found = rows(store.query(PREFIXES + """SELECT ?j ?name ?issn (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?j a geodm:Journal ; dcterms:title ?name ; prism:issn ?issn . OPTIONAL { ?paper geodm:publishedIn ?j } }
          GROUP BY ?j ?name ?issn ORDER BY DESC(?papers) ?name"""))
    return [{"id": r["j"].rsplit("/", 1)[-1], "name": r["name"], "issn": r["issn"], "papers": r["papers"]} for r in found]
