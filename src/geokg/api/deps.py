"""Dependencies shared by the routers: the store, the read model, the settings, the write token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from geokg.errors import ProtocolError
from geokg.read.context import Reader
from geokg.settings import Settings
from geokg.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass
class WriteAuth:
    """Checks the bearer token of a write; the token is compared in constant time and never echoed."""

    settings: Settings
    header: str | None

    def require(self) -> None:
        if not self.settings.write_token:
            raise ProtocolError(403, "this endpoint is read-only: writes are enabled only when GEOKG_WRITE_TOKEN is set")
        scheme, _, token = (self.header or "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), self.settings.write_token.encode()):
            raise ProtocolError(401, "writes need 'Authorization: Bearer <token>' with the configured write token",
                                {"WWW-Authenticate": 'Bearer realm="geokg"'})


def get_write_auth(request: Request) -> WriteAuth:
    return WriteAuth(request.app.state.settings, request.headers.get("authorization"))


StoreDep = Annotated[Store, Depends(get_store)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
WriteAuthDep = Annotated[WriteAuth, Depends(get_write_auth)]
