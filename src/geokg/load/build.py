"""Building paper graphs from records and checking them against the shapes, in batches.

Building a graph and checking it is pure CPU work on one record, so with many records it
spreads over worker processes; the store stays in the loading process.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from geokg.errors import RecordError
from geokg.model.ontology import ConceptIndex
from geokg.model.records import PaperRecord
from geokg.model.to_rdf import paper_triples
from geokg.model.vocab import Iris
from geokg.validate.shapes import Validator

#: How many paper graphs one pySHACL run validates (the per-run overhead dominates small runs).
VALIDATE_BATCH = 100
#: How many worker processes build and validate graphs, and from how many records on.
WORKERS = 2
PARALLEL_FROM = 1000


def ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


#: A record waiting for its graph: (record, source file, graph IRI, checksum).
Pending = tuple[PaperRecord, str, str, str]
#: What building and checking a batch gives: its problems, and (record id, graph IRI, N-Triples) of the valid records.
Built = tuple[list[RecordError], list[tuple[str, str, str]]]


@dataclass
class Builder:
    """Builds and validates paper graphs in batches; with many records, in worker processes."""

    index: ConceptIndex
    iris: Iris
    dataset_types: dict[str, list[str]]
    validator: Validator

    def batch(self, items: list[Pending]) -> Built:
        graphs = [paper_triples(record, self.index, self.iris, self.dataset_types, checksum) for record, _, _, checksum in items]
        texts = [g.ntriples() for g in graphs]
        problems = self.validator.check_many(
            [(g, source, str(self.iris.paper(record.id))) for g, (record, source, _, _) in zip(graphs, items, strict=False)], texts)
        refused = {p.source for p in problems}
        return problems, [(record.id, graph_iri, text) for (record, source, graph_iri, _), text in zip(items, texts, strict=False) if source not in refused]

    def run(self, todo: list[Pending]) -> Progress:
        batches = [todo[i : i + VALIDATE_BATCH] for i in range(0, len(todo), VALIDATE_BATCH)]
        workers = min(WORKERS, os.cpu_count() or 1)
        if len(todo) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return Progress(map(self.batch, batches), len(batches))
        return Progress(self._parallel(batches, workers), len(batches))

    def _parallel(self, batches: list[list[Pending]], workers: int) -> Iterator[Built]:
        global _BUILDER
        self.validator.compiled  # noqa: B018 - compile the shapes once, before the workers fork
        _BUILDER = self
        # fork: the workers inherit this builder (ontology, shapes) instead of rebuilding it.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # A few batches in flight, not all: when writing is slower than building, finished
            # graphs would otherwise pile up in memory.
            waiting: collections.deque[Any] = collections.deque()
            for batch in batches:
                waiting.append(pool.apply_async(_build_in_worker, (batch,)))
                if len(waiting) > 2 * workers:
                    yield self._received(waiting.popleft().get())
            while waiting:
                yield self._received(waiting.popleft().get())

    @staticmethod
    def _received(result: tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]) -> Built:
        problems, built = result
        return [RecordError(*p) for p in problems], built


_BUILDER: Builder | None = None


def _build_in_worker(items: list[Pending]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    if _BUILDER is None:
        raise RuntimeError("a build worker runs only in a pool forked by Builder._parallel")
    problems, built = _BUILDER.batch(items)
    return [(p.source, p.field, p.message) for p in problems], built  # RecordError does not pickle


class Progress:
    """An iterator that knows its length, for progress bars."""

    def __init__(self, items: Iterable[Built], length: int) -> None:
        self.items, self.length = items, length

    def __iter__(self) -> Iterator[Built]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.length


