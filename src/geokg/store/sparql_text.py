"""Just enough reading of SPARQL text to edit it: where to put a LIMIT.

A small tokenizer skips comments, string literals and IRIs so that keywords inside them are not
mistaken for syntax. It decides nothing: :mod:`geokg.store.sparql_guard` parses the query (and
parses the edited text again) and makes every decision on that parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*(?::[^\s{}()<>,;.]*)?|:[^\s{}()<>,;.]*)
  | (?P<number>\d+)
  | (?P<brace>[{}])
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int


def tokens(text: str) -> list[Token]:
    """Tokens outside comments, with their brace depth (0 = top level)."""
    out, depth = [], 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "comment":
            continue
        value = match.group()
        if value == "}":
            depth -= 1
        out.append(Token(kind, value, match.start(), match.end(), depth))
        if value == "{":
            depth += 1
    return out


def _upper_words(toks: list[Token]) -> list[str]:
    return [t.text.upper() for t in toks if t.kind == "word"]


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK; None for something else (an update, or garbage)."""
    # The prologue holds only PREFIX/BASE declarations: the first form keyword is the form.
    return next((w for w in _upper_words(tokens(text)) if w in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")), None)


def cap_results(text: str, cap: int) -> tuple[str, bool]:
    """Make a SELECT/CONSTRUCT/DESCRIBE return at most ``cap`` solutions.

    Returns the query text and whether it was changed. An existing top-level LIMIT above the cap
    is lowered; without one, ``LIMIT cap`` is added before a trailing top-level VALUES block.
    """
    toks = tokens(text)
    if query_form(text) not in ("SELECT", "CONSTRUCT", "DESCRIBE"):
        return text, False
    for i, tok in enumerate(toks):
        if tok.depth == 0 and tok.kind == "word" and tok.text.upper() == "LIMIT" and i + 1 < len(toks):
            value = toks[i + 1]
            if value.kind == "number" and int(value.text) <= cap:
                return text, False
            if value.kind == "number":
                return text[: value.start] + str(cap) + text[value.end :], True
    values_at = next((t.start for t in toks if t.depth == 0 and t.kind == "word" and t.text.upper() == "VALUES"
                      and any(u.depth == 0 and u.text == "}" for u in toks if u.start < t.start)), None)
    if values_at is not None:
        return text[:values_at] + f"LIMIT {cap}\n" + text[values_at:], True
    return text.rstrip() + f"\nLIMIT {cap}\n", True
