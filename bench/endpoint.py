"""Every named question: on the raw store and the embedded store in-process, through ``/sparql``,
and through the REST route that wraps it (``/questions/{name}``).

Usage: .venv/bin/python bench/endpoint.py [--store DIR] [--runs N] [--question NAME ...]
Without --store, the bundled corpus is loaded into a fresh on-disk store. The in-process timings
run first and close the store: RocksDB allows one process at a time, and the live service's
engine (an `oxigraph serve` child of a real ``geokg serve`` on 127.0.0.1) holds it while serving.
Writes bench/results/endpoint.json and prints a Markdown table. bench/suite.py reuses the parts.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from geokg.load.corpus import load_corpus  # noqa: E402
from geokg.model.ontology import default_index  # noqa: E402
from geokg.read.questions import bind, questions  # noqa: E402
from geokg.store.embedded import EmbeddedStore  # noqa: E402
from geokg.store.results import rows  # noqa: E402
from measure import summary, timed  # noqa: E402
from serving import served  # noqa: E402

RESULTS = ROOT / "bench" / "results"
EXAMPLE = "papers-by-method-purpose-datatype"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


def question_texts(only: list[str] | None = None) -> dict[str, str]:
    """Each named question's SPARQL with its default parameters, as the REST route runs it."""
    index = default_index()
    return {name: bind(q, {}, index) for name, q in sorted(questions().items()) if not only or name in only}


def checked(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url}: {response.status_code}: {response.text[:500]}")


def in_process(store_dir: Path, texts: dict[str, str], runs: int, budget_s: float | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    """``raw``: pyoxigraph's query and its own JSON serialiser (the engine's floor);
    ``embedded``: GeoKG's embedded store API as `geokg query` and the library use it (rows as Python values)."""
    store = EmbeddedStore(store_dir)
    try:
        return {name: {
            "raw": summary(timed(lambda t=text: store.ox.query(t, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON), runs, budget_s)),
            "embedded": summary(timed(lambda t=text: rows(store.query(t)), runs, budget_s)),
        } for name, text in texts.items()}
    finally:
        store.close()


def over_http(url: str, texts: dict[str, str], runs: int, budget_s: float | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    """``sparql``: POST /sparql (JSON results); ``rest``: GET /questions/{name} with default parameters."""
    with httpx.Client(base_url=url, timeout=120) as client:
        return {name: {
            "sparql": summary(timed(lambda t=text: checked(client.post("/sparql", data={"query": t}, headers=JSON_RESULTS)), runs, budget_s)),
            "rest": summary(timed(lambda n=name: checked(client.get(f"/questions/{n}")), runs, budget_s)),
        } for name, text in texts.items()}


def engine_direct(engine_url: str, texts: dict[str, str], runs: int, budget_s: float | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    """The Oxigraph server's own /query (JSON results): the floor of anything served over HTTP."""
    with httpx.Client(base_url=engine_url, timeout=120) as client:
        return {name: {"engine": summary(timed(lambda t=text: checked(client.post("/query", data={"query": t}, headers=JSON_RESULTS)), runs, budget_s))}
                for name, text in texts.items()}


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
    texts = question_texts(args.question)
    times = in_process(store_dir, texts, args.runs)
    with served(store_dir) as (_, url):
        for name, http in over_http(url, texts, args.runs).items():
            times[name].update(http)
    rows_out = [{"question": name, **{f"{mode}_{k}": v for mode, s in t.items() for k, v in s.items() if k != "runs"},
                 "sparql_ratio_p50": round(t["sparql"]["p50_ms"] / t["raw"]["p50_ms"], 2),
                 "rest_ratio_p50": round(t["rest"]["p50_ms"] / t["raw"]["p50_ms"], 2)} for name, t in times.items()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"runs": args.runs, "store": "bundled corpus" if not args.store else str(args.store),
            "python": platform.python_version(), "machine": platform.machine()}
    (RESULTS / "endpoint.json").write_text(json.dumps({"meta": meta, "rows": rows_out}, indent=2), encoding="utf-8")
    print("| question | raw p50 ms | embedded p50 ms | /sparql p50 ms | REST p50 ms | /sparql ÷ raw | REST ÷ raw |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows_out:
        print(f"| {r['question']} | {r['raw_p50_ms']} | {r['embedded_p50_ms']} | {r['sparql_p50_ms']} | {r['rest_p50_ms']} "
              f"| {r['sparql_ratio_p50']} | {r['rest_ratio_p50']} |")


if __name__ == "__main__":
    main()
