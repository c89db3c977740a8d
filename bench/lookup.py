"""`/papers/{doi}` against the raw engine on the same lookup, in one run: requests/s with C clients.

    .venv/bin/python bench/lookup.py --size 10000 [--seconds 10] [--clients 8] [--dois 500]

The store is bench/routes.py's staged store (bundled corpus + N synthetic papers, with its side
index). First the raw engine: `oxigraph serve-read-only` on the store, each request a CONSTRUCT of
the paper graph found by DOI (N-Triples). Then `geokg serve --no-load` on the same store, each
request `GET /papers/{doi}` (JSON). The same DOIs (random synthetic ones) in the same order, from a
load generator in a second process. Writes bench/results/lookup-N.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402
from geokg.model.vocab import GEODM, PRISM  # noqa: E402
from geokg.store.engine import free_port, oxigraph_binary  # noqa: E402
from measure import children, percentile, rss_mb  # noqa: E402
from routes import staged  # noqa: E402
from serving import served  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def engine_query(doi: str) -> str:
    """The raw engine's version of the lookup: the graph of the paper with this DOI."""
    return f'CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?paper <{PRISM.doi}> "{doi}" ; a <{GEODM.Paper}> . ?s ?p ?o }} }}'


def generate(urls: list[str], headers: dict[str, str], seconds: float, clients: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Each client cycles through the URLs (from its own offset) for ``seconds``."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        with httpx.Client(timeout=60, headers=headers) as http:
            i = offset * 7919
            while time.monotonic() < stop:
                url = urls[i % len(urls)]
                i += 1
                started = time.perf_counter()
                try:
                    ok = http.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    times.append((time.perf_counter() - started) * 1000)
                    errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((times, errors[0]))


def load(urls: list[str], headers: dict[str, str], seconds: float, clients: int, pids: list[int]) -> dict[str, float]:
    with httpx.Client(timeout=60, headers=headers) as http:
        first = http.get(urls[0])
        if first.status_code != 200:
            raise RuntimeError(f"{urls[0]} answered {first.status_code}: {first.text[:200]}")
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    worker = multiprocessing.Process(target=generate, args=(urls, headers, seconds, clients, queue))
    started = time.monotonic()
    worker.start()
    times, errors = queue.get(timeout=seconds + 300)
    worker.join()
    wall = time.monotonic() - started
    return {"requests": len(times), "errors": errors, "requests_per_s": round(len(times) / wall, 1),
            "p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2),
            "rss_mb": round(sum(rss_mb(p) for p in pids), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--dois", type=int, default=500, help="how many random synthetic papers are asked for")
    args = parser.parse_args()
    store = staged(args.size)
    rng = random.Random(7)
    dois = [synthetic.doi(rng.randrange(args.size)) for _ in range(args.dois)]
    out: dict[str, object] = {"size": args.size, "clients": args.clients, "seconds": args.seconds, "dois": args.dois}

    port = free_port()
    engine = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/query"
        for _ in range(300):
            try:
                if httpx.get(base, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        urls = [f"{base}?query={quote(engine_query(d))}" for d in dois]
        out["engine"] = load(urls, {"Accept": "application/n-triples"}, args.seconds, args.clients, [engine.pid])
    finally:
        engine.terminate()
        engine.wait(timeout=60)
    print(f"raw engine (CONSTRUCT by DOI): {out['engine']}", flush=True)

    with served(store, seconds=1800) as (server, url):
        urls = [f"{url}/papers/{d}" for d in dois]
        out["geokg"] = load(urls, {"Accept": "application/json"}, args.seconds, args.clients, [server.pid, *children(server.pid)])
    print(f"geokg /papers/{{doi}}: {out['geokg']}")
    ratio = out["geokg"]["requests_per_s"] / out["engine"]["requests_per_s"]  # type: ignore[index]
    out["ratio"] = round(ratio, 2)
    print(f"GeoKG ÷ raw engine: {ratio:.2f}× (target ≥ 0.6×, and ≥ 600 req/s)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"lookup-{args.size}.json").write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
