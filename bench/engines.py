"""Virtuoso Open Source vs Oxigraph as GeoKG's store, at N papers, in one run.

Usage: .venv/bin/python bench/engines.py --papers 100000 [--question NAME ...] [--runs 3] [--budget 60]

1. corpus: the bundled corpus plus N seeded synthetic papers (bench/synthetic.py) as one N-Quads
   file (cached in bench/results/tmp/engines-N.nq);
2. load: each engine's own bulk loader (`oxigraph load`; Virtuoso's `ld_dir` + `rdf_loader_run`),
   wall time and store size on disk;
3. questions: every named question (default parameters) through GeoKG's remote store
   (`RemoteStore.query`: the HTTP request, the engine, the parse into rows, as the API uses it),
   p50 of up to --runs runs within --budget seconds per question, rows returned; the ratio
   Virtuoso / Oxigraph per question;
4. memory: resident memory of each server after the questions.

Writes bench/results/engines-N.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from geokg import resources  # noqa: E402
from geokg.errors import GeoKGError  # noqa: E402
from geokg.load.corpus import load_corpus  # noqa: E402
from geokg.model.corpus import read_catalogue  # noqa: E402
from geokg.model.ontology import default_index  # noqa: E402
from geokg.model.to_rdf import paper_graph  # noqa: E402
from geokg.model.vocab import Iris  # noqa: E402
from geokg.read.questions import bind, questions  # noqa: E402
from geokg.settings import Settings  # noqa: E402
from geokg.store import Store, open_store  # noqa: E402
from geokg.store.embedded import EmbeddedStore  # noqa: E402
from geokg.store.engine import oxigraph_binary  # noqa: E402
from geokg.store.servers import VirtuosoServer, free_port  # noqa: E402
from measure import percentile, rss_mb  # noqa: E402
from synthetic import records  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def corpus(n: int, folder: Path, seed: int = 42) -> Path:
    """The bundled corpus and ``n`` synthetic papers as N-Quads (cached in ``folder``)."""
    out = folder / f"engines-{n}-seed{seed}.nq"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(".part")
    bundled = EmbeddedStore()
    load_corpus(bundled)
    problems: list = []  # type: ignore[type-arg]
    catalogue = read_catalogue(resources.loaders_dir(), problems)
    types = {d.id: d.data_types for d in catalogue.datasets.values()}
    index, iris = default_index(), Iris()
    started = time.monotonic()
    with part.open("wb") as f:
        bundled.dump(f, __import__("pyoxigraph").RdfFormat.N_QUADS)
        for i, record in enumerate(records(n, seed), 1):
            graph = iris.paper_graph(record.id)
            checksum = hashlib.sha256(record.model_dump_json().encode()).hexdigest()
            nt = paper_graph(record, index, iris, types, checksum).serialize(format="nt")
            f.write("".join(f"{line[:-1]}<{graph}> .\n" for line in nt.splitlines() if line.strip()).encode("utf-8"))
            if i % 10_000 == 0:
                print(f"  corpus: {i} papers, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    part.replace(out)
    return out


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


class Oxigraph:
    """`oxigraph load` then `oxigraph serve --union-default-graph` on a scratch folder."""

    def __init__(self, folder: Path, timeout: int) -> None:
        self.folder, self.timeout = folder, timeout
        self.process: subprocess.Popen[bytes] | None = None

    def load(self, nquads: Path) -> float:
        started = time.monotonic()
        subprocess.run([oxigraph_binary(), "load", "--location", str(self.folder), "--file", str(nquads)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - started

    def start(self) -> str:
        port = free_port()
        self.process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(self.folder), "--bind",
                                         f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", str(self.timeout)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.post(f"{url}/query", data={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return url
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)


def time_questions(store: Store, texts: dict[str, str], runs: int, budget: float) -> dict[str, dict]:  # type: ignore[type-arg]
    out: dict[str, dict] = {}  # type: ignore[type-arg]
    for name, text in texts.items():
        times: list[float] = []
        rows: int | str = 0
        spent = 0.0
        while len(times) < runs and (not times or spent < budget):
            started = time.perf_counter()
            try:
                rows = len(list(store.query(text)))  # type: ignore[arg-type]
            except GeoKGError as exc:
                rows = f"{type(exc).__name__}: {str(exc)[:120]}"
                break
            times.append(time.perf_counter() - started)
            spent += times[-1]
        out[name] = {"p50_ms": round(percentile(times, 50) * 1000, 1) if times else None, "runs": len(times), "rows": rows}
        print(f"    {name}: {out[name]}", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--question", action="append", help="a named question (repeatable; default: all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per question and engine before stopping runs")
    parser.add_argument("--timeout", type=int, default=300, help="each engine's per-query limit, seconds")
    parser.add_argument("--memory-mb", type=int, default=6000, help="Virtuoso's buffers (Oxigraph takes what it needs)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (corpora and stores go under its tmp/)")
    args = parser.parse_args(argv)
    (args.out / "tmp").mkdir(parents=True, exist_ok=True)

    index = default_index()
    texts = {name: bind(q, {}, index) for name, q in sorted(questions().items()) if not args.question or name in args.question}
    print(f"corpus of {args.papers} papers", file=sys.stderr, flush=True)
    nquads = corpus(args.papers, args.out / "tmp")
    result: dict = {"papers": args.papers, "nquads_mb": round(nquads.stat().st_size / 2**20), "engines": {}}  # type: ignore[type-arg]
    scratch = Path(tempfile.mkdtemp(prefix="geokg-engines-", dir=args.out / "tmp"))
    try:
        print("oxigraph: load", file=sys.stderr, flush=True)
        oxigraph = Oxigraph(scratch / "oxigraph", args.timeout)
        seconds = oxigraph.load(nquads)
        url = oxigraph.start()
        store = open_store(Settings(backend="sparql", engine="oxigraph", store=url, query_timeout=args.timeout / 2))
        try:
            triples = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            result["quads"] = int(next(iter(triples))[0].value)  # type: ignore[arg-type]
            timed = time_questions(store, texts, args.runs, args.budget)
            assert oxigraph.process is not None
            result["engines"]["oxigraph"] = {"load_s": round(seconds, 1), "store_mb": round(du_mb(scratch / "oxigraph")),
                                             "rss_mb": round(rss_mb(oxigraph.process.pid)), "questions": timed}
        finally:
            store.close()
            oxigraph.stop()

        print("virtuoso: load", file=sys.stderr, flush=True)
        with VirtuosoServer(scratch / "virtuoso", memory_mb=args.memory_mb, timeout=args.timeout,
                            readable=(nquads.parent,)) as virtuoso:
            started = time.monotonic()
            virtuoso.isql(f"ld_dir('{nquads.parent}', '{nquads.name}', 'urn:geokg:bulk')", "rdf_loader_run()", "checkpoint")
            seconds = time.monotonic() - started
            store = open_store(virtuoso.settings(query_timeout=args.timeout / 2))
            try:
                timed = time_questions(store, texts, args.runs, args.budget)
                assert virtuoso.process is not None
                result["engines"]["virtuoso"] = {"load_s": round(seconds, 1), "store_mb": round(du_mb(scratch / "virtuoso")),
                                                 "rss_mb": round(rss_mb(virtuoso.process.pid)), "questions": timed}
            finally:
                store.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = args.out / f"engines-{args.papers}.json"
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(report(result))


def report(result: dict) -> str:  # type: ignore[type-arg]
    ox, vt = result["engines"]["oxigraph"], result["engines"]["virtuoso"]
    lines = [f"{result['papers']:,} papers, {result.get('quads', 0):,} quads ({result['nquads_mb']} MB of N-Quads)", "",
             "| | Oxigraph | Virtuoso | ratio V/O |", "| --- | --- | --- | --- |"]
    for key, label in (("load_s", "bulk load, s"), ("store_mb", "store on disk, MB"), ("rss_mb", "resident memory after the questions, MB")):
        lines.append(f"| {label} | {ox[key]} | {vt[key]} | {vt[key] / ox[key]:.2f} |")
    lines += ["", "| question (p50 ms, rows) | Oxigraph | Virtuoso | ratio V/O |", "| --- | --- | --- | --- |"]
    for name, o in ox["questions"].items():
        v = vt["questions"][name]
        ratio = f"{v['p50_ms'] / o['p50_ms']:.2f}" if o["p50_ms"] and v["p50_ms"] else "–"
        lines.append(f"| {name} | {o['p50_ms']} ({o['rows']}) | {v['p50_ms']} ({v['rows']}) | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
