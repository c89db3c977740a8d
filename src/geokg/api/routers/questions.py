"""``/questions``: the named questions of ``queries/``, run with bound, type-checked parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from geokg.api.deps import ReaderDep
from geokg.api.models import QuestionAnswer, QuestionInfo
from geokg.read.questions import questions, run

router = APIRouter(prefix="/questions", tags=["questions"])


@router.get("", response_model=list[QuestionInfo], summary="The named questions and their parameters")
def list_questions() -> list[dict[str, Any]]:
    return [{"name": q.name, "title": q.title, "description": q.description, "returns": list(q.returns),
             "params": [{"name": p.name, "type": p.type, "default": p.default} for p in q.params]}
            for q in questions().values()]


@router.get("/{name}", response_model=QuestionAnswer, summary="Run a named question")
def run_question(request: Request, reader: ReaderDep, name: str) -> dict[str, Any]:
    """Query parameters bind the question's parameters (checked against their declared types,
    written as terms, never pasted into the query text)."""
    return run(reader, name, dict(request.query_params))
