"""``/stats``: the corpus at a glance, from the named questions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from geokg.api.deps import ReaderDep
from geokg.api.models import Stats
from geokg.read.stats import stats as corpus_stats

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=Stats, summary="Counts per method family, data type, purpose, year, journal; matrix; co-occurrence")
def stats(reader: ReaderDep) -> dict[str, Any]:
    """Every count includes narrower concepts: a paper using bootstrap counts for resampling and 4.1."""
    return corpus_stats(reader)
