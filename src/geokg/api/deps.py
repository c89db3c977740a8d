"""Dependencies shared by the routers, and the protocol error they raise."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from geokg.engine import ManagedOxigraph
from geokg.settings import Settings
from geokg.store import Store


class ProtocolError(Exception):
    """A request the service refuses: HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_engine(request: Request) -> ManagedOxigraph | None:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


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
EngineDep = Annotated[ManagedOxigraph | None, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
WriteAuthDep = Annotated[WriteAuth, Depends(get_write_auth)]
