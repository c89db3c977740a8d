"""Where a store's side index lives, and opening it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from geokg.index.db import SideIndex
from geokg.settings import Settings


def index_path(settings: Settings) -> Path | None:
    """The index file of the settings' store: beside an embedded store's folder, under .geokg/ for a
    remote store (one per server URL), None (memory) for a memory store."""
    if settings.index:
        return settings.index
    if settings.backend == "oxigraph":
        return Path(settings.store).with_name(Path(settings.store).name + ".index.sqlite") if settings.store else None
    return Path(".geokg") / f"index-{hashlib.sha256(settings.store.encode()).hexdigest()[:12]}.sqlite"


def open_index(settings: Settings) -> SideIndex:
    return SideIndex(index_path(settings))
