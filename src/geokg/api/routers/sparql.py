"""``/sparql``: the SPARQL 1.1 Protocol (query by GET, POST form, POST sparql-query)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from geokg.api.deps import StoreDep
from geokg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, choose, content_type
from geokg.api.service_description import service_description
from geokg.errors import QueryError

router = APIRouter(tags=["sparql"])

GraphParam = Annotated[list[str], Query(alias="default-graph-uri")]
NamedParam = Annotated[list[str], Query(alias="named-graph-uri")]


class ProtocolError(Exception):
    """A request that breaks the protocol: status code and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


def _respond(result: object, accept: str | None) -> Response:
    if isinstance(result, ox.QueryTriples):
        offered, table = list(GRAPH_TYPES), GRAPH_TYPES
    else:
        offered, table = list(RESULT_TYPES), RESULT_TYPES  # type: ignore[assignment]
    media = choose(accept, offered)
    if media is None:
        raise ProtocolError(406, f"cannot answer in {accept!r}; available: {', '.join(offered)}")
    body = result.serialize(format=table[media])  # type: ignore[attr-defined]
    return Response(body, media_type=content_type(media), headers={"Vary": "Accept"})


def run(store: StoreDep, request: Request, query: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    try:
        result = store.query(query, default_graphs=default_graphs or None, named_graphs=named_graphs or None)
        return _respond(result, request.headers.get("accept"))
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None


@router.get("/sparql", summary="SPARQL query (GET) or the service description")
def sparql_get(
    request: Request, store: StoreDep, default_graph_uri: GraphParam = [], named_graph_uri: NamedParam = [], query: str | None = None
) -> Response:
    """Run ``query``; without one, return the SPARQL 1.1 Service Description of this endpoint."""
    if query is None:
        if "update" in request.query_params:
            raise ProtocolError(400, "SPARQL Update must be sent by POST")
        return service_description(str(request.url.replace(query="")), request.headers.get("accept"))
    return run(store, request, query, default_graph_uri, named_graph_uri)


@router.post("/sparql", summary="SPARQL query (POST form-encoded or application/sparql-query)")
async def sparql_post(request: Request, store: StoreDep) -> Response:
    """Query in the body, as the protocol allows: form-encoded or ``application/sparql-query``."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    url_params = parse_qs(request.url.query)
    if media == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise ProtocolError(400, "form body is not UTF-8") from None
        if "update" in form:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not enabled")
        queries = form.get("query", [])
        if len(queries) != 1:
            raise ProtocolError(400, "the form must carry exactly one 'query' parameter")
        text = queries[0]
        graphs, named = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
    elif media == "application/sparql-query":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "query body is not UTF-8") from None
        graphs, named = url_params.get("default-graph-uri", []), url_params.get("named-graph-uri", [])
    elif media == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not enabled")
    else:
        raise ProtocolError(
            415, f"unsupported content type {media or '(none)'!r}: use application/x-www-form-urlencoded or application/sparql-query"
        )
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(run, store, request, text, graphs, named)
