"""Text for the full-text index and its queries: words, and Chinese as overlapping character pairs.

Chinese has no spaces. Indexing every pair of adjacent Han characters (as Lucene's CJK analyzer
and Elasticsearch's ``cjk_bigram`` do) finds any word of two or more characters as a phrase of
pairs, with no dictionary and at the cost of a regular expression: jieba segments the same text
about a hundred times slower, too slow for loading 100,000 papers (``/ask`` still uses concept
labels to understand questions).
"""

from __future__ import annotations

import html
import re
import unicodedata

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[^\W_]+", re.UNICODE)
_IS_HAN = re.compile(rf"[{_HAN}]")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _pieces(run: str) -> list[str]:
    if not _IS_HAN.match(run):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


_HAN_RUN = re.compile(rf"[{_HAN}]{{2,}}")


def index_tokens(text: str) -> str:
    """The text as the index sees it: Han runs as overlapping pairs (FTS5's tokenizer folds case and
    accents of the rest itself).

    >>> index_tokens("Glacier erosion 冰川侵蚀")
    'Glacier erosion  冰川 川侵 侵蚀 '
    """
    return _HAN_RUN.sub(lambda m: " " + " ".join(_pieces(m.group())) + " ", text)


def query_terms(q: str) -> list[str]:
    """The words and Han runs of a query (folded), in order, without repeats."""
    return list(dict.fromkeys(_RUN.findall(_fold(q))))


def match_expression(q: str, any_term: bool = False) -> str | None:
    """An FTS5 MATCH expression: every term (all of them, or any with ``any_term``), each a quoted
    phrase (a Han run as the phrase of its pairs), so no query text is ever read as FTS5 syntax.

    >>> match_expression('random "forest" 遥感')
    '"random" AND "forest" AND "遥感"'
    """
    phrases = ['"' + " ".join(_pieces(t)).replace('"', '""') + '"' for t in query_terms(q)]
    if not phrases:
        return None
    return (" OR " if any_term else " AND ").join(phrases)


def snippet(text: str, q: str, width: int = 160) -> str:
    """A window of ``text`` around the first query term it contains, as HTML with the terms in <mark>.

    Everything is escaped first: only the <mark> tags are markup.
    """
    folded = _fold(text)
    if len(folded) != len(text):  # folding changed lengths (rare ligatures): match on the text itself
        folded = text.lower()
    terms = sorted(query_terms(q), key=len, reverse=True)
    spans = []
    for term in terms:
        for m in re.finditer(re.escape(term), folded):
            spans.append((m.start(), m.end()))
    if not spans:
        return html.escape(text[:width] + ("…" if len(text) > width else ""))
    first = min(s for s, _ in spans)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    kept = sorted({(max(s, start), min(e, end)) for s, e in spans if e > start and s < end})
    out, at = [], start
    for s, e in kept:
        if s < at:
            continue
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
