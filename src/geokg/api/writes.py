"""Writes through the API: SPARQL Update and the Graph Store Protocol, validated like ``geokg load``.

The write itself goes through the one write path (:class:`geokg.load.write.GraphWrite`); this
module turns HTTP requests into changes of a scratch store and the outcome into HTTP answers.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from geokg.errors import ProtocolError, ValidationFailed
from geokg.load.write import Change, GraphWrite
from geokg.store.sparql_text import outbound_targets, update_graphs


def graph_write(request: Request) -> GraphWrite:
    """The app's writer (its validation context is read from the store on first use)."""
    writer: GraphWrite = request.app.state.graph_write
    return writer


def write(request: Request, graphs: set[str], change: Change) -> Response:
    """Apply a change to paper graphs through the one write path: 204, or 403/422 with the reasons."""
    try:
        graph_write(request).write(graphs, change)
    except PermissionError as exc:
        raise ProtocolError(403, str(exc)) from None
    except ValidationFailed as exc:
        raise ProtocolError(422, "the write was refused; nothing was changed:\n" + "\n".join(f"- {p}" for p in exc.problems)) from None
    return Response(status_code=204)


def apply_update(request: Request, text: str) -> Response:
    """Run a SPARQL Update that names the paper graphs it writes."""
    if outbound_targets(text):
        raise ProtocolError(403, "LOAD and SERVICE are not allowed in updates; send data with the Graph Store Protocol (/store)")
    graphs, unnamed = update_graphs(text)
    if unnamed or not graphs:
        raise ProtocolError(400, "an update must name the graphs it writes (GRAPH <iri> or WITH <iri>): "
                                 "the default graph is the union of all graphs and cannot be written")

    def change(scratch: ox.Store) -> None:
        try:
            scratch.update(text)
        except SyntaxError as exc:
            raise ProtocolError(400, f"malformed update: {exc}") from None
        stray = {g.value for g in scratch.named_graphs() if isinstance(g, ox.NamedNode)} - graphs
        if stray or any(True for _ in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            raise ProtocolError(400, "the update writes to graphs it does not name")

    return write(request, graphs, change)
