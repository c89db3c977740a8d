"""Open a store by backend name: the one factory every caller uses."""

from __future__ import annotations

from collections.abc import Callable

from geokg.settings import Settings
from geokg.store.protocol import Store


def _embedded(settings: Settings, served: bool, create: bool) -> Store:
    if served:
        from geokg.store.managed import ManagedStore

        return ManagedStore(settings.store, timeout=settings.query_timeout, memory_limit=settings.engine_memory_mb * 2**20,
                            isolated=settings.engine_isolation, allowlist=settings.service_allowlist)
    from geokg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store or None, create=create)


def _remote(settings: Settings, served: bool, create: bool) -> Store:
    from geokg.store.remote import RemoteStore

    if not settings.store:
        raise ValueError("the sparql backend needs the server's base URL (GEOKG_STORE)")
    return RemoteStore(settings.store, timeout=max(settings.query_timeout * 2, 60.0))


#: Backends by name (settings, CLI choices).
BACKENDS: dict[str, Callable[[Settings, bool, bool], Store]] = {"oxigraph": _embedded, "sparql": _remote}


def open_store(settings: Settings, *, served: bool = False, create: bool = True) -> Store:
    """Open the store the settings name.

    :param served: for ``geokg serve``: an embedded store is then queried through a managed engine
        process, so that an overrunning query can be stopped
    :param create: create an embedded store that does not exist yet (else it is an error)
    """
    if settings.backend not in BACKENDS:
        raise ValueError(f"unknown store backend {settings.backend!r}; choose one of: {', '.join(BACKENDS)}")
    return BACKENDS[settings.backend](settings, served, create)
