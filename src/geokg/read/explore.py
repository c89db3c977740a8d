"""A search as the search page shows it: results with snippets, filters with counts, and what to try
when nothing matches.

A question is understood as in ``/ask`` (concepts and years become facets); the words left over
that match no concept are searched as text. Filters the user picks add facet values. Everything
comes from the side index, so a page costs about the same at any corpus size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geokg.model.vocab import SCHEME, SCHEMES, SPARQL_PREFIXES
from geokg.read.ask import understand
from geokg.read.context import Reader
from geokg.read.search import FACETS, Search, build, page

#: Filter groups shown beside the results: title key, facet, and which of its values.
GROUPS = (
    ("family", "method", "tops"),
    ("method", "method", "rest"),
    ("purpose", "purpose", "all"),
    ("data_type", "data_type", "all"),
    ("process", "process", "all"),
    ("dataset", "dataset", "all"),
    ("journal", "journal", "all"),
    ("section", "section", "all"),
)
#: Values listed per filter group (the most frequent among the results).
GROUP_SIZE = 12


@dataclass
class Query:
    """What the user asked: words and filters (facet → values as given), years, order and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20
    any_words: bool = False
    """Papers with any of the leftover words (else all of them)."""


def _combined(reader: Reader, query: Query) -> tuple[Search, list[dict[str, Any]], list[str]]:
    """The question understood, plus the filters picked, as one search; the leftover words become text."""
    understood: list[dict[str, Any]] = []
    ignored: list[str] = []
    facets: dict[str, list[str]] = {}
    year_from, year_to = query.year_from, query.year_to
    if query.q.strip():
        asked, understood, ignored = understand(reader, query.q)
        facets = {k: list(v) for k, v in asked.facets.items()}
        year_from = year_from if year_from is not None else asked.year_from
        year_to = year_to if year_to is not None else asked.year_to
    picked = build(reader, query.filters)
    for name, values in picked.facets.items():
        facets.setdefault(name, [])
        facets[name] += [v for v in values if v not in facets[name]]
    text = " ".join(ignored) or None
    return Search(facets, year_from, year_to, text, query.any_words and bool(text)), understood, ignored


def _group_values(reader: Reader, facet: str, which: str, counts: dict[str, int], chosen: set[str]) -> list[dict[str, Any]]:
    tops = reader.context.tops.get("method", frozenset())
    items = [(v, n) for v, n in counts.items() if which == "all" or (which == "tops") == (v in tops)]
    items.sort(key=lambda item: (-item[1], item[0]))
    names = reader.index.names(facet) if facet in ("journal", "dataset") else {}
    out = []
    for value, n in items[:GROUP_SIZE]:
        concept = reader.concepts.concepts.get(value)
        label_en = concept.labels.get("en", value) if concept else names.get(value, value)
        label_zh = concept.labels.get("zh", label_en) if concept else label_en
        shown = concept.notation if (concept and concept.notation and facet == "section") else value
        out.append({"value": shown, "label_en": (f"{concept.notation} " if concept and concept.notation else "") + label_en,
                    "label_zh": (f"{concept.notation} " if concept and concept.notation else "") + label_zh,
                    "papers": n, "chosen": shown in chosen})
    return out


def explore(reader: Reader, query: Query) -> dict[str, Any]:
    """The results page of a search: papers (with snippets), the total, filter groups with counts,
    the years, alternatives when nothing matches, and the equivalent SPARQL."""
    search, understood, ignored = _combined(reader, query)
    results = page(reader, search, query.page, query.per_page, query.sort)
    keys = search.keys()
    prefixes = sorted({f"{facet}:" for _, facet, _ in GROUPS})
    counts = reader.index.facet_counts(prefixes, keys, year_from=search.year_from, year_to=search.year_to, text=search.text,
                                       any_words=search.any_words)
    groups = [{"key": key, "facet": facet,
               "values": _group_values(reader, facet, which, counts[f"{facet}:"], set(query.filters.get(facet, [])))}
              for key, facet, which in GROUPS]
    return {
        "query": query, "understood": understood, "ignored": ignored, "text": search.text,
        "results": results, "groups": [g for g in groups if g["values"]],
        "years": sorted(reader.index.year_counts(keys, text=search.text, any_words=search.any_words).items()),
        "alternatives": alternatives(reader, search, understood) if results["total"] == 0 else [],
        "sparql": SPARQL_PREFIXES + search.page_query(query.per_page, (query.page - 1) * query.per_page),
    }


def alternatives(reader: Reader, search: Search, understood: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When a conjunction finds nothing: each part alone with its count, and any one of the words."""
    out: list[dict[str, Any]] = []
    for u in understood:
        facet = SCHEME[u["kind"]].facet if u.get("kind") in SCHEME else None
        if facet and u.get("id"):
            alone = reader.index.search([f"{facet}:{u['id']}"], limit=1).total
            out.append({"kind": "concept", "facet": facet, "id": u["id"], "label_en": u.get("label_en"),
                        "label_zh": u.get("label_zh"), "papers": alone})
    if search.text:
        words = search.text.split()
        for word in words:
            out.append({"kind": "word", "word": word, "papers": reader.index.search([], text=word, limit=1).total})
        if len(words) > 1 and not search.any_words:
            out.append({"kind": "any-word", "words": words,
                        "papers": reader.index.search(search.keys(), text=search.text, any_words=True, limit=1).total})
        for word in words:
            for match in reader.concepts.search(word, limit=2):
                if match.score >= 0.5 and match.concept.scheme in {s.key for s in SCHEMES if s.facet}:
                    out.append({"kind": "did-you-mean", "word": word, "facet": SCHEME[match.concept.scheme].facet,
                                "id": match.concept.id, "label_en": match.concept.labels.get("en"),
                                "label_zh": match.concept.labels.get("zh")})
    return out


__all__ = ["FACETS", "GROUPS", "Query", "alternatives", "explore"]
