"""The search page: results with snippets, filters with counts, sort and pages, and what to try when
nothing matches (see :mod:`geokg.read.explore`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from geokg.errors import InvalidInput
from geokg.model.ontology import default_index
from geokg.read import concepts
from geokg.read.explore import Query as Search
from geokg.read.explore import explore
from geokg.read.questions import bind, questions
from geokg.read.search import FACETS, SORTS
from geokg.store.results import rows
from geokg.web.i18n import query_language
from geokg.web.localise import localise
from geokg.web.pages import reader_of, render

router = APIRouter(include_in_schema=False)
#: The named question a method + purpose + data-type search is compared with (one application holding all three).
STRICT_QUESTION = "papers-by-method-purpose-datatype"


def _params(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k != "page"]


def _href(params: list[tuple[str, str]], **change: Any) -> str:
    """This search with some parameters changed (a value of None removes it)."""
    kept = [(k, v) for k, v in params if k not in change]
    for k, v in change.items():
        if v is not None:
            kept += [(k, str(x)) for x in (v if isinstance(v, list) else [v])]
    return "/search?" + urlencode(kept)


def _toggle(params: list[tuple[str, str]], facet: str, value: str) -> str:
    """This search with one filter value added, or removed when it is there."""
    if (facet, value) in params:
        return "/search?" + urlencode([p for p in params if p != (facet, value)])
    return "/search?" + urlencode([*params, (facet, value)])


def _chosen_label(request: Request, facet: str, value: str, lang: str) -> str:
    """A filter value as people read it: a concept's label, a catalogue name, a section with its title."""
    reader = reader_of(request)
    if facet in ("journal", "dataset"):
        return reader.index.names(facet).get(value, value)
    concepts_by_id = reader.concepts.concepts
    concept = concepts_by_id.get(value) or next((c for c in concepts_by_id.values() if c.notation == value), None)
    if concept is None:
        return value
    name = concept.labels.get(lang) or concept.labels.get("en", value)
    return f"{concept.notation} {name}" if concept.notation else name


def _strict(request: Request, understood: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where the search names one method, purpose and data type: what the named question finds, which
    requires one method application to hold all three (the facets each hold somewhere in the paper)."""
    by_kind: dict[str, list[str]] = {}
    for u in understood:
        if u.get("id"):
            by_kind.setdefault(u["kind"], []).append(u["id"])
    if not all(len(by_kind.get(k, [])) == 1 for k in ("method", "purpose", "data-type")):
        return None
    values = {"method": by_kind["method"][0], "purpose": by_kind["purpose"][0], "dataType": by_kind["data-type"][0]}
    reader = reader_of(request)
    # A query over the store that grows with it: kept until the index (written with the store) changes.
    found = reader.index.memoised("strict", tuple(sorted(values.items())), lambda: len({r["paper"] for r in rows(reader.store.query(
        bind(questions()[STRICT_QUESTION], values, default_index(), reader.iris)))}))
    return {"papers": found, "href": "/editor?" + urlencode({"question": STRICT_QUESTION, **values, "run": 1})}


@router.get("/search", response_model=None)
def search_page(request: Request, q: Annotated[str, Query(max_length=300)] = "", sort: str = "newest",
                page: Annotated[int, Query(ge=1, le=10_000)] = 1, match: str = "all",
                year_from: Annotated[int | None, Query(ge=1000, le=3000)] = None,
                year_to: Annotated[int | None, Query(ge=1000, le=3000)] = None) -> Response:
    filters = {name: request.query_params.getlist(name) for name in FACETS if request.query_params.getlist(name)}
    if not q.strip() and not filters and year_from is None and year_to is None:
        return RedirectResponse("/", status_code=303)
    if sort not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}")
    reader = reader_of(request)
    lang = query_language(request, q)
    found = explore(reader, Search(q, filters, year_from, year_to, sort if sort != "relevance" or q else "newest", page,
                                   any_words=match == "any"))
    params = _params(request)
    results = found["results"]
    pages = max(1, -(-results["total"] // results["per_page"]))
    for group in found["groups"]:
        for value in group["values"]:
            value["href"] = _toggle(params, group["facet"], value["value"])
    return render(
        request, "search.html", lang=lang, q=q, found=found, sort=sort, sorts=SORTS, page=page, pages=pages,
        papers=localise(request, [{**p, "href": reader.iris.local(p["iri"])} for p in results["papers"]], lang),
        chosen=[{"facet": k, "value": _chosen_label(request, k, v, lang), "href": _toggle(params, k, v)} for k, vs in filters.items() for v in vs],
        prev_href=_href(params, page=page - 1) if page > 1 else None,
        next_href=_href(params, page=page + 1) if page < pages else None,
        sort_hrefs={s: _href(params, sort=s) for s in SORTS if s != "relevance" or found["text"]},
        year_hrefs={y: _href(params, year_from=y, year_to=y) for y, _ in found["years"]},
        any_href=_href(params, match="any"), concept_hrefs={},
        concepts=concepts.search(reader, q, None, 8) if q.strip() else [],
        strict=_strict(request, found["understood"]) if q.strip() else None,
        editor_href="/editor?" + urlencode({"query": found["sparql"]}))
