"""``/questions``: the named questions of ``queries/``, run with bound, type-checked parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.results import rows
from geokg.errors import QueryError
from geokg.ontology import default_index
from geokg.questions import bind, questions
from geokg.to_rdf import Iris

router = APIRouter(prefix="/questions", tags=["questions"])


@router.get("", summary="The named questions and their parameters")
def list_questions() -> list[dict[str, Any]]:
    return [{"name": q.name, "title": q.title, "description": q.description, "returns": list(q.returns),
             "params": [{"name": p.name, "type": p.type, "default": p.default} for p in q.params]}
            for q in questions().values()]


@router.get("/{name}", summary="Run a named question")
def run_question(request: Request, store: StoreDep, name: str) -> dict[str, Any]:
    """Query parameters bind the question's parameters (checked against their declared types,
    written as terms, never pasted into the query text)."""
    question = questions().get(name)
    if question is None:
        raise ProtocolError(404, f"no question {name!r}; see /questions")
    values = dict(request.query_params)
    try:
        text = bind(question, values, default_index(), Iris(request.app.state.settings.base_iri))
    except QueryError as exc:
        raise ProtocolError(422, str(exc)) from None
    return {"name": name, "title": question.title, "params": {p.name: values.get(p.name, p.default) for p in question.params},
            "rows": rows(store.query(text))}
