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
    from geokg.store.adapters import adapter
    from geokg.store.remote import RemoteStore, http_auth

    if not settings.store or "://" not in settings.store:
        raise ValueError(f"the sparql backend needs the server's base URL (GEOKG_STORE), not {settings.store!r}")
    engine = adapter(settings.engine)
    auth = http_auth(engine.auth_scheme, settings.store_user, settings.store_password)
    endpoints = engine.endpoints(settings.store, query=settings.query_endpoint, update=settings.update_endpoint,
                                 graph_store=settings.graph_store_endpoint, union_graph=settings.union_graph,
                                 authenticated=auth is not None)
    return RemoteStore(settings.store, timeout=max(settings.query_timeout * 2, 60.0), adapter=engine,
                       endpoints=endpoints, auth=auth)


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
