"""Just enough reading of SPARQL text to enforce the endpoint's rules.

A small tokenizer skips comments, string literals and IRIs so that keywords inside them are
not mistaken for syntax. It finds the query form, adds a LIMIT to cap results, lists the
targets of SERVICE and LOAD (outbound fetches), and the graphs an update writes to. The
store parses the query properly; this only guards it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
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


def outbound_targets(text: str) -> list[str]:
    """IRIs the request would fetch: SERVICE targets and LOAD sources (variables as '?var')."""
    toks = tokens(text)
    out = []
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() in ("SERVICE", "LOAD"):
            j = i + 1
            while j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "SILENT":
                j += 1
            if j < len(toks):
                target = toks[j]
                out.append(target.text[1:-1] if target.kind == "iri" else target.text)
    return out


def update_graphs(text: str) -> tuple[set[str], bool]:
    """Graphs an update names (GRAPH/WITH/INTO/CLEAR/DROP/CREATE/ADD/MOVE/COPY targets), and
    whether it may also touch a graph it does not name (default-graph or ALL/NAMED operations)."""
    toks = tokens(text)
    named: set[str] = set()
    unnamed = False
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in ("GRAPH", "WITH", "INTO", "TO") and nxt is not None:
            if nxt.kind == "iri":
                named.add(nxt.text[1:-1])
            else:
                unnamed = True  # a variable graph, or TO DEFAULT
        if word in ("DEFAULT", "ALL", "NAMED") and i > 0 and toks[i - 1].text.upper() in ("CLEAR", "DROP", "SILENT", "ADD", "MOVE", "COPY", "TO"):
            unnamed = True
    # Triples in INSERT/DELETE blocks outside any GRAPH go to the default graph.
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() in ("INSERT", "DELETE"):
            j = i + 1
            if j < len(toks) and toks[j].text.upper() in ("DATA", "WHERE"):
                j += 1
            if j < len(toks) and toks[j].text == "{":
                inner = [t for t in toks if t.start > toks[j].start and t.depth == toks[j].depth + 1]
                first = next((t for t in inner), None)
                if (first is not None and not (first.kind == "word" and first.text.upper() == "GRAPH")
                        and not any(t.kind == "word" and t.text.upper() == "WITH" for t in toks)):
                    unnamed = True
    return named, unnamed


def nesting_depth(text: str) -> int:
    """Deepest nesting of braces and parentheses (a parser's recursion depth, roughly)."""
    depth = deepest = 0
    for tok in tokens(text):
        if tok.text in ("{", "("):
            depth += 1
            deepest = max(deepest, depth)
        elif tok.text in ("}", ")"):
            depth -= 1
    return deepest
