"""A bounded hostile load (issue 15): well-formed clients and hostile ones on one `geokg serve`.

Usage: .venv/bin/python bench/hostile_load.py [--seconds 60] [--clients 8] [--hostile 2] [--store DIR]
Serves the store (default: the bundled corpus, loaded fresh) with the defaults of `geokg serve`,
then, from a second process, runs ``clients - hostile`` well-formed clients cycling through mixed
routes (REST, pages, a named question and a SPARQL query) and ``hostile`` clients cycling through
the attacks of issue 15 (deep nesting, a SERVICE and a LIMIT hidden after ``#\\r``, a cartesian
product that runs to the time limit, facet repetition, a chunked oversized body, oversized headers,
garbage). Reports the well-formed clients' 5xx and transport errors, p50/p95 of the cheap routes,
what the hostile clients got, and whether the engine answers at the end.
Writes bench/results/hostile_load.json.
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
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from measure import percentile  # noqa: E402
from serving import served  # noqa: E402

EXAMPLE = (ROOT / "queries" / "papers-by-method-purpose-datatype.rq").read_text(encoding="utf-8")
JSON = {"Accept": "application/sparql-results+json"}
#: Cheap routes: served from the side index or small reads (the target is p95 < 100 ms under attack).
CHEAP = {
    "/papers 2 facets": lambda h: h.get("/papers", params={"method": "resampling", "data_type": "remote-sensing"}),
    "/papers/{doi}": lambda h: h.get("/papers/10.1038/s41561-024-01517-y"),
    "/concepts?q=": lambda h: h.get("/concepts", params={"q": "random forests"}),
    "/stats": lambda h: h.get("/stats"),
    "/health": lambda h: h.get("/health"),
    "/search page": lambda h: h.get("/search", params={"q": "bootstrap"}, headers={"Accept": "text/html"}),
}
#: Dearer well-formed routes (measured, not held to the cheap target).
DEAR = {
    "/sparql example": lambda h: h.post("/sparql", data={"query": EXAMPLE}, headers=JSON),
    "/questions/{name}": lambda h: h.get("/questions/papers-by-method", params={"method": "random-forest"}),
    "/ask": lambda h: h.get("/ask", params={"q": "which papers use bootstrap uncertainty on satellite data"}),
}


def _chunks(total: int) -> Iterator[bytes]:
    for _ in range(total // 65536):
        yield b"#" * 65536


HOSTILE: dict[str, Callable[[httpx.Client], httpx.Response]] = {
    "deep nesting": lambda h: h.post("/sparql", data={"query": "ASK { FILTER(1<" + "(" * 10_000 + "1" + ")" * 10_000 + "&&2>1) }"}),
    "hidden SERVICE": lambda h: h.get("/sparql", params={"query": "SELECT * WHERE { #\rSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o }\n}"}),
    "hidden LIMIT": lambda h: h.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } #\rLIMIT 50000"}, headers=JSON),
    "cartesian product": lambda h: h.get("/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"}, headers=JSON),
    "facet x20": lambda h: h.get("/papers", params=[("method", "data-integration")] * 20),
    "chunked 20 MB": lambda h: h.post("/sparql", content=_chunks(20_000_000), headers={"Content-Type": "application/sparql-query"}),
    "1 MB header": lambda h: h.get("/papers", headers={"X-Padding": "a" * 1_000_000}),
    "unauthenticated update": lambda h: h.post("/sparql", data={"update": "CLEAR ALL"}),
}


def generate(url: str, seconds: float, clients: int, hostile: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The load (in its own process): well-formed clients cycle through CHEAP and DEAR, hostile ones through HOSTILE."""
    timings: dict[str, list[float]] = {name: [] for name in [*CHEAP, *DEAR]}
    failures: Counter[str] = Counter()  # well-formed: 5xx or transport errors, per route
    other: Counter[str] = Counter()  # well-formed: non-200, non-5xx answers
    attacks: dict[str, Counter[str]] = {name: Counter() for name in HOSTILE}
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def well_formed(offset: int) -> None:
        routes = [*CHEAP.items(), *CHEAP.items(), *DEAR.items()]  # cheap routes twice as often
        with httpx.Client(base_url=url, timeout=120) as http:
            i = offset
            while time.monotonic() < stop:
                name, send = routes[i % len(routes)]
                i += 1
                started = time.perf_counter()
                try:
                    status = send(http).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    timings[name].append(elapsed)
                    if status == 0 or status >= 500:
                        failures[name] += 1
                    elif status != 200:
                        other[f"{name} {status}"] += 1

    def attacker(offset: int) -> None:
        names = list(HOSTILE)
        i = offset
        while time.monotonic() < stop:
            name = names[i % len(names)]
            i += 1
            with httpx.Client(base_url=url, timeout=120) as http:
                try:
                    outcome = str(HOSTILE[name](http).status_code)
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
            with lock:
                attacks[name][outcome] += 1

    threads = [threading.Thread(target=attacker, args=(k,)) for k in range(hostile)]
    threads += [threading.Thread(target=well_formed, args=(k,)) for k in range(clients - hostile)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((timings, dict(failures), dict(other), {k: dict(v) for k, v in attacks.items()}))


def measure(url: str, seconds: float, clients: int, hostile: int) -> dict:  # type: ignore[type-arg]
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    worker = multiprocessing.Process(target=generate, args=(url, seconds, clients, hostile, queue))
    started = time.monotonic()
    worker.start()
    timings, failures, other, attacks = queue.get(timeout=seconds + 600)
    worker.join()
    wall = time.monotonic() - started
    health = httpx.get(f"{url}/health", timeout=60).status_code
    ask = httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON, timeout=60)
    cheap = [t for name in CHEAP for t in timings[name]]
    return {
        "seconds": round(wall, 1), "clients": clients, "hostile_clients": hostile,
        "well_formed_requests": sum(len(v) for v in timings.values()),
        "well_formed_5xx_or_transport_errors": sum(failures.values()), "failures_by_route": failures,
        "well_formed_other_statuses": other,
        "cheap_routes_p50_ms": round(statistics.median(cheap), 1) if cheap else None,
        "cheap_routes_p95_ms": round(percentile(cheap, 0.95), 1) if cheap else None,
        "routes": {name: {"requests": len(v), "p50_ms": round(statistics.median(v), 1) if v else None,
                          "p95_ms": round(percentile(v, 0.95), 1) if v else None} for name, v in timings.items()},
        "attacks": attacks,
        "engine_up_at_end": health == 200 and ask.status_code == 200 and ask.json().get("boolean") is True,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--hostile", type=int, default=2)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--out", default="hostile_load.json")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = args.store
    if store is None:
        store = Path(tmp.name) / "store"
        subprocess.run([sys.executable, "-m", "geokg", "--store", str(store), "load"], check=True, capture_output=True)
    with served(store) as (_, url):
        report = measure(url, args.seconds, args.clients, args.hostile)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{report['well_formed_requests']} well-formed requests in {report['seconds']} s "
          f"({report['clients'] - report['hostile_clients']} well-formed + {report['hostile_clients']} hostile clients)")
    print(f"well-formed 5xx or transport errors: {report['well_formed_5xx_or_transport_errors']} {report['failures_by_route']}")
    print(f"cheap routes p50 {report['cheap_routes_p50_ms']} ms, p95 {report['cheap_routes_p95_ms']} ms (target < 100)")
    print("| route | requests | p50 ms | p95 ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, r in report["routes"].items():
        print(f"| {name} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} |")
    print("attacks:", json.dumps(report["attacks"]))
    print(f"engine up at the end: {report['engine_up_at_end']}")


if __name__ == "__main__":
    main()
