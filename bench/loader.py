"""`geokg load` against `oxigraph load` of the same quads, in one run: papers/s, the ratio, peak RSS.

    .venv/bin/python bench/loader.py --size 10000

1. `geokg load --loaders CORPUS` (bench/synthetic.py's corpus of N papers) into a fresh store, as a
   child process: wall time, papers/s, peak RSS of the loader (wait4) and of the loader with every
   process it starts (/proc polled; pages shared after a fork count twice, so it errs high).
2. The loaded store dumped to N-Quads (`oxigraph dump`, not timed), then `oxigraph load` of that
   file into a fresh store: wall time and peak RSS. Same machine, same run.
Targets (issue 18): ≥ 2,000 papers/s, ≥ 0.8× `oxigraph load` (its time ÷ ours), peak RSS ≤ 2 GiB.
Writes bench/results/loader-N.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from geokg.store.engine import oxigraph_binary  # noqa: E402
from suite import RusagePopen, corpus, folder_mb, load_store  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def oxigraph_load(quads: Path, store: Path) -> dict[str, float]:
    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    child = RusagePopen([oxigraph_binary(), "load", "--location", str(store), "--file", str(quads)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {err.decode()[-1000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(child.rusage.ru_maxrss / 1024, 1), "store_mb": round(folder_mb(store), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    tmp = RESULTS / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    loaders = corpus(args.size, args.seed, tmp)
    store = tmp / f"loader-store-{args.size}"
    geokg = load_store(loaders, store)
    print(f"geokg load: {geokg}", flush=True)
    quads = tmp / f"loader-{args.size}.nq"
    subprocess.run([oxigraph_binary(), "dump", "--location", str(store), "--file", str(quads)], check=True, capture_output=True)
    count = sum(1 for _ in quads.open("rb"))
    engine = oxigraph_load(quads, tmp / f"loader-oxigraph-{args.size}")
    print(f"oxigraph load of the same {count:,} quads: {engine}", flush=True)
    ratio = engine["seconds"] / geokg["seconds"]
    out = {"size": args.size, "quads": count, "geokg": geokg, "oxigraph": engine, "ratio": round(ratio, 3)}
    print(f"papers/s {geokg['papers_per_s']} (target ≥ 2,000); oxigraph load time ÷ geokg load time {ratio:.2f}× (target ≥ 0.8×); "
          f"peak RSS {geokg['peak_rss_tree_mb']} MiB with every process (target ≤ 2,048)")
    (RESULTS / f"loader-{args.size}.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    quads.unlink()


if __name__ == "__main__":
    main()
