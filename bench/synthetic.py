"""A seeded, deterministic synthetic corpus drawn from the real schemes and datasets.

Usage: .venv/bin/python bench/synthetic.py N OUT_DIR
writes OUT_DIR/{journals.yaml,sources.yaml,datasets/,records/} — a loaders folder that
`geokg load --loaders OUT_DIR` accepts (every record is valid under the shapes);
       .venv/bin/python bench/synthetic.py --store N STORE_DIR
stages a store with the bundled corpus plus N synthetic papers (for read benchmarks).
Papers have 2-6 method applications, 1-4 datasets, 1-3 processes, findings in two languages.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from geokg import resources  # noqa: E402
from geokg.model.corpus import read_catalogue  # noqa: E402
from geokg.model.ontology import default_index  # noqa: E402
from geokg.model.records import PaperRecord  # noqa: E402

WORDS = ["glacier", "ocean", "mantle", "carbon", "rainfall", "subsidence", "isotope", "seismic", "plate", "lake", "river", "wetland", "crust", "sediment", "magma", "temperature", "oxygen", "groundwater", "slip", "basalt"]


def paper_id(i: int) -> str:
    return f"syn-{i:07d}"


def doi(i: int) -> str:
    """The DOI of the ``i``-th synthetic paper (the same for every seed)."""
    return f"10.5555/{paper_id(i)}"


def records(n: int, seed: int = 42) -> Iterator[PaperRecord]:
    """``n`` synthetic paper records; the same seed gives the same corpus."""
    rng = random.Random(seed)
    index = default_index()
    problems: list = []  # type: ignore[type-arg]
    catalogue = read_catalogue(resources.loaders_dir(), problems)
    methods = sorted(c for c in index.by_scheme["method"] if c not in index.tops["method"])
    purposes = sorted(index.by_scheme["purpose"])
    processes = sorted(index.by_scheme["process"] - index.tops["process"])
    datasets = sorted(catalogue.datasets)
    journals = sorted(catalogue.journals)
    sections = sorted(index.notation)
    for i in range(n):
        pid = paper_id(i)
        used = rng.sample(datasets, rng.randint(1, 4))
        topic = " ".join(rng.sample(WORDS, 3))
        applications = [
            {"method": rng.choice(methods), "purposes": rng.sample(purposes, rng.randint(1, 2)),
             "inputs": rng.sample(used, rng.randint(1, len(used)))}
            for _ in range(rng.randint(2, 6))
        ]
        for k, dataset in enumerate(used):  # every dataset is the input of some application
            if not any(dataset in a["inputs"] for a in applications):
                applications[k % len(applications)]["inputs"].append(dataset)
        yield PaperRecord.model_validate({
            "id": pid, "doi": doi(i), "url": f"https://doi.org/10.5555/{pid}",
            "title": {"en": f"Synthetic study {i} of {topic}", "zh": f"合成研究{i}：{topic}"},
            "journal": rng.choice(journals), "published": f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "summary": {"en": f"A synthetic paper about {topic}.", "zh": f"关于{topic}的合成论文。"},
            "research_question": {"en": f"How does {topic} change?", "zh": f"{topic}如何变化？"},
            "processes": rng.sample(processes, rng.randint(1, 3)),
            "method_applications": applications,
            "findings": [{"en": f"Finding {k} of paper {i}: {rng.random():.3f}", "zh": f"论文{i}的发现{k}：{rng.random():.3f}"}
                         for k in range(rng.randint(1, 4))],
            "report_sections": rng.sample(sections, rng.randint(0, 2)),
            "provenance": {"source": "report-2025"},
        })


def write_loaders(n: int, out: Path, seed: int = 42) -> Path:
    """Write a loaders folder with the real catalogue and ``n`` synthetic records."""
    out.mkdir(parents=True, exist_ok=True)
    src = resources.loaders_dir()
    for name in ("journals.yaml", "sources.yaml"):
        shutil.copy(src / name, out / name)
    shutil.copytree(src / "datasets", out / "datasets", dirs_exist_ok=True)
    (out / "records").mkdir(exist_ok=True)
    for record in records(n, seed):
        data = record.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        (out / "records" / f"{record.id}.yaml").write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def stage_store(n: int, folder: Path, seed: int = 42) -> Path:
    """A store holding the bundled corpus plus ``n`` synthetic papers (and its side index, where
    ``geokg serve`` looks for it), for read benchmarks.

    The bundled corpus goes through `geokg load`; the synthetic papers are written by the
    loader's own graph writer (their validation is measured by bench/validation.py) and indexed
    from the same N-Triples.
    """
    from geokg.index.keys import Context
    from geokg.index.open import open_index
    from geokg.index.sync import update
    from geokg.load.corpus import load_corpus
    from geokg.load.write import write_graphs
    from geokg.model.to_rdf import paper_graph
    from geokg.model.vocab import Iris
    from geokg.settings import Settings
    from geokg.store.embedded import EmbeddedStore

    store = EmbeddedStore(folder)
    side_index = open_index(Settings(store=str(folder)))
    load_corpus(store, side_index=side_index)
    problems: list = []  # type: ignore[type-arg]
    catalogue = read_catalogue(resources.loaders_dir(), problems)
    types = {d.id: d.data_types for d in catalogue.datasets.values()}
    index, iris = default_index(), Iris()
    batch: dict[str, str] = {}
    ctx = Context.of(index, {d.id: [*d.data_types, *d.platforms, *d.instruments] for d in catalogue.datasets.values()})
    for record in records(n, seed):
        # a checksum as `geokg load` stamps, so that the index can tell the papers are up to date
        checksum = hashlib.sha256(record.model_dump_json().encode()).hexdigest()
        batch[str(iris.paper_graph(record.id))] = paper_graph(record, index, iris, types, checksum).serialize(format="nt")
        if len(batch) == 1000:
            write_graphs(store, batch)
            update(side_index, ctx, dict(batch))
            batch = {}
    write_graphs(store, batch)
    update(side_index, ctx, dict(batch))
    store.close()
    return folder


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--store":
        stage_store(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        write_loaders(int(sys.argv[1]), Path(sys.argv[2]))
