"""Server time of each web page's HTML (the app's Server-Timing header), p50/p95 over repeated requests.

    .venv/bin/python bench/pages.py [--store DIR] [--repeat 50]

Serves the bundled corpus (or a staged store) with `geokg serve` in a second process on 127.0.0.1
and asks each page as a browser would (Accept: text/html). The target: under 100 ms at the bundled size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from serving import served

PAGES = {
    "home": "/",
    "search": "/search?q=bootstrap+uncertainty+on+satellite+data",
    "search (Chinese)": "/search?q=哪些论文用机器学习研究冰川",
    "browse methods": "/browse",
    "browse data types": "/browse?scheme=data-type",
    "concept": "/concept/resampling",
    "paper": "/paper/s41561-024-01517-y",
    "comparison (2 papers)": "/comparison?doi=10.1038/s41561-024-01517-y&doi=10.1038/s41561-025-01747-8",
    "editor": "/editor",
    "dataset": "/dataset/era5",
}
TARGET_MS = 100.0


def server_ms(response: httpx.Response) -> float:
    assert response.status_code == 200, f"{response.request.url}: {response.status_code}"
    return float(response.headers["server-timing"].split("dur=")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a staged store (default: a fresh store with the bundled corpus)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "pages.json")
    args = parser.parse_args()
    results = {}
    scratch = tempfile.TemporaryDirectory(prefix="geokg-pages-")
    store = args.store or Path(scratch.name) / "store"
    if args.store is None:
        subprocess.run([sys.executable, "-m", "geokg", "--store", str(store), "load"], check=True, capture_output=True)
    with served(store) as (_, url), httpx.Client(base_url=url, headers={"Accept": "text/html"}, timeout=60) as client:
        for name, path in PAGES.items():
            first = server_ms(client.get(path))  # the first request also builds caches (label index)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                times.append((server_ms(client.get(path)), (time.perf_counter() - started) * 1000))
            server = sorted(t[0] for t in times)
            results[name] = {"path": path, "first_ms": first, "server_p50_ms": statistics.median(server),
                             "server_p95_ms": server[int(0.95 * (len(server) - 1))],
                             "client_p50_ms": statistics.median(t[1] for t in times),
                             "under_target": server[int(0.95 * (len(server) - 1))] < TARGET_MS}
    scratch.cleanup()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"| page | server p50 ms | server p95 ms | first request ms | round trip p50 ms | < {TARGET_MS:.0f} ms |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['server_p50_ms']:.1f} | {r['server_p95_ms']:.1f} | {r['first_ms']:.1f} | {r['client_p50_ms']:.1f} | "
              f"{'yes' if r['under_target'] else 'NO'} |")


if __name__ == "__main__":
    main()
