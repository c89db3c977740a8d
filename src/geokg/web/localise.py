"""What lists of papers show in the page's language: journal names instead of ids, and paper titles
in the page's language where the record has them."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from geokg.read.context import Reader


def journal_names(request: Request) -> dict[str, str]:
    """Journal id → name (the side index keeps the catalogue's names)."""
    reader: Reader = request.app.state.reader
    return reader.index.journal_names()


def localise(request: Request, papers: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Each paper with ``title`` in the page's language where known (``title_lang`` says which) and
    ``journal_name``."""
    names = journal_names(request)
    out = []
    for p in papers:
        local = (p.get("titles") or {}).get(lang) if lang != "en" else None
        out.append({**p, "title": local or p.get("title"), "title_lang": lang if local else "en",
                    "journal_name": names.get(p.get("journal") or "", p.get("journal"))})
    return out
