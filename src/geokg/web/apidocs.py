"""The REST API's documentation pages, served from the package: Swagger UI at /docs, ReDoc at /redoc.

FastAPI's own pages load both from a CDN (blank without internet); these use FastAPI's page builders
with the copies vendored in static/vendor/ (scripts/vendor-web-assets). The app is created with
``docs_url=None, redoc_url=None`` so that these routes take their place.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from geokg.web.security import policy_for

router = APIRouter(include_in_schema=False)


def _with_language(page: HTMLResponse) -> HTMLResponse:
    """FastAPI's pages declare no language (screen readers need one); the docs are in English."""
    body = bytes(page.body).replace(b"<html>", b'<html lang="en">', 1)
    return HTMLResponse(body, headers={"Content-Security-Policy": policy_for(body)})
VENDOR = "/static/vendor"
FAVICON = f"{VENDOR}/swagger-ui/favicon-32x32.png"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _with_language(get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title=f"{request.app.title} · REST API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js", swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        # validatorUrl: Swagger UI would send the spec's URL to the public validator for its badge.
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True}))


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _with_language(get_redoc_html(openapi_url=request.app.openapi_url, title=f"{request.app.title} · REST API",
                          redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js", redoc_favicon_url=FAVICON,
                          with_google_fonts=False))
