"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

GET and HEAD are open; PUT, POST and DELETE need the write token and may only write paper
graphs, whose new content is validated before it is stored.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from geokg.api.deps import StoreDep, WriteAuthDep
from geokg.api.negotiation import GRAPH_TYPES, choose, content_type
from geokg.api.writes import write
from geokg.errors import ProtocolError
from geokg.load.write import Change
from geokg.store.results import as_bytes, triples
from geokg.store.sparql import iri

router = APIRouter(tags=["graph-store"])

_PARSABLE = {**GRAPH_TYPES, "application/n-quads": ox.RdfFormat.N_QUADS}


def _graph_param(request: Request) -> str:
    graph = request.query_params.get("graph")
    if "default" in request.query_params:
        raise ProtocolError(400, "the default graph is the union of all graphs here; name a graph with ?graph=<iri>")
    if not graph:
        raise ProtocolError(400, "name the graph with ?graph=<iri>")
    return graph


@router.api_route("/store", methods=["GET", "HEAD"], summary="Graph Store Protocol: read a graph")
def read_graph(request: Request, store: StoreDep) -> Response:
    """The triples of one named graph, in the negotiated RDF format (404 if there is no such graph)."""
    graph = _graph_param(request)
    media = choose(request.headers.get("accept"), list(GRAPH_TYPES))
    if media is None:
        raise ProtocolError(406, f"available: {', '.join(GRAPH_TYPES)}")
    try:
        term = iri(graph)
    except ValueError:
        raise ProtocolError(400, f"not an IRI: {graph!r}") from None
    if graph not in store.graph_names():
        raise ProtocolError(404, f"no graph {graph}")
    found = triples(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}"))
    return Response(as_bytes(found.serialize(format=GRAPH_TYPES[media])), media_type=content_type(media))


async def _body_graph(request: Request) -> bytes:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _PARSABLE:
        raise ProtocolError(415, f"unsupported RDF media type {media or '(none)'!r}; use one of {', '.join(GRAPH_TYPES)}")
    return await request.body()


def _loader(body: bytes, media: str, graph: str, replace: bool) -> Change:
    fmt = _PARSABLE[media]

    def change(scratch: ox.Store) -> None:
        target = ox.NamedNode(graph)
        if replace:
            scratch.remove_graph(target)
        try:
            # Parse without resolving anything remote: no base fetching, JSON-LD contexts stay local.
            scratch.load(body, format=fmt, to_graph=target, base_iri=graph)
        except (SyntaxError, ValueError) as exc:
            raise ProtocolError(400, f"the body is not valid {media}: {exc}") from None
        others = sorted(str(g) for g in scratch.named_graphs() if g != target)
        if others:  # a dataset body (N-Quads) naming other graphs: refuse, never drop them silently
            raise ProtocolError(400, f"the body holds quads of other graphs than {graph}: {', '.join(others[:3])}; "
                                     "send each graph to its own ?graph=")

    return change


async def _write_body(request: Request, auth: WriteAuthDep, replace: bool) -> Response:
    auth.require()
    graph = _graph_param(request)
    body = await _body_graph(request)
    media = request.headers["content-type"].split(";")[0].strip().lower()
    return await run_in_threadpool(write, request, {graph}, _loader(body, media, graph, replace=replace))


@router.put("/store", status_code=204, summary="Graph Store Protocol: replace a paper graph")
async def put_graph(request: Request, auth: WriteAuthDep) -> Response:
    """Replace a paper graph with the body (validated; nothing changes if it is invalid)."""
    return await _write_body(request, auth, replace=True)


@router.post("/store", status_code=204, summary="Graph Store Protocol: add triples to a paper graph")
async def post_graph(request: Request, auth: WriteAuthDep) -> Response:
    """Merge the body into a paper graph (validated; nothing changes if the result is invalid)."""
    return await _write_body(request, auth, replace=False)


@router.delete("/store", status_code=204, summary="Graph Store Protocol: delete a paper graph")
async def delete_graph(request: Request, store: StoreDep, auth: WriteAuthDep) -> Response:
    """Delete a paper graph (404 if there is no such graph)."""
    auth.require()
    graph = _graph_param(request)
    if graph not in store.graph_names():
        raise ProtocolError(404, f"no graph {graph}")
    return await run_in_threadpool(write, request, {graph}, lambda scratch: scratch.remove_graph(ox.NamedNode(graph)))
