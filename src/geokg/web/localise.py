"""What lists of papers show in the page's language: journal names instead of ids, and paper titles
in Chinese where the record has them (the REST read functions return English titles and journal ids)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from geokg.api.facets import PREFIXES
from geokg.api.results import literal, rows


def journal_names(request: Request) -> dict[str, str]:
    """Journal id → name, read once per app (the catalogue changes only with a reload)."""
    state = request.app.state
    if getattr(state, "journal_names", None) is None:
        found = rows(state.store.query(PREFIXES + "SELECT ?j ?name WHERE { ?j a geodm:Journal ; dcterms:title ?name }"))
        state.journal_names = {r["j"].rsplit("/", 1)[-1]: r["name"] for r in found}
    return state.journal_names  # type: ignore[no-any-return]


def titles(request: Request, dois: list[str], lang: str) -> dict[str, str]:
    """DOI → title in ``lang`` for the papers that have one (one query for the whole list)."""
    if lang == "en" or not dois:
        return {}
    found = rows(request.app.state.store.query(PREFIXES + f"""SELECT ?doi ?title WHERE {{
        VALUES ?doi {{ {' '.join(literal(d) for d in dois)} }}
        ?p prism:doi ?doi ; dcterms:title ?title . FILTER(LANGMATCHES(LANG(?title), {literal(lang)})) }}"""))
    return {r["doi"]: r["title"] for r in found}


def localise(request: Request, papers: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Each paper with ``title`` in the page's language where known (``title_lang`` says which) and
    ``journal_name``."""
    names = journal_names(request)
    local = titles(request, [p["doi"] for p in papers if p.get("doi")], lang)
    return [{**p, "title": local.get(p.get("doi", ""), p.get("title")), "title_lang": lang if p.get("doi") in local else "en",
             "journal_name": names.get(p.get("journal") or "", p.get("journal"))} for p in papers]
