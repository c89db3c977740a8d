"""Settings, from ``GEOKG_*`` environment variables (CLI flags override them)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geokg.model.vocab import DEFAULT_BASE

_PLACEHOLDERS = {"changeme", "change-me", "secret", "token", "password", "xxx"}


class Settings(BaseSettings):
    """Every setting of GeoKG; read once, passed down (never read from the environment elsewhere)."""

    model_config = SettingsConfigDict(env_prefix="GEOKG_", frozen=True)

    backend: str = "oxigraph"
    """Store backend: ``oxigraph`` (embedded, on disk) or ``sparql`` (a remote SPARQL 1.1 server)."""
    store: str = ".geokg/store"
    """Folder of the embedded store, or the remote server's base URL for the ``sparql`` backend."""
    engine: str = "oxigraph"
    """The SPARQL server behind the ``sparql`` backend: ``oxigraph``, ``virtuoso``, ``geokg`` (another
    GeoKG server: a read replica) or ``generic`` (any SPARQL 1.1 server; give its endpoints)."""
    query_endpoint: str = ""
    """Its SPARQL query endpoint (URL, or path under GEOKG_STORE); empty: the engine's usual one."""
    update_endpoint: str = ""
    """Its SPARQL Update endpoint; ``none``: the store is read-only; empty: the engine's usual one."""
    graph_store_endpoint: str = ""
    """Its Graph Store Protocol endpoint; ``none``: graphs are written by SPARQL Update; empty: the engine's usual one."""
    union_graph: str = ""
    """How it exposes the union of the named graphs: ``default`` (its default graph is the union), an IRI
    it reads as the union (Jena: ``urn:x-arq:UnionGraph``), or empty: the engine's usual way."""
    index_refresh: float = 30.0
    """Seconds between checks that the side index matches a remote store that other processes also write
    (replicas, several API processes); 0: never. The embedded store has one writer and needs none."""
    write_lock: Path | None = None
    """File whose lock serialises writes between API processes sharing a store (default: beside the side index)."""
    store_user: str = ""
    """Account GeoKG writes to the server with (Virtuoso: a user with SPARQL_UPDATE, e.g. ``dba``)."""
    store_password: str = ""
    """Password of that account (for a GeoKG server: its write token)."""
    base_iri: str = DEFAULT_BASE
    """Base of the IRIs minted for papers, datasets, journals and graphs."""
    host: str = "127.0.0.1"
    """Address ``geokg serve`` binds to."""
    port: int = 8000
    """Port ``geokg serve`` listens on."""
    query_timeout: float = 30.0
    """Seconds a SPARQL query may run; an overrunning query is stopped and answered with 503."""
    max_concurrent_queries: int = 8
    """SPARQL queries run at once through ``/sparql`` (more wait their turn, off the threads cheap routes use)."""
    max_rows: int = 10_000
    """Most solutions a SELECT/CONSTRUCT/DESCRIBE returns through ``/sparql`` (a LIMIT is added)."""
    engine_memory_mb: int = 4096
    """Resident-memory cap of the embedded query engine process, in MiB (0: none); over it the engine is restarted."""
    engine_isolation: bool = True
    """Run the embedded query engine in a private network namespace, reachable only by GeoKG (needs
    unprivileged user namespaces); off: the engine listens on a 127.0.0.1 port any local process can use."""
    write_token: str = ""
    """Bearer token that enables writes (SPARQL Update, Graph Store writes); empty: read-only."""
    service_allowlist: list[str] = []
    """Endpoints a SERVICE clause may call (exact IRIs or prefixes ending in '/'); empty: none."""
    cors_origins: list[str] = []
    """Origins allowed to call the API from a browser (``*`` for any)."""
    max_request_bytes: int = 1_000_000
    """Largest request body accepted."""
    index: Path | None = None
    """The side index file (lists, counts, text search); default: beside the embedded store, or under .geokg/ for a remote one."""
    home: Path | None = None
    """Folder holding ontology/, shapes/, queries/ and loaders/ (default: the checkout)."""
    ontologies: Path | None = None
    """Local copies of the external ontologies the mappings point to (default: shared/ontologies beside the home)."""

    @model_validator(mode="after")
    def _refuse_weak_tokens(self) -> Settings:
        token = self.write_token
        if token and (len(token) < 16 or token.lower() in _PLACEHOLDERS):
            raise ValueError("GEOKG_WRITE_TOKEN must be at least 16 characters and not a placeholder")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, from its environment."""
    return Settings()
