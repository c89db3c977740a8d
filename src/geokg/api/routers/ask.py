"""``/ask``: a question in English or Chinese, answered by a facet search it shows you."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from geokg.api.deps import ReaderDep
from geokg.api.models import AskAnswer
from geokg.read.ask import ask as answer

router = APIRouter(tags=["ask"])


@router.get("/ask", response_model=AskAnswer, summary="Ask in English or Chinese")
def ask(reader: ReaderDep,
        q: Annotated[str, Query(min_length=1, max_length=300, examples=["which papers use bootstrap uncertainty on satellite data",
                                                                         "哪些论文用机器学习研究冰川?"])]) -> dict[str, Any]:
    """Finds the methods, purposes, data types, processes and years the question names, runs the
    matching facet search, and returns the answer with what it understood, the SPARQL it ran and
    the words it ignored, so the question can be corrected."""
    return answer(reader, q)
