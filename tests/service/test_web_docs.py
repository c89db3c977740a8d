"""The API documentation pages work offline: Swagger UI (/docs) and ReDoc (/redoc) come from the
package, and the page test fails on any request that leaves the server (tests/webpage.py)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from webpage import axe_violations

VENDOR = Path(__file__).resolve().parents[2] / "src/geokg/web/static/vendor"


def test_swagger_ui_renders_every_route_offline(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("GeoKG")
    paths = api.get("/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    expect(page.locator(".opblock")).to_have_count(operations)
    # try a route from the page: the call goes to this server
    block = page.locator(".opblock-get", has=page.locator("[data-path='/stats']")).first
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Execute").click()
    expect(block.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200")
    page.screenshot(path=shots / "api-docs-swagger.png")


def test_redoc_renders_offline(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto("/redoc")
    expect(page.locator("h1")).to_contain_text("GeoKG")
    summary = api.get("/openapi.json").json()["paths"]["/stats"]["get"]["summary"]
    expect(page.get_by_role("heading", name=summary).first).to_be_visible()
    page.screenshot(path=shots / "api-docs-redoc.png")


def test_docs_pages_load_only_local_assets(api: httpx.Client) -> None:
    for path in ("/docs", "/redoc"):
        body = api.get(path).text
        assert "cdn" not in body.lower() and "googleapis" not in body, path
        assert "/static/vendor/" in body, path


def test_vendored_files_match_the_manifest() -> None:
    """Every vendored file is the one scripts/vendor-web-assets recorded (nothing edited by hand)."""
    import hashlib

    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    root = VENDOR.parents[3].parent  # the checkout
    for entry in manifest["packages"]:
        folder = root / entry["folder"]
        assert sorted(p.name for p in folder.iterdir()) == sorted(entry["files"]), entry["package"]
        assert any(name.startswith("LICENSE") for name in entry["files"]), f"{entry['package']}: licence missing"
        for name, facts in entry["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == facts["sha256"], f"{entry['folder']}/{name}"


def test_docs_accessibility(page: Page) -> None:
    """ReDoc passes axe; Swagger UI's own markup nests its expand button in a clickable row and uses
    light greys (upstream issues, not GeoKG's pages): everything else must pass there too."""
    page.goto("/redoc")
    expect(page.locator("h1")).to_contain_text("GeoKG")
    assert not axe_violations(page)
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    upstream = {"nested-interactive", "color-contrast"}
    assert not [v for v in axe_violations(page) if v["id"] not in upstream]
