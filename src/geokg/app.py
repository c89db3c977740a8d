"""The one place that builds the app: the store, the REST API and SPARQL endpoint, the web pages.

The store is opened when the app starts and closed when it stops (FastAPI's lifespan); every
error GeoKG raises on purpose becomes one HTTP status here (:func:`geokg.errors.status_of`):
plain text for SPARQL protocol clients, an HTML page for browsers, problem+json otherwise.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geokg import __version__
from geokg.api.models import Health
from geokg.api.negotiation import choose
from geokg.api.routers import ask, concepts, figures, graph_store, ld, papers, questions, release, sparql, stats
from geokg.errors import GeoKGError, ProtocolError, status_of
from geokg.index.db import DEADLINE, SideIndex
from geokg.index.open import index_path, open_index
from geokg.index.sync import reconcile, update
from geokg.linked_data import router as linked_data
from geokg.load.write import GraphWrite
from geokg.model.vocab import Iris
from geokg.read.context import Reader
from geokg.review import router as review
from geokg.settings import Settings
from geokg.store import Store, open_store
from geokg.web import apidocs, editor, pages, search
from geokg.web.security import CONTENT_SECURITY_POLICY

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


def _protect(response: Response) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")


class _TooLarge(Exception):
    pass


def _is_too_large(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return all(_is_too_large(e) for e in exc.exceptions)
    return isinstance(exc, _TooLarge) or isinstance(exc.__cause__, _TooLarge)


class BodyLimit:
    """Refuses (413) a request whose body is over ``limit`` bytes, by Content-Length or by counting the
    bytes as they arrive (a chunked body has no length): nothing reads more than the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except Exception as exc:  # _TooLarge, perhaps wrapped in an ExceptionGroup by a middleware's task group
            if started or not _is_too_large(exc):
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(f"request body over the limit of {self.limit} bytes", status_code=413,
                                     headers={"Connection": "close"})
        await response(scope, receive, send)


#: See :func:`server_config`; the same for every worker process of ``geokg serve --workers``.
SERVER_OPTIONS: dict[str, object] = {"http": "h11", "h11_max_incomplete_event_size": 64 * 1024, "timeout_keep_alive": 5}


def server_config(app: FastAPI, **options: object) -> uvicorn.Config:
    """How GeoKG is served (``geokg serve`` and the tests alike): the h11 parser, whose limit on
    the size of a request's head refuses oversized headers, and a short keep-alive."""
    return uvicorn.Config(app, **SERVER_OPTIONS, **options)  # type: ignore[arg-type]


def write_lock_path(settings: Settings) -> Path | None:
    """The file that serialises writes among the processes serving one store (None: a memory store)."""
    if settings.write_lock:
        return settings.write_lock
    index = index_path(settings)
    return index.with_name(index.name + ".write.lock") if index else None


def _refresh_index(store: Store, index: SideIndex, prefix: str, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            indexed, dropped = reconcile(store, index, prefix)
            if indexed or dropped:
                log.info("side index: %d papers (re)indexed, %d dropped (written elsewhere)", indexed, dropped)
        except GeoKGError as exc:
            log.warning("side index refresh failed: %s", exc)


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

        app.state.graph_write = GraphWrite(store, iris, on_commit=committed, lock_path=write_lock_path(settings))
        stop = threading.Event()
        if settings.backend == "sparql" and settings.index_refresh > 0:
            # Other processes write this store too: pick up their writes in the lists and counts.
            threading.Thread(target=_refresh_index, args=(store, index, iris.paper_graph_prefix, settings.index_refresh, stop),
                             name="index-refresh", daemon=True).start()
        try:
            yield
        finally:
            stop.set()
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
    async def server_timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # W3C Server-Timing: the app's own time per response, seen in browsers' dev tools and bench/pages.py.
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        _protect(response)
        return response

    app.add_middleware(Deadline, seconds=settings.query_timeout)  # every request has its deadline
    # Outermost: the body limit counts what is actually received (chunked bodies too), before any route reads it.
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_exception_handler(GeoKGError, _geokg_error)
    app.add_exception_handler(RequestValidationError, _bad_parameters)
    app.add_exception_handler(sqlite3.OperationalError, _index_error)

    @app.get("/health", tags=["meta"], response_model=Health, summary="Liveness and store reachability")
    def health(request: Request) -> dict[str, str]:
        request.app.state.store.query("ASK { }")
        return {"status": "ok", "version": __version__}

    return app


def app_from_environment() -> FastAPI:
    """The app of one of several worker processes (``geokg serve --workers``): settings from GEOKG_*."""
    from geokg.settings import get_settings

    return create_app(get_settings())
