"""``/sparql``: the SPARQL 1.1 Protocol — query by GET, POST form and POST sparql-query;
SPARQL Update by POST when a write token is configured; the Service Description on a bare GET."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

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
from geokg.store.sparql_text import cap_results, nesting_depth, outbound_targets, query_form

router = APIRouter(tags=["sparql"])

GraphParam = Annotated[list[str] | None, Query(alias="default-graph-uri")]
NamedParam = Annotated[list[str] | None, Query(alias="named-graph-uri")]
_FORM = "application/x-www-form-urlencoded"
#: Deeper nesting than this is refused before it reaches the engine: Oxigraph's recursive
#: parser overflows its stack (and aborts) somewhere below 10,000 levels.
MAX_NESTING = 256


def allowed_target(target: str, allowlist: list[str]) -> bool:
    """Whether a SERVICE/LOAD target is allowlisted: exact IRI, or under an entry ending in '/'."""
    if target.startswith(("?", "$")):
        return False  # a variable endpoint could go anywhere
    return any(target == entry or (entry.endswith("/") and target.startswith(entry)) for entry in allowlist)


def check_outbound(text: str, settings: Settings) -> None:
    for target in outbound_targets(text):
        if not allowed_target(target, settings.service_allowlist):
            raise ProtocolError(403, f"outbound request to {target} refused: not in the SERVICE allowlist (GEOKG_SERVICE_ALLOWLIST)")


def run_query(request: Request, store: Store, settings: Settings, text: str, graphs: list[str], named: list[str]) -> Response:
    if nesting_depth(text) > MAX_NESTING:
        raise ProtocolError(400, f"the query nests groups or expressions deeper than {MAX_NESTING} levels")
    form = query_form(text)
    offered = list(GRAPH_TYPES) if form in ("CONSTRUCT", "DESCRIBE") else list(RESULT_TYPES)
    media = choose(request.headers.get("accept"), offered)
    if media is None:
        raise ProtocolError(406, f"cannot answer a {form or 'SPARQL'} query in {request.headers.get('accept')!r}; available: {', '.join(offered)}")
    check_outbound(text, settings)
    sent, capped = cap_results(text, settings.max_rows)
    try:
        answer = store.forward_query(sent, media, default_graphs=graphs or None, named_graphs=named or None,
                                     timeout=settings.query_timeout)
        if answer.status == 400 and capped:
            # Report the error against the query as the client wrote it, not the capped one.
            answer = store.forward_query(text, media, timeout=settings.query_timeout)
    except QueryTimeout as exc:
        raise ProtocolError(503, f"{exc}; narrow the query or raise GEOKG_QUERY_TIMEOUT") from None
    except StoreUnavailable as exc:
        raise ProtocolError(503, str(exc), {"Retry-After": "1"}) from None
    if answer.status == 400:
        raise ProtocolError(400, f"malformed query: {answer.body.decode('utf-8', 'replace').strip()}")
    if answer.status != 200:
        raise ProtocolError(502 if answer.status >= 500 else answer.status,
                            f"the store answered {answer.status}: {answer.body.decode('utf-8', 'replace').strip()[:500]}")
    headers = {"Vary": "Accept"}
    if capped:
        headers["X-GeoKG-Result-Cap"] = str(settings.max_rows)
    return Response(answer.body, media_type=content_type(answer.media_type or media), headers=headers)


@router.get("/sparql", summary="SPARQL query (GET) or the service description")
def sparql_get(
    request: Request, store: StoreDep, settings: SettingsDep,
    default_graph_uri: GraphParam = None, named_graph_uri: NamedParam = None, query: str | None = None,
) -> Response:
    """Run ``query``; without one, return the SPARQL 1.1 Service Description of this endpoint."""
    if query is None:
        if "update" in request.query_params:
            raise ProtocolError(400, "SPARQL Update must be sent by POST")
        release = loaded_release(store, Iris(settings.base_iri))
        return service_description(str(request.url.replace(query="")), request.headers.get("accept"), settings, release,
                                   str(request.url_for("well_known_void")))
    return run_query(request, store, settings, query, default_graph_uri or [], named_graph_uri or [])


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
    return await run_in_threadpool(run_query, request, store, settings, text, graphs, named)
