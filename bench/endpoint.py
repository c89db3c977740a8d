"""Every named question through ``/sparql`` versus the same query on the raw store in-process.

Usage: .venv/bin/python bench/endpoint.py [--store DIR] [--runs N]
Without --store, the bundled corpus is loaded into a fresh on-disk store. The live service is a
real ``geokg serve`` process (managed Oxigraph engine) on 127.0.0.1; the client is httpx in this
process. Writes bench/results/endpoint.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from serving import served  # noqa: E402

from geokg.load import load_corpus  # noqa: E402
from geokg.ontology import default_index  # noqa: E402
from geokg.questions import bind, questions  # noqa: E402
from geokg.store.embedded import EmbeddedStore  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def checked(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.text[:500]}")


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store folder (default: load the bundled corpus)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--question", action="append", help="only these named questions (repeatable)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store_dir = args.store or Path(tmp.name) / "store"
    if not args.store:
        store = EmbeddedStore(store_dir)
        load_corpus(store)
        store.close()
    index = default_index()
    texts = {name: bind(q, {}, index) for name, q in sorted(questions().items()) if not args.question or name in args.question}

    with served(store_dir) as (_, url), httpx.Client(base_url=url, timeout=60) as client:
        http_times = {
            name: timed(lambda t=text: checked(client.post("/sparql", data={"query": t},
                                                           headers={"Accept": "application/sparql-results+json"})), args.runs)
            for name, text in texts.items()
        }

    raw = EmbeddedStore(store_dir)
    raw_times = {
        name: timed(lambda t=text: raw.ox.query(t, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON), args.runs)
        for name, text in texts.items()
    }
    raw.close()

    rows = []
    for name in texts:
        r50, r95 = statistics.median(raw_times[name]), percentile(raw_times[name], 0.95)
        h50, h95 = statistics.median(http_times[name]), percentile(http_times[name], 0.95)
        rows.append({"question": name, "raw_p50_ms": round(r50, 3), "raw_p95_ms": round(r95, 3),
                     "sparql_p50_ms": round(h50, 3), "sparql_p95_ms": round(h95, 3), "ratio_p50": round(h50 / r50, 2)})
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"runs": args.runs, "store": "bundled corpus" if not args.store else str(args.store),
            "python": platform.python_version(), "machine": platform.machine()}
    (RESULTS / "endpoint.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2), encoding="utf-8")
    print("| question | raw p50 ms | raw p95 ms | /sparql p50 ms | /sparql p95 ms | ratio p50 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['question']} | {r['raw_p50_ms']} | {r['raw_p95_ms']} | {r['sparql_p50_ms']} | {r['sparql_p95_ms']} | {r['ratio_p50']} |")


if __name__ == "__main__":
    main()
