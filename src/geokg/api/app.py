"""The application factory: opens the store for the app's lifetime, mounts the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from geokg import __version__
from geokg.api.routers import sparql
from geokg.settings import Settings
from geokg.store import Store, open_store


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; it opens (and closes) the configured store unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_store(settings.backend, settings.store)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(title="GeoKG", version=__version__, lifespan=lifespan,
                  description="A knowledge graph of geoscience data mining: SPARQL 1.1 endpoint and REST API.")
    app.state.settings = settings
    app.include_router(sparql.router)

    @app.exception_handler(sparql.ProtocolError)
    async def protocol_error(request: Request, exc: sparql.ProtocolError) -> PlainTextResponse:
        return PlainTextResponse(exc.message, status_code=exc.status)

    @app.get("/health", tags=["meta"], summary="Liveness and store reachability")
    def health() -> dict[str, str]:
        app.state.store.query("ASK { }")
        return {"status": "ok"}

    return app
