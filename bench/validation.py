"""Per-record validation time at the bundled size and with a 10,000-paper synthetic graph loaded.

Usage: .venv/bin/python bench/validation.py [--papers 10000] [--sample 50]
The checks are exactly those `geokg load` runs on each record (SHACL shapes within the fixed
validation context, and DOI uniqueness looked up in the store). The synthetic papers are put in
the store by the loader's own graph writer; only the records being timed go through the checks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from geokg import resources  # noqa: E402
from geokg.load.corpus import load_corpus  # noqa: E402
from geokg.load.write import write_graphs  # noqa: E402
from geokg.model.corpus import read_catalogue  # noqa: E402
from geokg.model.ontology import default_index, read_ontology  # noqa: E402
from geokg.model.to_rdf import catalogue_graph, paper_graph  # noqa: E402
from geokg.model.vocab import Iris  # noqa: E402
from geokg.store.embedded import EmbeddedStore  # noqa: E402
from geokg.validate.rules import doi_unique_in  # noqa: E402
from geokg.validate.shapes import Validator, validation_context  # noqa: E402
from synthetic import records  # noqa: E402


def check_times(store: EmbeddedStore, sample: list, validator: Validator, types: dict) -> dict[str, list[float]]:  # type: ignore[type-arg]
    """Milliseconds per record of the SHACL shapes (``validate``) and of the DOI uniqueness lookup
    in the store (``doi``), the two checks `geokg load` runs on each record."""
    index, iris = default_index(), Iris()
    unique = doi_unique_in(store, iris)
    out: dict[str, list[float]] = {"validate": [], "doi": []}
    for record in sample:
        graph = paper_graph(record, index, iris, types)
        start = time.perf_counter()
        problems = validator.check(record, graph, record.id)
        middle = time.perf_counter()
        problems += unique(record, record.id)
        out["validate"].append((middle - start) * 1000)
        out["doi"].append((time.perf_counter() - middle) * 1000)
        assert not problems, problems
    return out


def time_checks(store: EmbeddedStore, sample: list, validator: Validator, types: dict) -> list[float]:  # type: ignore[type-arg]
    times = check_times(store, sample, validator, types)
    return [a + b for a, b in zip(times["validate"], times["doi"], strict=False)]


def checkers() -> tuple[Validator, dict[str, list[str]]]:
    """The loader's validator for the bundled catalogue, and each dataset's data types."""
    problems: list = []  # type: ignore[type-arg]
    catalogue = read_catalogue(resources.loaders_dir(), problems)
    types = {d.id: d.data_types for d in catalogue.datasets.values()}
    return Validator(validation_context(read_ontology(), catalogue_graph(catalogue, Iris()))), types


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    validator, types = checkers()
    generated = list(records(args.papers + args.sample, seed=7))
    sample, bulk = generated[: args.sample], generated[args.sample :]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        load_corpus(store)
        time_checks(store, sample[:5], validator, types)  # warm up
        results["bundled (35 papers)"] = time_checks(store, sample, validator, types)
        index, iris = default_index(), Iris()
        start = time.perf_counter()
        graphs = {str(iris.paper_graph(r.id)): paper_graph(r, index, iris, types).serialize(format="nt") for r in bulk}
        write_graphs(store, graphs)
        print(f"staged {len(bulk)} synthetic papers in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        results[f"bundled + {len(bulk)} synthetic"] = time_checks(store, sample, validator, types)
        store.close()
    table = {k: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 2),
                 "mean_ms": round(statistics.mean(v), 2), "records": len(v)} for k, v in results.items()}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "validation.json").write_text(json.dumps(table, indent=2), encoding="utf-8")
    print("| store holds | per-record validation p50 ms | p95 ms | mean ms |")
    print("| --- | ---: | ---: | ---: |")
    for k, v in table.items():
        print(f"| {k} | {v['p50_ms']} | {v['p95_ms']} | {v['mean_ms']} |")


if __name__ == "__main__":
    main()
