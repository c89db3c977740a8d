"""``/sparql``: the SPARQL 1.1 Protocol — query by GET, POST form and POST sparql-query;
SPARQL Update by POST when a write token is configured; the Service Description on a bare GET."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import parse_qs

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from geokg.api.deps import SettingsDep, StoreDep, WriteAuthDep
from geokg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, choose, content_type
from geokg.api.service_description import service_description
from geokg.api.writes import apply_update
from geokg.errors import ProtocolError, QueryTimeout, StoreUnavailable
from geokg.model.vocab import Iris
from geokg.read.release import loaded_release
from geokg.settings import Settings
from geokg.store import Store
from geokg.store.sparql_guard import Refused, capped_query, check_services, read_query

router = APIRouter(tags=["sparql"])

GraphParam = Annotated[list[str] | None, Query(alias="default-graph-uri")]
NamedParam = Annotated[list[str] | None, Query(alias="named-graph-uri")]
_FORM = "application/x-www-form-urlencoded"
#: How engines word an evaluation error that is the query's, not the engine's (a 500 otherwise):
#: Oxigraph, Virtuoso.
_UNSUPPORTED = (b"not supported", b"Undefined procedure")


def run_query(request: Request, store: Store, settings: Settings, text: str, graphs: list[str], named: list[str]) -> Response:
    # The guard's parse decides everything; the engine gets the text the guard parsed (or nothing).
    try:
        plan = read_query(text)
    except Refused as exc:
        raise ProtocolError(400, str(exc)) from None
    offered = list(GRAPH_TYPES) if plan.form in ("CONSTRUCT", "DESCRIBE") else list(RESULT_TYPES)
    media = choose(request.headers.get("accept"), offered)
    if media is None:
        raise ProtocolError(406, f"cannot answer a {plan.form} query in {request.headers.get('accept')!r}; available: {', '.join(offered)}")
    check_services(plan, settings.service_allowlist)
    try:
        sent, capped = capped_query(plan, settings.max_rows)
    except Refused as exc:
        raise ProtocolError(400, str(exc)) from None
    try:
        answer = store.forward_query(sent, media, default_graphs=graphs or None, named_graphs=named or None,
                                     timeout=settings.query_timeout)
    except QueryTimeout as exc:
        raise ProtocolError(503, f"{exc}; narrow the query or raise GEOKG_QUERY_TIMEOUT") from None
    except StoreUnavailable as exc:
        raise ProtocolError(503, str(exc), {"Retry-After": "1"}) from None
    if answer.status == 400:
        raise ProtocolError(400, f"malformed query: {answer.body.decode('utf-8', 'replace').strip()}")
    if answer.status == 500 and any(marker in answer.body for marker in _UNSUPPORTED):
        # A function or feature the engine does not implement: the client's to change (4xx), with the engine's words.
        raise ProtocolError(400, f"the query uses what the store does not support: {answer.body.decode('utf-8', 'replace').strip()[:500]}")
    if answer.status != 200:
        raise ProtocolError(502 if answer.status >= 500 else answer.status,
                            f"the store answered {answer.status}: {answer.body.decode('utf-8', 'replace').strip()[:500]}")
    headers = {"Vary": "Accept"}
    if capped:
        headers["X-GeoKG-Result-Cap"] = str(settings.max_rows)
    return Response(answer.body, media_type=content_type(answer.media_type or media), headers=headers)


class QuerySlots:
    """At most ``size`` queries run at once, each on a thread of its own pool, so slow queries never
    take the threads every other route runs on; a query waits at most ``wait`` seconds for its turn."""

    def __init__(self, size: int, wait: float) -> None:
        self.limiter = anyio.CapacityLimiter(max(1, size))
        self.wait = wait

    async def run(self, function: Callable[[], Response]) -> Response:
        try:
            with anyio.fail_after(self.wait):
                await self.limiter.acquire()
        except TimeoutError:
            raise ProtocolError(503, "too many SPARQL queries are running; retry shortly", {"Retry-After": "2"}) from None
        try:
            return await anyio.to_thread.run_sync(function, limiter=_OWN_THREADS)
        finally:
            self.limiter.release()


#: The threads queries run on (beside the default pool of the other routes); QuerySlots bounds their use.
_OWN_THREADS = anyio.CapacityLimiter(64)


def _slots(request: Request, settings: Settings) -> QuerySlots:
    slots: QuerySlots | None = getattr(request.app.state, "query_slots", None)
    if slots is None:
        slots = request.app.state.query_slots = QuerySlots(settings.max_concurrent_queries, settings.query_timeout)
    return slots


def _query(request: Request, store: Store, settings: Settings, text: str, graphs: list[str], named: list[str]) -> Awaitable[Response]:
    return _slots(request, settings).run(lambda: run_query(request, store, settings, text, graphs, named))


@router.get("/sparql", summary="SPARQL query (GET) or the service description")
async def sparql_get(
    request: Request, store: StoreDep, settings: SettingsDep,
    default_graph_uri: GraphParam = None, named_graph_uri: NamedParam = None, query: str | None = None,
) -> Response:
    """Run ``query``; without one, return the SPARQL 1.1 Service Description of this endpoint."""
    if len(request.query_params.getlist("query")) > 1:
        raise ProtocolError(400, "the request must carry exactly one 'query' parameter")
    if query is None:
        if "update" in request.query_params:
            raise ProtocolError(400, "SPARQL Update must be sent by POST")
        release = await run_in_threadpool(loaded_release, store, Iris(settings.base_iri))
        return service_description(str(request.url.replace(query="")), request.headers.get("accept"), settings, release,
                                   str(request.url_for("well_known_void")))
    return await _query(request, store, settings, query, default_graph_uri or [], named_graph_uri or [])


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} is not UTF-8") from None


@router.post("/sparql", summary="SPARQL query or update by POST")
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep, auth: WriteAuthDep) -> Response:
    """Query: form-encoded ``query=`` or ``application/sparql-query``. Update (needs the write
    token): form-encoded ``update=`` or ``application/sparql-update``."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    url_params = parse_qs(request.url.query)
    if media == _FORM:
        form = parse_qs(_decode(body, "form body"), keep_blank_values=True)
        if "update" in form and "query" in form:
            raise ProtocolError(400, "send either 'query' or 'update', not both")
        if "update" in form:
            if len(form["update"]) != 1:
                raise ProtocolError(400, "the form must carry exactly one 'update' parameter")
            auth.require()
            return await run_in_threadpool(apply_update, request, form["update"][0])
        queries = form.get("query", [])
        if len(queries) != 1:
            raise ProtocolError(400, "the form must carry exactly one 'query' parameter")
        text, graphs, named = queries[0], form.get("default-graph-uri", []), form.get("named-graph-uri", [])
    elif media == "application/sparql-query":
        text = _decode(body, "query body")
        graphs, named = url_params.get("default-graph-uri", []), url_params.get("named-graph-uri", [])
    elif media == "application/sparql-update":
        auth.require()
        return await run_in_threadpool(apply_update, request, _decode(body, "update body"))
    else:
        raise ProtocolError(
            415, f"unsupported content type {media or '(none)'!r}: use {_FORM}, application/sparql-query or application/sparql-update")
    return await _query(request, store, settings, text, graphs, named)
