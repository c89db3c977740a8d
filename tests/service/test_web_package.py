"""The wheel ships the web pages' templates, scripts and vendored libraries (nothing from a CDN)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from support import ROOT


def test_the_wheel_contains_the_vendored_libraries(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("geokg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    manifest = json.loads((ROOT / "src/geokg/web/static/vendor/MANIFEST.json").read_text(encoding="utf-8"))
    shipped = [e for e in manifest["packages"] if e["folder"].startswith("src/geokg/")]
    assert {e["package"] for e in shipped} == {"@zazuko/yasgui", "echarts", "swagger-ui-dist", "redoc"}
    for entry in shipped:
        for name in entry["files"]:
            assert f"{entry['folder'][len('src/'):]}/{name}" in names
    for page in ("charts.js", "chartkit.js", "editor.js", "yasr-plugins.js", "geokg.css", "vendor/MANIFEST.json"):
        assert f"geokg/web/static/{page}" in names
    assert "geokg/web/templates/editor.html" in names
    assert not any(n.startswith("tests/") or "axe" in n for n in names)  # the test-only library stays out
