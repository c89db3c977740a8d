"""``/concepts``: lookup by label (English or Chinese) and everything about one concept."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from geokg.api.deps import ReaderDep
from geokg.api.models import ConceptDetail, ConceptHit
from geokg.model.vocab import SCHEME
from geokg.read import concepts

router = APIRouter(prefix="/concepts", tags=["concepts"])


@router.get("", response_model=list[ConceptHit], summary="Find concepts by label")
def search_concepts(
    reader: ReaderDep,
    q: Annotated[str | None, Query(max_length=200, description="a label in English or Chinese, any case", examples=["loocv", "留一交叉验证"])] = None,
    scheme: Annotated[str | None, Query(description=f"one of {', '.join(SCHEME)}")] = None,
    iri: Annotated[str | None, Query(max_length=500, description="an external IRI (STATO, Wikidata, …) to resolve through the mappings")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Matches prefLabels and altLabels in both languages, case- and accent-insensitively;
    abbreviations and close spellings are ranked below exact labels."""
    if iri is not None:
        return concepts.resolve_external(reader, iri)
    return concepts.search(reader, q or "", scheme, limit)


@router.get("/{concept_id}", response_model=ConceptDetail, summary="One concept, its neighbours and its papers")
def get_concept(reader: ReaderDep, concept_id: str, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    """Labels, definition, broader and narrower concepts, external matches, and a page of the papers
    that use the concept or any narrower one (with their total)."""
    return concepts.detail(reader, concept_id, page, per_page)
