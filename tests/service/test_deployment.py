"""The compose topology, run without Docker (no engine on these machines): an Oxigraph server
process, the loader process, and the API process, wired exactly as docker-compose.yml wires them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from geokg import resources
from geokg.store.engine import free_port
from support import OxigraphServer

COMPOSE = resources.home() / "docker-compose.yml"


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_file_structure() -> None:
    c = compose()
    assert set(c["services"]) == {"store", "loader", "api"}
    store, loader, api = (c["services"][n] for n in ("store", "loader", "api"))
    assert store["command"][:2] == ["oxigraph", "serve"] and "--union-default-graph" in store["command"]
    assert any(v.startswith("geokg-data:") for v in store["volumes"]) and "geokg-data" in c["volumes"]
    assert "ports" not in store and "ports" not in loader, "only the API is published"
    assert loader["depends_on"]["store"]["condition"] == "service_healthy"
    assert api["depends_on"]["loader"]["condition"] == "service_completed_successfully"
    for service in (store, api):
        assert service["healthcheck"]["test"][0] == "CMD"
    assert loader["command"] == ["geokg", "load"]
    for service in (loader, api):
        assert service["environment"]["GEOKG_BACKEND"] == "sparql"
        assert service["environment"]["GEOKG_STORE"] == "http://store:7878"
    assert (resources.home() / "Dockerfile").is_file()


def _env(service: dict, store_url: str) -> dict[str, str]:  # type: ignore[type-arg]
    env = {**os.environ, **{k: str(v) for k, v in service.get("environment", {}).items() if "${" not in str(v)}}
    env["GEOKG_STORE"] = store_url  # the compose service name becomes this test's 127.0.0.1 address
    return env


def test_topology_without_docker(tmp_path: Path) -> None:
    c = compose()
    with OxigraphServer(tmp_path / "data") as store:
        loader = subprocess.run([sys.executable, "-m", "geokg", *c["services"]["loader"]["command"][1:]],
                                env=_env(c["services"]["loader"], store.url), capture_output=True, text=True, timeout=300)
        assert loader.returncode == 0, loader.stderr
        assert "35 written" in loader.stdout
        port = free_port()
        command = [a if a != "0.0.0.0" else "127.0.0.1" for a in c["services"]["api"]["command"][1:]]  # noqa: S104 - made loopback
        command[command.index("--port") + 1] = str(port)
        api = subprocess.Popen([sys.executable, "-m", "geokg", *command], env=_env(c["services"]["api"], store.url),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline and api.poll() is None, "the API did not come up"
                time.sleep(0.1)
            query = (resources.queries_dir() / "papers-by-method-purpose-datatype.rq").read_text(encoding="utf-8")
            r = httpx.post(f"http://127.0.0.1:{port}/sparql", data={"query": query}, headers={"Accept": "text/csv"})
            assert r.status_code == 200 and "10.1038/s41561-024-01517-y" in r.text
            # The loader is idempotent: a second run (a compose restart) writes nothing.
            again = subprocess.run([sys.executable, "-m", "geokg", "load"], env=_env(c["services"]["loader"], store.url),
                                   capture_output=True, text=True, timeout=300)
            assert "0 written, 35 unchanged" in again.stdout
        finally:
            api.terminate()
            api.wait(timeout=30)
