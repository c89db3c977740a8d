"""Sentence boundaries of English, Chinese and Markdown text, as character offsets."""

from __future__ import annotations

import re

#: Words whose final full stop ends no sentence.
_ABBREVIATIONS = {"e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "ref", "refs", "etc", "vs", "approx", "ca", "cf", "no", "sect", "tab"}
_END = re.compile(r"[。！？；!?]+[”’\"')）]*|\.(?=[\s\"”’)）]|$)|\n+|\s\*\*(?=\d{1,2}[.、]\s*\S)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the sentences of ``text`` (stripped of surrounding space; empty ones dropped).

    Chinese sentence marks and line breaks always end a sentence; a full stop does unless it ends
    an abbreviation (e.g., et al., Fig.) or a list number ("1."). A bold list number ("**2.") starts one.

    >>> t = "We use ERA5, e.g. for winds. 结果表明升温。Next"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['We use ERA5, e.g. for winds.', '结果表明升温。', 'Next']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if match.group() == ".":
            word = re.search(r"(\S+)$", text[start : match.start()])
            last = word.group(1).lower().lstrip("(*") if word else ""
            if last in _ABBREVIATIONS or last.isdigit() or re.fullmatch(r"[a-z]", last):
                continue
        end = match.start() if match.group().startswith(("\n", " ")) else match.end()
        _add(text, start, end, spans)
        start = match.end() if match.group().startswith("\n") else end
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and re.search(r"\w", text[start:end]):
        spans.append((start, end))
