"""Query results as plain Python values, and safe serialisation of terms into SPARQL."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

_INTEGERS = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#int", "http://www.w3.org/2001/XMLSchema#long"}


def value(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value in _INTEGERS:
            return int(term.value)
        return term.value
    return getattr(term, "value", str(term))


def rows(result: object) -> list[dict[str, Any]]:
    """SELECT solutions as dicts of variable → Python value (unbound variables are left out)."""
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    return [{n: value(row[n]) for n in names if row[n] is not None} for row in result]  # type: ignore[attr-defined]


def literal(text: str) -> str:
    """A SPARQL string literal for any text (escaped: the text can never become syntax).

    >>> literal('a "b" \\\\ c')
    '"a \\\\"b\\\\" \\\\\\\\ c"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def iri(text: str) -> str:
    """A SPARQL IRI term, after checking the text is a valid absolute IRI (RFC 3987)."""
    if any(c in text for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI: {text!r}")
    return str(ox.NamedNode(text))  # raises ValueError on anything that is not an IRI
