"""The application factory: starts (or connects to) the store for the app's lifetime."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from geokg import __version__
from geokg.api.deps import ProtocolError
from geokg.api.negotiation import choose
from geokg.api.routers import ask, concepts, figures, graph_store, ld, papers, questions, sparql, stats
from geokg.engine import ManagedOxigraph
from geokg.errors import QueryError, StoreUnavailable
from geokg.settings import Settings
from geokg.web import apidocs, editor, pages
from geokg.web.pages import STATIC
from geokg.store.remote import RemoteStore


def open_backend(settings: Settings) -> tuple[RemoteStore, ManagedOxigraph | None]:
    """The store the service talks to: a managed engine on the store folder, or a remote server."""
    if settings.backend == "sparql":
        return RemoteStore(settings.store), None
    engine = ManagedOxigraph(settings.store, timeout=settings.query_timeout, memory_limit=settings.engine_memory_mb * 2**20)
    engine.start()
    return RemoteStore(engine.url), engine


_TITLES = {400: "bad request", 401: "unauthorised", 403: "forbidden", 404: "not found", 406: "not acceptable",
           413: "request too large", 415: "unsupported media type", 422: "invalid parameters", 503: "unavailable"}


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem document."""
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json", headers=headers)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the store is opened when it starts and closed when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store, app.state.engine = open_backend(settings)
        try:
            yield
        finally:
            app.state.store.close()
            if app.state.engine is not None:
                app.state.engine.stop()

    # The documentation pages come from the package (geokg.web.apidocs), not FastAPI's CDN-loaded ones.
    app = FastAPI(title="GeoKG", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="A knowledge graph of geoscience data mining: SPARQL 1.1 endpoint and REST API.")
    app.state.settings = settings
    app.state.write_gate = None
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Content-Type", "Authorization"])
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    for router in (concepts.router, papers.router, stats.router, questions.router, ask.router, figures.router):
        app.include_router(router)

    app.include_router(pages.router)
    app.include_router(apidocs.router)
    app.include_router(editor.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(ld.router)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_request_bytes):
            return PlainTextResponse(f"request body over the limit of {settings.max_request_bytes} bytes", status_code=413)
        return await call_next(request)

    @app.middleware("http")
    async def server_timing(request: Request, call_next):  # type: ignore[no-untyped-def]
        # W3C Server-Timing: the app's own time per response, seen in browsers' dev tools and bench/pages.py.
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.exception_handler(ProtocolError)
    async def protocol_error(request: Request, exc: ProtocolError) -> Response:
        if request.url.path.startswith(("/sparql", "/store")):
            # SPARQL clients expect plain text errors from the protocol endpoints.
            return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)
        if choose(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
            return pages.error_page(request, exc.status, exc.message)  # a browser: a page, not JSON
        return problem(exc.status, _TITLES.get(exc.status, "error"), exc.message, exc.headers)

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> Response:
        return problem(400, "bad request", str(exc))

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> Response:
        return PlainTextResponse(f"the store is unavailable: {exc}", status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return problem(422, "invalid parameters", "; ".join(problems))

    @app.get("/health", tags=["meta"], summary="Liveness and store reachability")
    def health(request: Request) -> JSONResponse:
        request.app.state.store.query("ASK { }")
        return JSONResponse({"status": "ok", "version": __version__})

    return app
