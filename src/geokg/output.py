"""Write query results for a terminal or a file: table, CSV, TSV or JSON."""

from __future__ import annotations

import io
from typing import TextIO

import pyoxigraph as ox

from geokg.store import QueryResult

_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}


def _cell(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def write_results(result: QueryResult, fmt: str, out: TextIO) -> None:
    """Write SELECT/ASK results (or CONSTRUCT triples as N-Triples) in the chosen format."""
    if isinstance(result, ox.QueryTriples):
        out.write(result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
        return
    if isinstance(result, ox.QueryBoolean):
        out.write(("true" if bool(result) else "false") + "\n")
        return
    if fmt in _FORMATS:
        out.write(result.serialize(format=_FORMATS[fmt]).decode("utf-8"))
        return
    names = [v.value for v in result.variables]
    rows = [[_cell(row[name]) for name in names] for row in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    buf = io.StringIO()
    buf.write("  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip() + "\n")
    buf.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        buf.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    buf.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    out.write(buf.getvalue())
