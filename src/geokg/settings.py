"""Settings, from ``GEOKG_*`` environment variables (CLI flags override them)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from geokg.vocab import DEFAULT_BASE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GEOKG_", frozen=True)

    backend: str = "oxigraph"
    """Store backend: ``oxigraph`` (embedded, on disk) or ``sparql`` (a remote SPARQL 1.1 server)."""
    store: str = ".geokg/store"
    """Folder of the embedded store, or the remote server's base URL for the ``sparql`` backend."""
    base_iri: str = DEFAULT_BASE
    """Base of the IRIs minted for papers, datasets, journals and graphs."""
    host: str = "127.0.0.1"
    """Address ``geokg serve`` binds to."""
    port: int = 8000
    """Port ``geokg serve`` listens on."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
