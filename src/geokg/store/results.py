"""Query results as plain Python values, and written out for a terminal or a file."""

from __future__ import annotations

import io
from typing import Any, TextIO

import pyoxigraph as ox

from geokg.store.protocol import QueryResult

_INTEGERS = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#int",
             "http://www.w3.org/2001/XMLSchema#long"}
_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}


def value(term: object) -> Any:
    """A term as a Python value: integers as int, other literals and IRIs as their text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value in _INTEGERS:
            return int(term.value)
        return term.value
    return getattr(term, "value", str(term))


def as_bytes(data: bytes | None) -> bytes:
    """What pyoxigraph's ``serialize``/``dump`` return when given no output: the bytes (typed as optional)."""
    if data is None:
        raise TypeError("serialised to an output, not to bytes")
    return data


def ntriples(result: QueryResult) -> bytes:
    """A CONSTRUCT result as N-Triples."""
    return as_bytes(triples(result).serialize(format=ox.RdfFormat.N_TRIPLES))


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """The result of a SELECT query (a TypeError for any other form)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    return result


def triples(result: QueryResult) -> ox.QueryTriples:
    """The result of a CONSTRUCT or DESCRIBE query (a TypeError for any other form)."""
    if not isinstance(result, ox.QueryTriples):
        raise TypeError(f"expected CONSTRUCT triples, got {type(result).__name__}")
    return result


def rows(result: QueryResult) -> list[dict[str, Any]]:
    """SELECT solutions as dicts of variable → Python value (unbound variables are left out)."""
    found = solutions(result)
    names = [v.value for v in found.variables]
    return [{n: value(row[n]) for n in names if row[n] is not None} for row in found]


def _cell(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def write_results(result: QueryResult, fmt: str, out: TextIO) -> None:
    """Write SELECT/ASK results (or CONSTRUCT triples as N-Triples) as a table, CSV, TSV or JSON."""
    if isinstance(result, ox.QueryTriples):
        out.write(as_bytes(result.serialize(format=ox.RdfFormat.N_TRIPLES)).decode("utf-8"))
        return
    if isinstance(result, ox.QueryBoolean):
        out.write(("true" if bool(result) else "false") + "\n")
        return
    if fmt in _FORMATS:
        out.write(as_bytes(result.serialize(format=_FORMATS[fmt])).decode("utf-8"))
        return
    names = [v.value for v in result.variables]
    table = [[_cell(row[name]) for name in names] for row in result]
    widths = [max([len(n), *(len(r[i]) for r in table)]) for i, n in enumerate(names)]
    buf = io.StringIO()
    buf.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    buf.write("  ".join("-" * w for w in widths) + "\n")
    for r in table:
        buf.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
    buf.write(f"({len(table)} row{'s' if len(table) != 1 else ''})\n")
    out.write(buf.getvalue())
