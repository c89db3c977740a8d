"""The Docker image and the compose topology, checked without Docker (no engine on these machines):
the image's own command serves the bundled corpus from an empty volume; the compose file's store,
loader and API replicas run as processes wired exactly as docker-compose.yml wires them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from geokg import resources
from geokg.store.servers import free_port
from support import OxigraphServer

COMPOSE = resources.home() / "docker-compose.yml"
DOCKERFILE = resources.home() / "Dockerfile"
EXAMPLE = "10.1038/s41561-024-01517-y"


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def dockerfile() -> dict[str, list[str]]:
    """The Dockerfile's instructions by keyword (continuation lines joined)."""
    out: dict[str, list[str]] = {}
    for line in re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8")).splitlines():
        if line.strip() and not line.startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            out.setdefault(keyword, []).append(rest.strip())
    return out


def replicas(service: dict) -> int:  # type: ignore[type-arg]
    """``deploy.replicas``, with a ``${VAR:-default}`` read as its default."""
    value = str(service["deploy"]["replicas"])
    match = re.fullmatch(r"\$\{\w+:-(\d+)\}", value)
    return int(match[1]) if match else int(value)


def test_compose_file_structure() -> None:
    c = compose()
    assert set(c["services"]) == {"store", "loader", "api"}
    store, loader, api = (c["services"][n] for n in ("store", "loader", "api"))
    # One image: built once, by one service, and run by every service.
    assert [n for n, s in c["services"].items() if "build" in s] == ["store"]
    assert {s["image"] for s in c["services"].values()} == {store["image"]}
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
    # Several API replicas: each its own published port, their write lock on a volume they share.
    assert replicas(api) >= 2
    low, high = re.search(r":(\d+)-(\d+):8000$", api["ports"][0]).groups()  # type: ignore[union-attr]
    assert int(high) - int(low) + 1 >= replicas(api)
    lock_dir = str(Path(api["environment"]["GEOKG_WRITE_LOCK"]).parent)
    assert any(v.endswith(f":{lock_dir}") and v.split(":")[0] in c["volumes"] for v in api["volumes"])


def test_the_image_runs_alone_as_its_user_on_its_volume() -> None:
    d = dockerfile()
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(d["ENV"])))
    volume = d["VOLUME"][0]
    assert d["USER"] == ["geokg"]
    assert env["GEOKG_STORE"].startswith(volume + "/"), "the store lives in the volume"
    run = " ".join(d["RUN"])
    owned = re.search(r"chown geokg ([^&]+)", run)[1].split()  # type: ignore[index]
    assert volume in owned and "/app/.geokg" in owned, "the user writes where the service writes"
    api = compose()["services"]["api"]
    assert str(Path(api["environment"]["GEOKG_WRITE_LOCK"]).parent) in owned
    assert d["CMD"] == ['["geokg", "serve", "--host", "0.0.0.0"]'] and d["EXPOSE"] == ["8000"]


def test_the_images_command_serves_the_bundled_corpus_from_an_empty_volume(tmp_path: Path) -> None:
    """`docker run -p 8000:8000 IMAGE` without Docker: the CMD, the image's GEOKG_STORE moved into a
    fresh folder standing for the volume."""
    d = dockerfile()
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(d["ENV"])))
    volume = d["VOLUME"][0]
    port = free_port()
    command = [a.strip('"') for a in d["CMD"][0].strip("[]").split(", ")]
    store = str(tmp_path / "volume") + env["GEOKG_STORE"][len(volume):]
    image_env = {k: v for k, v in env.items() if k.startswith("GEOKG_") and k != "GEOKG_HOME"}  # the code is here, not in /app
    run_env = {**os.environ, **image_env, "GEOKG_STORE": store, "GEOKG_HOST": "127.0.0.1", "GEOKG_PORT": str(port)}
    api = subprocess.Popen([sys.executable, "-m", "geokg", *command[1:command.index("--host")]], env=run_env,
                           cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(port, api)
        papers = httpx.get(f"http://127.0.0.1:{port}/papers", params={"per_page": 100}).json()
        assert papers["total"] == 35
        assert Path(store).is_dir(), "the store is in the volume"
    finally:
        api.terminate()
        api.wait(timeout=30)


def _env(service: dict, store_url: str, tmp_path: Path) -> dict[str, str]:  # type: ignore[type-arg]
    env = {**os.environ, **{k: str(v) for k, v in service.get("environment", {}).items() if "${" not in str(v)}}
    env["GEOKG_STORE"] = store_url  # the compose service name becomes this test's 127.0.0.1 address
    if "GEOKG_WRITE_LOCK" in env:  # the shared volume becomes a folder of this test
        env["GEOKG_WRITE_LOCK"] = str(tmp_path / "locks" / Path(env["GEOKG_WRITE_LOCK"]).name)
    return env


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and process.poll() is None, "the API did not come up"
        time.sleep(0.1)


def test_topology_without_docker(tmp_path: Path) -> None:
    c = compose()
    with OxigraphServer(tmp_path / "data") as store:
        loader = subprocess.run([sys.executable, "-m", "geokg", *c["services"]["loader"]["command"][1:]],
                                env=_env(c["services"]["loader"], store.url, tmp_path), capture_output=True, text=True, timeout=300)
        assert loader.returncode == 0, loader.stderr
        assert "35 written" in loader.stdout
        api_service = c["services"]["api"]
        apis: list[tuple[int, subprocess.Popen[bytes]]] = []
        try:
            for replica in range(replicas(api_service)):
                port = free_port()
                command = [a if a != "0.0.0.0" else "127.0.0.1" for a in api_service["command"][1:]]  # noqa: S104 - made loopback
                command[command.index("--port") + 1] = str(port)
                env = {**_env(api_service, store.url, tmp_path), "GEOKG_INDEX": str(tmp_path / f"replica-{replica}.sqlite")}
                apis.append((port, subprocess.Popen([sys.executable, "-m", "geokg", *command], env=env,
                                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
            query = (resources.queries_dir() / "papers-by-method-purpose-datatype.rq").read_text(encoding="utf-8")
            for port, process in apis:
                _wait_healthy(port, process)
                r = httpx.post(f"http://127.0.0.1:{port}/sparql", data={"query": query}, headers={"Accept": "text/csv"})
                assert r.status_code == 200 and EXAMPLE in r.text
                assert httpx.get(f"http://127.0.0.1:{port}/papers/{EXAMPLE}").status_code == 200
            # The loader is idempotent: a second run (a compose restart) writes nothing.
            again = subprocess.run([sys.executable, "-m", "geokg", "load"], env=_env(c["services"]["loader"], store.url, tmp_path),
                                   capture_output=True, text=True, timeout=300)
            assert "0 written, 35 unchanged" in again.stdout
        finally:
            for _, process in apis:
                process.terminate()
                process.wait(timeout=30)
