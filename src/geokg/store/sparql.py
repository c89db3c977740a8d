"""SPARQL text from values: the one place where terms are written into queries.

Values reach a query only through :func:`literal` and :func:`iri` (checked and escaped, so they
can never become syntax), and whole graphs only through :func:`replace_graphs_update`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox


def literal(text: str, lang: str | None = None) -> str:
    """A SPARQL string literal for any text.

    >>> literal('a "b" \\\\ c')
    '"a \\\\"b\\\\" \\\\\\\\ c"'
    >>> literal("bootstrap", "en")
    '"bootstrap"@en'
    """
    term = ox.Literal(text, language=lang) if lang else ox.Literal(text)
    return str(term)


def iri(text: str) -> str:
    """A SPARQL IRI term, after checking the text is an absolute IRI (RFC 3987).

    :raises ValueError: the text is not an IRI

    >>> iri("https://w3id.org/geokg/paper/x")
    '<https://w3id.org/geokg/paper/x>'
    """
    if any(c in text for c in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not an IRI: {text!r}")
    return str(ox.NamedNode(text))  # raises ValueError on anything that is not an IRI


def values(variable: str, terms: Iterable[str]) -> str:
    """A ``VALUES ?variable { … }`` block of already serialised terms."""
    return f"VALUES ?{variable} {{ {' '.join(terms)} }}"


def replace_graphs_update(graphs: Mapping[str, str], drop: Iterable[str] = ()) -> str:
    """One SPARQL update that replaces each graph by its N-Triples, and drops others.

    Sent as one update, the replacement is atomic on any store that runs an update request
    in one transaction (pyoxigraph does; so does the Oxigraph server).

    >>> replace_graphs_update({"http://ex/g": "<http://ex/s> <http://ex/p> <http://ex/o> .\\n"})
    'DROP SILENT GRAPH <http://ex/g> ;\\nINSERT DATA { GRAPH <http://ex/g> {\\n<http://ex/s> <http://ex/p> <http://ex/o> .\\n} }'
    """
    parts = [f"DROP SILENT GRAPH {iri(g)}" for g in drop]
    for graph, ntriples in graphs.items():
        parts.append(f"DROP SILENT GRAPH {iri(graph)}")
        parts.append(f"INSERT DATA {{ GRAPH {iri(graph)} {{\n{ntriples}}} }}")
    return " ;\n".join(parts)
