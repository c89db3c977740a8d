"""``/papers``, ``/papers/{doi}``, ``/compare``, ``/datasets``, ``/processes``, ``/journals``."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from geokg.api.deps import ReaderDep
from geokg.api.models import CompareTable, DatasetEntry, JournalEntry, PaperDetail, PaperPage, ProcessEntry
from geokg.api.negotiation import choose
from geokg.read import catalogue, search
from geokg.read.papers import COMPARE_COLUMNS, compare_row, paper_for_doi, paper_json
from geokg.read.papers import compare as compare_papers

router = APIRouter(tags=["papers"])


def _filters_model() -> type[BaseModel]:
    """The query parameters of ``/papers``: one list per facet of :data:`geokg.read.search.FACETS`."""
    facets: dict[str, Any] = {name: (list[str], Field(default_factory=list, description=f.description + "; repeat to require several"))
                              for name, f in search.FACETS.items()}
    return create_model(
        "PaperFilters", **facets,
        year_from=(int | None, Field(None, ge=1000, le=3000)), year_to=(int | None, Field(None, ge=1000, le=3000)),
        q=(str | None, Field(None, max_length=200, description="words in titles, summaries, questions or findings")),
        page=(int, Field(1, ge=1, le=10_000)), per_page=(int, Field(20, ge=1, le=200)),
        sort=(str, Field("newest", description=f"one of {', '.join(search.SORTS)} (relevance needs q)")),
    )


if TYPE_CHECKING:
    PaperFilters = BaseModel
else:
    PaperFilters = _filters_model()


@router.get("/papers", response_model=PaperPage, summary="Search papers by facets and text")
def list_papers(reader: ReaderDep, filters: Annotated[PaperFilters, Query()]) -> dict[str, Any]:
    """Papers matching every facet given (each concept facet includes narrower concepts), newest first
    (ties by IRI, so pages are stable), with the total."""
    given = filters.model_dump()
    found = search.build(reader, {name: given[name] for name in search.FACETS if given[name]},
                         given["year_from"], given["year_to"], given["q"])
    return search.page(reader, found, given["page"], given["per_page"], given["sort"])


@router.get("/papers/{doi:path}", response_model=PaperDetail, summary="Everything the graph knows about one paper")
def get_paper(reader: ReaderDep, doi: str) -> Response:
    """By DOI (e.g. 10.1038/s41561-024-01517-y): question, method applications, datasets with types,
    processes, findings, the report's and the derived classification, provenance and corrections."""
    # The details already have the response model's shape (tests/unit/test_read.py checks it), so they
    # are sent as they are, kept as JSON: validating them again would cost more than finding them.
    return Response(paper_json(reader, *paper_for_doi(reader, doi)), media_type="application/json")


@router.get("/compare", response_model=CompareTable, summary="Papers side by side (JSON or CSV)",
            responses={200: {"content": {"text/csv": {}}}})
def compare(request: Request, reader: ReaderDep,
            doi: Annotated[list[str], Query(min_length=2, max_length=10, description="two to ten DOIs")]) -> Response:
    """One row per paper: question, methods with purposes, datasets with types, processes,
    findings. ``Accept: text/csv`` (or ``?format=csv``) gives CSV."""
    papers = [compare_row(p) for p in compare_papers(reader, list(dict.fromkeys(doi)))]
    wants_csv = request.query_params.get("format") == "csv" or choose(request.headers.get("accept"), ["application/json", "text/csv"]) == "text/csv"
    if wants_csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COMPARE_COLUMNS)
        writer.writeheader()
        writer.writerows(papers)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")
    return Response(json.dumps({"columns": COMPARE_COLUMNS, "papers": papers}, ensure_ascii=False), media_type="application/json")


@router.get("/datasets", response_model=list[DatasetEntry], summary="Catalogued datasets with their data types and use")
def list_datasets(reader: ReaderDep) -> list[dict[str, Any]]:
    return catalogue.datasets(reader)


@router.get("/processes", response_model=list[ProcessEntry],
            summary="Natural processes and how many papers study each (narrower included)")
def list_processes(reader: ReaderDep) -> list[dict[str, Any]]:
    return catalogue.processes(reader)


@router.get("/journals", response_model=list[JournalEntry], summary="Journals and how many papers each has")
def list_journals(reader: ReaderDep) -> list[dict[str, Any]]:
    return catalogue.journals(reader)
