"""A bounded load test from a second process: concurrent clients on 127.0.0.1 for N seconds.

Usage: .venv/bin/python bench/load.py [--seconds 60] [--clients 8] [--store DIR] [--route R ...]
Starts `geokg serve` on the store (default: the bundled corpus, loaded fresh), runs the load
generator in a separate process, and reports requests, error rate, p50/p95/p99 per route,
requests/s, and the resident memory of the API and engine processes before and after.
Writes bench/results/load.json. bench/suite.py uses :func:`measure` on its own servers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from measure import children, percentile, rss_mb  # noqa: E402
from serving import served  # noqa: E402

EXAMPLE = (ROOT / "queries" / "papers-by-method-purpose-datatype.rq").read_text(encoding="utf-8")
#: Route name → (method, path, SPARQL body). ``{doi}`` in a path cycles through the DOIs given.
ROUTES = {
    "/papers/{doi}": ("GET", "/papers/{doi}", None),
    "/concepts?q=": ("GET", "/concepts?q=random%20forests", None),
    "/ask": ("GET", "/ask?q=which%20papers%20use%20bootstrap%20uncertainty%20on%20satellite%20data", None),
    "/papers 2 facets": ("GET", "/papers?method=resampling&data_type=remote-sensing", None),
    "/sparql example": ("POST", "/sparql", EXAMPLE),
    "/questions/{name}": ("GET", "/questions/papers-by-method?method=random-forest", None),
}
BUNDLED_DOIS = ("10.1038/s41561-024-01517-y",)


def request(http: httpx.Client, name: str, doi: str) -> httpx.Response:
    method, path, body = ROUTES[name]
    if method == "POST":
        return http.post(path, data={"query": body}, headers={"Accept": "application/sparql-results+json"})
    return http.get(path.replace("{doi}", doi))


def generate(url: str, routes: list[str], dois: list[str], seconds: float, clients: int,
             queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The load generator (runs in its own process): each client cycles through the routes."""
    results: dict[str, list[float]] = {r: [] for r in routes}
    errors: dict[str, int] = dict.fromkeys(routes, 0)
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            i = offset
            while time.monotonic() < stop:
                name = routes[i % len(routes)]
                doi = dois[(i * 7919) % len(dois)]
                i += 1
                start = time.perf_counter()
                try:
                    ok = request(http, name, doi).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    results[name].append(elapsed)
                    if not ok:
                        errors[name] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((results, errors))


def measure(url: str, server_pid: int, routes: list[str], seconds: float, clients: int,
            dois: tuple[str, ...] | list[str] = BUNDLED_DOIS) -> dict:  # type: ignore[type-arg]
    """Load a running server from a second process; per-route latency and requests/s, and RSS."""
    with httpx.Client(base_url=url, timeout=60) as http:
        for name in routes:  # warm up every route once
            if request(http, name, dois[0]).status_code != 200:
                raise RuntimeError(f"{name} does not answer 200 on {url}")
    pids = [server_pid, *children(server_pid)]
    before = {pid: rss_mb(pid) for pid in pids}
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    worker = multiprocessing.Process(target=generate, args=(url, routes, list(dois), seconds, clients, queue))
    start = time.monotonic()
    worker.start()
    results, errors = queue.get(timeout=seconds + 300)
    worker.join()
    wall = time.monotonic() - start
    after = {pid: rss_mb(pid) for pid in pids}
    total = sum(len(v) for v in results.values())
    return {
        "seconds": round(wall, 1), "clients": clients, "requests": total, "errors": sum(errors.values()),
        "error_rate": round(sum(errors.values()) / max(1, total), 5), "requests_per_s": round(total / wall, 1),
        "rss_mb_before": {str(k): round(v, 1) for k, v in before.items()}, "rss_mb_after": {str(k): round(v, 1) for k, v in after.items()},
        "routes": {name: {"requests": len(v), "errors": errors[name], "p50_ms": round(statistics.median(v), 2) if v else None,
                          "p95_ms": round(percentile(v, 0.95), 2), "p99_ms": round(percentile(v, 0.99), 2),
                          "requests_per_s": round(len(v) / wall, 1)} for name, v in results.items()},
    }


def run(store: Path, seconds: float, clients: int, routes: list[str], dois: tuple[str, ...] | list[str] = BUNDLED_DOIS) -> dict:  # type: ignore[type-arg]
    """Serve ``store`` and load it (see :func:`measure`)."""
    with served(store) as (server, url):
        return measure(url, server.pid, routes, seconds, clients, dois)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--route", action="append", choices=list(ROUTES), help="only these routes (repeatable)")
    parser.add_argument("--doi", action="append", help="DOIs for /papers/{doi} (default: a bundled paper)")
    parser.add_argument("--out", default="load.json")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = args.store
    if store is None:
        store = Path(tmp.name) / "store"
        subprocess.run([sys.executable, "-m", "geokg", "--store", str(store), "load"], check=True, capture_output=True)
    report = run(store, args.seconds, args.clients, args.route or list(ROUTES), args.doi or BUNDLED_DOIS)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{report['requests']} requests in {report['seconds']} s from {report['clients']} clients: "
          f"{report['requests_per_s']} req/s, error rate {report['error_rate']}")
    print("| route | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in report["routes"].items():
        print(f"| {name} | {r['requests']} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['requests_per_s']} |")
    print(f"RSS MiB before {report['rss_mb_before']} after {report['rss_mb_after']}")


if __name__ == "__main__":
    main()
