"""The whole benchmark suite, one command: how GeoKG's cost grows with the number of papers.

    .venv/bin/python bench/suite.py --sizes 1000,10000          # about 10 minutes
    .venv/bin/python bench/suite.py --sizes 100000              # the long run, opt-in

For each size N: a seeded synthetic corpus of N papers (cached under bench/results/tmp/) is
loaded with `geokg load` into a fresh store (a child process: wall time, papers/s, peak RSS);
the per-record checks are timed on that store; every named question is timed on the raw store
and the embedded store in-process, then through `/sparql` and its REST route of a live
`geokg serve`; a second process loads `/papers/{doi}`, `/concepts?q=` and `/sparql` with
concurrent clients; the cold start of `geokg serve` is timed; and the same again with the remote
backend (`geokg serve --backend sparql` in front of a plain `oxigraph serve`).
Writes OUT/suite-N.json per size and OUT/suite.md, a table over every suite-*.json in OUT.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import endpoint  # noqa: E402
import load as http_load  # noqa: E402
import synthetic  # noqa: E402
from geokg.store.embedded import EmbeddedStore  # noqa: E402
from measure import children, rss_mb, summary  # noqa: E402
from serving import oxigraph_served, served  # noqa: E402
from validation import check_times, checkers  # noqa: E402

RESULTS = ROOT / "bench" / "results"
#: Routes of the throughput test (names of bench/load.py's ROUTES).
THROUGHPUT_ROUTES = ("/papers/{doi}", "/concepts?q=", "/sparql example")
STARTS = 3  # cold starts timed per backend (median reported)

#: (figure, JSON path, unit, target, direction): the rows of the Markdown table. ``direction`` is
#: +1 when more is better; a target is checked at the largest size measured.
FIGURES: list[tuple[str, str, str, float | None, int]] = [
    ("load + validate (end to end)", "load.papers_per_s", "papers/s", 1000, +1),
    ("load wall time", "load.seconds", "s", None, -1),
    ("peak RSS while loading (loader)", "load.peak_rss_mb", "MiB", 2048, -1),
    ("peak RSS while loading (loader + workers)", "load.peak_rss_tree_mb", "MiB", 2048, -1),
    ("store size on disk", "load.store_mb", "MiB", None, -1),
    ("SHACL validation per record", "per_record.validate.p50_ms", "ms", None, -1),
    ("DOI lookup per record", "per_record.doi.p50_ms", "ms", None, -1),
    ("example question, raw store p50", "example.raw.p50_ms", "ms", None, -1),
    ("example question, embedded p50", "example.embedded.p50_ms", "ms", 50, -1),
    ("example question, /sparql p50", "example.sparql.p50_ms", "ms", None, -1),
    ("example question, REST p50", "example.rest.p50_ms", "ms", None, -1),
    ("/sparql ÷ raw store (p50)", "example.sparql_ratio", "×", 1.3, -1),
    ("REST ÷ raw store (p50)", "example.rest_ratio", "×", 1.3, -1),
    ("/papers/{doi} throughput", "throughput./papers/{doi}.requests_per_s", "req/s", 500, +1),
    ("/papers/{doi} p50 under load", "throughput./papers/{doi}.p50_ms", "ms", None, -1),
    ("/concepts?q= throughput", "throughput./concepts?q=.requests_per_s", "req/s", None, +1),
    ("/sparql example throughput", "throughput./sparql example.requests_per_s", "req/s", None, +1),
    ("serve cold start", "cold_start_s", "s", 2, -1),
    ("remote: example, engine /query p50", "remote.example.engine.p50_ms", "ms", None, -1),
    ("remote: example, /sparql p50", "remote.example.sparql.p50_ms", "ms", None, -1),
    ("remote: example, REST p50", "remote.example.rest.p50_ms", "ms", None, -1),
    ("remote: /sparql ÷ engine (p50)", "remote.example.sparql_ratio", "×", 1.3, -1),
    ("remote: /papers/{doi} throughput", "remote.throughput./papers/{doi}.requests_per_s", "req/s", 500, +1),
    ("remote: /concepts?q= throughput", "remote.throughput./concepts?q=.requests_per_s", "req/s", None, +1),
    ("remote: /sparql example throughput", "remote.throughput./sparql example.requests_per_s", "req/s", None, +1),
    ("remote: serve cold start", "remote.cold_start_s", "s", 2, -1),
]


def say(size: int, message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] N={size}: {message}", flush=True)


def corpus(size: int, seed: int, tmp: Path) -> Path:
    """The synthetic loaders folder for (size, seed), generated once and reused."""
    folder = tmp / f"corpus-{size}-seed{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        synthetic.write_loaders(size, folder, seed)
        (folder / ".complete").touch()
    return folder


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


class RusagePopen(subprocess.Popen):  # type: ignore[type-arg]
    """A Popen that keeps the resource usage of its own child (wait4), not of all children together."""

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:
        try:
            pid, status, self.rusage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        return pid, status


def load_store(loaders: Path, store: Path) -> dict[str, Any]:
    """`geokg load` of the corpus into a fresh store, as a child process (its own peak RSS)."""
    shutil.rmtree(store, ignore_errors=True)
    papers = len(list((loaders / "records").glob("*.yaml")))
    command = [sys.executable, "-m", "geokg", "--store", str(store), "load", "--loaders", str(loaders)]
    started = time.perf_counter()
    child = RusagePopen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tree_peak = [0.0]

    def poll() -> None:
        # The loader's worker processes are not its waited-for children here: sum the tree's RSS
        # (pages the workers share with the loader count twice, so this errs high).
        while child.poll() is None:
            tree_peak[0] = max(tree_peak[0], sum(rss_mb(p) for p in [child.pid, *children(child.pid)]))
            time.sleep(0.2)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if child.returncode != 0:
        raise RuntimeError(f"geokg load failed ({child.returncode}): {err.decode()[-2000:]}")
    return {"papers": papers, "seconds": round(seconds, 2), "papers_per_s": round(papers / seconds, 1),
            "peak_rss_mb": round(child.rusage.ru_maxrss / 1024, 1), "peak_rss_tree_mb": round(tree_peak[0], 1),
            "store_mb": round(folder_mb(store), 1), "output": out.decode().strip().splitlines()[-1:]}


def with_ratios(times: dict[str, dict[str, Any]], floor: str) -> dict[str, dict[str, Any]]:
    for t in times.values():
        for mode in ("sparql", "rest"):
            if mode in t and floor in t:
                t[f"{mode}_ratio"] = round(t[mode]["p50_ms"] / t[floor]["p50_ms"], 2)
    return times


def cold_starts(target: Path | str, backend: str, first: float) -> float:
    """Median cold start of `geokg serve` over STARTS starts (the first one already done)."""
    times = [first]
    for _ in range(STARTS - 1):
        with served(target, backend=backend) as (server, _):
            times.append(server.ready_s)  # type: ignore[attr-defined]
    return round(statistics.median(times), 3)


def throughput(url: str, pid: int, dois: list[str], seconds: float, clients: int) -> dict[str, Any]:
    out = {}
    for route in THROUGHPUT_ROUTES:
        report = http_load.measure(url, pid, [route], seconds, clients, dois)
        out[route] = {**report["routes"][route], "errors": report["errors"], "rss_mb_after": report["rss_mb_after"]}
    return out


def run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    tmp = args.out / "tmp"
    started = time.monotonic()
    say(size, "synthetic corpus")
    loaders = corpus(size, args.seed, tmp)
    store = tmp / f"store-{size}-seed{args.seed}"
    say(size, "geokg load (validate + write) into a fresh store")
    result: dict[str, Any] = {"size": size, "seed": args.seed, "load": load_store(loaders, store)}
    say(size, f"loaded at {result['load']['papers_per_s']} papers/s; per-record checks and in-process queries")
    texts = endpoint.question_texts(args.question)
    sample = list(synthetic.records(min(size, 200), args.seed))
    validator, types = checkers()
    raw = EmbeddedStore(store)
    try:
        checks = check_times(raw, sample, validator, types)
    finally:
        raw.close()  # the store admits one process at a time: close before serving it
    result["per_record"] = {k: summary(v) for k, v in checks.items()}
    times = endpoint.in_process(store, texts, args.runs, args.budget)
    rng = random.Random(args.seed)
    dois = [synthetic.doi(rng.randrange(size)) for _ in range(200)]

    say(size, "geokg serve (embedded engine): questions over HTTP, throughput, cold start")
    with served(store) as (server, url):
        first = server.ready_s  # type: ignore[attr-defined]
        for name, http in endpoint.over_http(url, texts, args.runs, args.budget).items():
            times[name].update(http)
        result["throughput"] = throughput(url, server.pid, dois, args.seconds, args.clients)
    result["cold_start_s"] = cold_starts(store, "oxigraph", first)
    result["questions"] = with_ratios(times, "raw")
    result["example"] = times.get(endpoint.EXAMPLE, {})

    say(size, "remote backend: geokg serve --backend sparql over oxigraph serve")
    remote: dict[str, Any] = {}
    # The API reaches both backends the same way (HTTP to an Oxigraph server), so the remote
    # backend is timed on the example question only.
    example = {name: text for name, text in texts.items() if name == endpoint.EXAMPLE}
    with oxigraph_served(store) as engine:
        rtimes = endpoint.engine_direct(engine.url, example, args.runs, args.budget)
        with served(engine.url, backend="sparql") as (server, url):
            first = server.ready_s  # type: ignore[attr-defined]
            for name, http in endpoint.over_http(url, example, args.runs, args.budget).items():
                rtimes[name].update(http)
            remote["throughput"] = throughput(url, server.pid, dois, args.seconds, args.clients)
        remote["cold_start_s"] = cold_starts(engine.url, "sparql", first)
    remote["questions"] = with_ratios(rtimes, "engine")
    remote["example"] = rtimes.get(endpoint.EXAMPLE, {})
    result["remote"] = remote
    result["meta"] = {"seconds": round(time.monotonic() - started, 1), "runs": args.runs, "budget_s": args.budget,
                      "load_seconds": args.seconds, "clients": args.clients, "cpus": os.cpu_count(),
                      "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M")}
    say(size, f"done in {result['meta']['seconds']} s")
    return result


def lookup(data: dict[str, Any], path: str) -> float | None:
    """A figure by its dotted path; route names contain dots and slashes, so keys are matched greedily."""
    node: Any = data
    rest = path
    while rest:
        key = next((k for k in sorted(node, key=len, reverse=True) if rest == k or rest.startswith(k + ".")), None) if isinstance(node, dict) else None
        if key is None:
            return None
        node, rest = node[key], rest[len(key) + 1:]
    return node if isinstance(node, (int, float)) else None


def exponent(a: float | None, b: float | None, n1: int, n2: int) -> str:
    """Growth exponent k of figure ∝ N^k between two sizes."""
    if not a or not b or a <= 0 or b <= 0:
        return ""
    return f"{math.log(b / a) / math.log(n2 / n1):+.2f}"


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def markdown(results: list[dict[str, Any]]) -> str:
    results = sorted(results, key=lambda r: r["size"])
    sizes = [r["size"] for r in results]
    pairs = list(itertools.pairwise(sizes))
    head = ["figure", "unit", *(f"N={n:,}" for n in sizes), *(f"k {a // 1000 or a}k→{b // 1000}k" if a >= 1000 else f"k {a}→{b}" for a, b in pairs),
            "target", f"met at N={sizes[-1]:,}"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---", "---"] + ["---:"] * (len(head) - 4) + ["---", "---"]) + " |"]
    for name, path, unit, target, direction in FIGURES:
        values = [lookup(r, path) for r in results]
        growth = [exponent(values[i], values[i + 1], a, b) for i, (a, b) in enumerate(pairs)]
        last = values[-1]
        if target is None or last is None:
            met = ""
        else:
            ok = last >= target if direction > 0 else last <= target
            met = "met" if ok else f"missed ({last / target:.2g}× the target)"
        goal = "" if target is None else ("≥ " if direction > 0 else "≤ ") + fmt(target)
        lines.append("| " + " | ".join([name, unit, *(fmt(v) for v in values), *growth, goal, met]) + " |")
    lines += ["", "Every named question, p50 ms: raw store / embedded in-process / `/sparql` / REST `/questions/{name}`", ""]
    names = sorted({q for r in results for q in r.get("questions", {})})
    lines.append("| question | " + " | ".join(f"N={n:,}" for n in sizes) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    for q in names:
        cells = []
        for r in results:
            t = r.get("questions", {}).get(q, {})
            cells.append(" / ".join(fmt(t.get(m, {}).get("p50_ms")) for m in ("raw", "embedded", "sparql", "rest")))
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    meta = results[-1]["meta"]
    per_size = ", ".join(f"N={r['size']:,}: {r['meta']['seconds']:.0f} s" for r in results)
    lines += ["", f"Suite time per size: {per_size}; "
              f"{meta['cpus']} CPUs, Python {meta['python']}, throughput {meta['clients']} clients × {meta['load_seconds']:g} s per route."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of papers (default 1000,10000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per question and mode")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per question and mode before stopping early (at least 3 runs)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of load per throughput route")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the throughput test")
    parser.add_argument("--question", action="append", help="only these named questions (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where suite-N.json, suite.md and tmp/ go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        result = run_size(size, args)
        (args.out / f"suite-{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    results = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.out.glob("suite-*.json"))]
    table = markdown(results)
    (args.out / "suite.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
