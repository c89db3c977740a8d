"""The one place that builds the app: the store, the REST API and SPARQL endpoint, the web pages.

The store is opened when the app starts and closed when it stops (FastAPI's lifespan); every
error GeoKG raises on purpose becomes one HTTP status here (:func:`geokg.errors.status_of`):
plain text for SPARQL protocol clients, an HTML page for browsers, problem+json otherwise.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from geokg import __version__
from geokg.api.models import Health
from geokg.api.negotiation import choose
from geokg.api.routers import ask, concepts, figures, graph_store, ld, papers, questions, release, sparql, stats
from geokg.errors import GeoKGError, ProtocolError, status_of
from geokg.index.db import DEADLINE
from geokg.index.open import open_index
from geokg.index.sync import reconcile, update
from geokg.linked_data import router as linked_data
from geokg.load.write import GraphWrite
from geokg.model.vocab import Iris
from geokg.read.context import Reader
from geokg.review import router as review
from geokg.settings import Settings
from geokg.store import open_store
from geokg.web import apidocs, editor, pages, search

log = logging.getLogger(__name__)
_TITLES = {400: "bad request", 401: "unauthorised", 403: "forbidden", 404: "not found", 406: "not acceptable",
           413: "request too large", 415: "unsupported media type", 422: "invalid parameters", 503: "unavailable"}
#: Paths of the protocol endpoints, whose clients expect plain-text errors.
_PROTOCOL_PATHS = ("/sparql", "/store")


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem document."""
    return JSONResponse({"type": "about:blank", "title": _TITLES.get(status, "error"), "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json", headers=headers)


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error in the form the client understands: plain text, an HTML page, or problem+json."""
    headers = dict(headers or {})
    if status == 503:
        headers.setdefault("Retry-After", "5")
    if request.url.path.startswith(_PROTOCOL_PATHS):
        return PlainTextResponse(message, status_code=status, headers=headers)
    if choose(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        response = pages.error_page(request, status, message)
        response.headers.update(headers)
        return response
    return problem(status, message, headers)


async def _geokg_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, GeoKGError):
        raise exc
    headers = exc.headers if isinstance(exc, ProtocolError) else None
    message = exc.message if isinstance(exc, ProtocolError) else str(exc)
    return error_response(request, status_of(exc), message, headers)


async def _index_error(request: Request, exc: Exception) -> Response:
    """The side index ran past the request's deadline (or is busy): unavailable for now, not a fault."""
    if not isinstance(exc, sqlite3.OperationalError):
        raise exc
    if "interrupted" in str(exc):
        return error_response(request, 503, "the request ran over the time limit and was stopped; narrow it or retry later")
    if "locked" in str(exc) or "busy" in str(exc):
        return error_response(request, 503, "the index is busy; retry the request")
    raise exc


async def _bad_parameters(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):
        raise exc
    problems = [f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
    return problem(422, "; ".join(problems))


class Deadline:
    """Reads of the side index stop at the query time limit too (see :data:`geokg.index.db.DEADLINE`).
    Plain ASGI rather than ``@app.middleware``: it costs nothing measurable per request."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan (reconciling the index at start) has no deadline
            await self.app(scope, receive, send)
            return
        token = DEADLINE.set(time.monotonic() + self.seconds)
        try:
            await self.app(scope, receive, send)
        finally:
            DEADLINE.reset(token)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the store is opened when it starts and closed when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings, served=True)
        iris = Iris(settings.base_iri)
        index = open_index(settings)
        indexed, dropped = reconcile(store, index, iris.paper_graph_prefix)
        log.info("side index: %d papers (re)indexed, %d dropped at start", indexed, dropped)
        reader = Reader(store, iris, index)
        app.state.store, app.state.reader = store, reader
        def committed(graphs: Mapping[str, str | bytes | None]) -> None:
            if any(not g.startswith(iris.paper_graph_prefix) for g in graphs):
                reader.forget()  # the ontology or catalogue changed: read labels and hierarchy again
            update(index, reader.context, graphs)

        app.state.graph_write = GraphWrite(store, iris, on_commit=committed)
        try:
            yield
        finally:
            store.close()

    # The documentation pages come from the package (geokg.web.apidocs), not FastAPI's CDN-loaded ones.
    app = FastAPI(title="GeoKG", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="A knowledge graph of geoscience data mining: SPARQL 1.1 endpoint and REST API.")
    app.state.settings = settings
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Content-Type", "Authorization"])
    for router in (sparql.router, graph_store.router, concepts.router, papers.router, stats.router, questions.router,
                   ask.router, figures.router, pages.router, search.router, apidocs.router, editor.router, ld.router, release.router):
        app.include_router(router)
    app.include_router(review)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    app.include_router(linked_data)  # last: its /{kind}/{id} route would shadow others

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_request_bytes):
            return PlainTextResponse(f"request body over the limit of {settings.max_request_bytes} bytes", status_code=413)
        return await call_next(request)

    @app.middleware("http")
    async def server_timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # W3C Server-Timing: the app's own time per response, seen in browsers' dev tools and bench/pages.py.
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    app.add_middleware(Deadline, seconds=settings.query_timeout)  # outermost: every request has its deadline
    app.add_exception_handler(GeoKGError, _geokg_error)
    app.add_exception_handler(RequestValidationError, _bad_parameters)
    app.add_exception_handler(sqlite3.OperationalError, _index_error)

    @app.get("/health", tags=["meta"], response_model=Health, summary="Liveness and store reachability")
    def health(request: Request) -> dict[str, str]:
        request.app.state.store.query("ASK { }")
        return {"status": "ok", "version": __version__}

    return app
