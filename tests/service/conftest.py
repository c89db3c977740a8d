"""Fixtures of the service tests: a live service over each backend (embedded engine, remote server)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from geokg.settings import Settings
from support import BACKENDS, LiveServer, require_virtuoso, served_settings


@pytest.fixture(scope="session")
def virtuoso_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One Virtuoso server for the session, holding the bundled corpus (read-only use)."""
    require_virtuoso()
    yield from served_settings("virtuoso", tmp_path_factory.mktemp("virtuoso") / "store")


@pytest.fixture(scope="session", params=BACKENDS)
def backend_settings(request: pytest.FixtureRequest, bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a service over each backend: the managed embedded store, a remote Oxigraph server,
    or Virtuoso (the session's one server)."""
    if request.param == "virtuoso":
        yield request.getfixturevalue("virtuoso_settings")
        return
    folder = tmp_path_factory.mktemp(request.param) / "store"
    shutil.copytree(bundled_store_dir, folder)
    yield from served_settings(request.param, folder)


@pytest.fixture(scope="session")
def live(backend_settings: Settings) -> Iterator[LiveServer]:
    """A live read-only service over each backend."""
    with LiveServer(backend_settings) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=60) as c:
        yield c
