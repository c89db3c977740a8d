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
from geokg.store.sparql_guard import Refused, read_update


def graph_write(request: Request) -> GraphWrite:
    """The app's writer (its validation context is read from the store on first use)."""
    writer: GraphWrite = request.app.state.graph_write
    return writer


def write(request: Request, graphs: set[str], change: Change, reads: set[str] | None = None) -> Response:
    """Apply a change to paper graphs through the one write path: 204, or 403/422 with the reasons.

    :param reads: graphs the change reads but does not write (copied into its scratch store too)
    """
    try:
        graph_write(request).write(graphs, change, reads=reads or set())
    except PermissionError as exc:
        raise ProtocolError(403, str(exc)) from None
    except ValidationFailed as exc:
        raise ProtocolError(422, "the write was refused; nothing was changed:\n" + "\n".join(f"- {p}" for p in exc.problems)) from None
    return Response(status_code=204)


def apply_update(request: Request, text: str) -> Response:
    """Run a SPARQL Update with SPARQL 1.1 semantics over the graphs it names.

    The guard's parse lists the graphs the update writes and reads; the update runs on a scratch copy
    of exactly those graphs (so a WHERE joining, say, the ontology graph sees it, and COPY/ADD/MOVE
    see their source), then the written ones are validated and replaced in one transaction. What
    needs more than named graphs (the default graph, USING, GRAPH ?var) is refused with 400.
    """
    try:
        plan = read_update(text)
    except Refused as exc:
        raise ProtocolError(400, str(exc)) from None
    if plan.loads:
        raise ProtocolError(403, "LOAD and SERVICE are not allowed in updates; send data with the Graph Store Protocol (/store)")
    read_only = plan.reads - plan.writes

    def change(scratch: ox.Store) -> None:
        before = {g: _digest(scratch, g) for g in read_only}
        try:
            scratch.update(plan.text)
        except SyntaxError as exc:
            raise ProtocolError(400, f"malformed update: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:  # e.g. DROP of a graph that does not exist, without SILENT
            raise ProtocolError(400, f"the update failed: {exc}") from None
        stray = {g.value for g in scratch.named_graphs() if isinstance(g, ox.NamedNode)} - plan.writes - plan.reads
        if stray or any(True for _ in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())) or \
                any(_digest(scratch, g) != digest for g, digest in before.items()):
            raise ProtocolError(400, "the update writes to graphs it does not name")
        for graph in read_only:  # read, not written: not part of the commit
            scratch.remove_graph(ox.NamedNode(graph))

    return write(request, plan.writes, change, reads=read_only)


def _digest(scratch: ox.Store, graph: str) -> int:
    return hash(frozenset(scratch.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
