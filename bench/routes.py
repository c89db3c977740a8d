"""Every route and page of a fixed list at N papers, one client at a time: p50 and p95 per route.

    .venv/bin/python bench/routes.py --size 10000          # stages the store once (bench/results/tmp/)
    .venv/bin/python bench/routes.py --size 100000 --runs 20

The store holds the bundled corpus plus N synthetic papers (bench/synthetic.py, seeded) and its
side index. A `geokg serve --no-load` answers each route ``--runs`` times after two warm-up
requests (the first one's time is reported too: the index keeps some answers until it changes); then one paper is written through the Graph Store (with a write token) and the time
until it shows in /papers/{doi}, /papers?q= and the kept counts is measured. Numbers, not
assertions: bench/results/routes-N.json and a Markdown table on standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402
from geokg.store.engine import free_port  # noqa: E402
from measure import percentile  # noqa: E402

RESULTS = ROOT / "bench" / "results"
RAIN = "10.1038/s41561-024-01517-y"
COMPARED = "&".join(f"doi={quote(d)}" for d in (RAIN, synthetic.doi(1), synthetic.doi(2), synthetic.doi(3), synthetic.doi(4)))
#: The fixed list of issue 18: (name, path). Concept ids: the largest family and a leaf.
ROUTES: list[tuple[str, str]] = [
    ("home", "/"),
    ("/figures/method-family-by-data-type", "/figures/method-family-by-data-type"),
    ("/figures/papers-per-year-by-focus", "/figures/papers-per-year-by-focus"),
    ("/figures/method-cooccurrence", "/figures/method-cooccurrence"),
    ("/figures/paper-neighbourhood", f"/figures/paper-neighbourhood/{RAIN}"),
    ("/stats", "/stats"),
    ("/search (page)", "/search?q=bootstrap%20uncertainty%20on%20satellite%20data"),
    ("/browse method", "/browse?scheme=method"),
    ("/browse purpose", "/browse?scheme=purpose"),
    ("/browse data-type", "/browse?scheme=data-type"),
    ("/browse process", "/browse?scheme=process"),
    ("/concept largest family", "/concept/statistics-regression"),
    ("/concept leaf", "/concept/bootstrap"),
    ("/paper/{id}", "/paper/s41561-024-01517-y"),
    ("/papers", "/papers"),
    ("/papers 1 facet", "/papers?method=statistics-regression"),
    ("/papers 2 facets", "/papers?method=resampling&data_type=remote-sensing"),
    ("/papers 3 facets", "/papers?method=resampling&data_type=remote-sensing&purpose=uncertainty-quantification"),
    ("/papers q=", "/papers?q=glacier"),
    ("/papers page 50", "/papers?method=statistics-regression&page=50"),
    ("/ask en", "/ask?q=which%20papers%20use%20bootstrap%20uncertainty%20on%20satellite%20data"),
    ("/ask zh", "/ask?q=" + quote("哪些论文用机器学习研究冰川?")),
    ("/concepts?q=", "/concepts?q=random%20forests"),
    ("/compare of 5", f"/compare?{COMPARED}"),
    ("/papers/{doi}", f"/papers/{RAIN}"),
]
HTML = {"Accept": "text/html"}


def staged(size: int) -> Path:
    """The store for ``size`` synthetic papers (and its side index), staged once."""
    folder = RESULTS / "tmp" / f"routes-store-{size}"
    if not (folder.parent / f"{folder.name}.complete").exists():
        started = time.perf_counter()
        synthetic.stage_store(size, folder)
        (folder.parent / f"{folder.name}.complete").write_text(f"{time.perf_counter() - started:.1f}\n")
    return folder


def serve(store: Path, token: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "GEOKG_WRITE_TOKEN": token, "GEOKG_QUERY_TIMEOUT": "120"}
    process = subprocess.Popen([sys.executable, "-m", "geokg", "--store", str(store), "serve", "--no-load", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("geokg serve did not become healthy")


def time_route(http: httpx.Client, path: str, runs: int) -> dict[str, Any]:
    headers = HTML if not path.startswith(("/papers", "/figures", "/stats", "/ask", "/concepts?", "/compare")) else {}
    started = time.perf_counter()
    http.get(path, headers=headers)  # the first request: nothing kept yet (the index keeps some answers until it changes)
    first = (time.perf_counter() - started) * 1000
    http.get(path, headers=headers)
    times, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = http.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return {"status": status, "first_ms": round(first, 1), "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "bytes": len(response.content)}


def write_and_see(http: httpx.Client, token: str) -> dict[str, Any]:
    """Replace one paper's graph through the Graph Store; seconds until every view shows the change."""
    doi = synthetic.doi(7)
    graph = f"https://w3id.org/geokg/graph/paper/{synthetic.paper_id(7)}"
    body = http.get("/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}).text
    word = f"benchmarkword{secrets.token_hex(3)}"
    # the title and its label (an earlier run's word replaced: the staged store is reused)
    changed = re.sub(r"Synthetic study 7 (\(benchmarkword\w+\) )?of", f"Synthetic study 7 ({word}) of", body)
    before = http.get("/stats").json()["papers"]
    started = time.perf_counter()
    put = http.put("/store", params={"graph": graph}, content=changed.encode(),
                   headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"})
    acknowledged = time.perf_counter() - started
    while time.perf_counter() - started < 30:
        found = http.get("/papers", params={"q": word}).json()["total"] == 1
        title = word in http.get(f"/papers/{doi}").json()["title"].get("en", "")
        if found and title and http.get("/stats").json()["papers"] == before:
            break
        time.sleep(0.05)
    return {"status": put.status_code, "acknowledged_s": round(acknowledged, 3),
            "consistent_s": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    store = staged(args.size)
    token = secrets.token_urlsafe(24)
    process, url = serve(store, token)
    out: dict[str, Any] = {"size": args.size, "papers": None, "routes": {}}
    try:
        with httpx.Client(base_url=url, timeout=300) as http:
            out["papers"] = http.get("/stats").json()["papers"]
            for name, path in ROUTES:
                out["routes"][name] = time_route(http, path, args.runs)
                print(f"{name:40} {out['routes'][name]}", flush=True)
            out["write"] = write_and_see(http, token)
    finally:
        process.terminate()
        process.wait(timeout=60)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"routes-{args.size}.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"\n| route | status | first ms | p50 ms | p95 ms | KiB |  (N={out['papers']:,} papers)\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in out["routes"].items():
        print(f"| {name} | {r['status']} | {r['first_ms']} | {r['p50_ms']} | {r['p95_ms']} | {r['bytes'] / 1024:.0f} |")
    print(f"\nwrite one paper (Graph Store PUT): acknowledged {out['write']['acknowledged_s']} s, "
          f"visible everywhere {out['write']['consistent_s']} s")


if __name__ == "__main__":
    main()
