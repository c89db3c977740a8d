"""The bundled corpus: catalogue (journals, sources, datasets) plus paper records.

``read_corpus`` reads everything and cross-checks every reference (concepts, datasets,
journals, sources), collecting *all* problems so a curator sees them at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from geokg import resources
from geokg.errors import RecordError, closest
from geokg.model.ontology import ConceptIndex, concept_index, read_ontology
from geokg.model.records import (
    DatasetRecord,
    JournalRecord,
    PaperRecord,
    SourceRecord,
    load_datasets,
    load_list,
    load_paper,
    normalise_doi,
    problems_of,
    read_yaml,
)
from geokg.model.vocab import SCHEME


@dataclass
class Catalogue:
    """Shared entities that paper records refer to by id."""

    journals: dict[str, JournalRecord]
    sources: dict[str, SourceRecord]
    datasets: dict[str, DatasetRecord]


@dataclass
class Corpus:
    catalogue: Catalogue
    papers: dict[Path, PaperRecord] = field(default_factory=dict)
    problems: list[RecordError] = field(default_factory=list)
    """Problems of paper records; each names its record file."""
    catalogue_problems: list[RecordError] = field(default_factory=list)
    """Problems of the catalogue, which every paper depends on."""

    @property
    def all_problems(self) -> list[RecordError]:
        return self.catalogue_problems + self.problems


def read_catalogue(loaders: Path, problems: list[RecordError]) -> Catalogue:
    """Read the venues (journals.yaml and/or venues.yaml), sources.yaml and datasets/*.yaml of a loaders
    folder; errors go to ``problems``. A file a project does not need may be absent."""
    lists: dict[str, dict[str, Any]] = {"journals": {}, "sources": {}}
    for name, file, model in (("journals", "journals", JournalRecord), ("journals", "venues", JournalRecord),
                              ("sources", "sources", SourceRecord)):
        path = loaders / f"{file}.yaml"
        if not path.is_file():
            continue
        try:
            entries = load_list(path, model)
        except RecordError as exc:
            problems.extend(problems_of(exc))
            continue
        for entry_id in sorted(set(entries) & set(lists[name])):
            problems.append(RecordError(str(path), "id", f"venue {entry_id!r} is also in journals.yaml"))
        lists[name].update(entries)
    return Catalogue(lists["journals"], lists["sources"], load_datasets(loaders / "datasets", problems))


def dataset_problems(catalogue: Catalogue, index: ConceptIndex) -> list[RecordError]:
    """Data types, platforms and instruments of catalogued datasets that are not concepts of their scheme."""
    return [
        RecordError(f"datasets/{d.id}.yaml", f"{name}[{i}]", f"unknown {SCHEME[scheme].label} {t!r}" + closest(t, index.by_scheme.get(scheme, ())))
        for d in catalogue.datasets.values()
        for name, scheme in (("data_types", "data-type"), ("platforms", "platform"), ("instruments", "instrument"))
        for i, t in enumerate(getattr(d, name), 1)
        if not index.has(scheme, t)
    ]


def reference_problems(record: PaperRecord, source: str, catalogue: Catalogue, index: ConceptIndex) -> list[RecordError]:
    """Every reference of a paper record that does not resolve, each as its own error."""
    out: list[RecordError] = []

    def need(ok: bool, path: str, message: str, known: Iterable[str] = ()) -> None:
        if not ok:
            quoted = re.search(r"""(['"])(.*)\1$""", message)  # the value the message names, as repr() wrote it
            out.append(RecordError(source, path, message + (closest(quoted.group(2), known) if quoted else "")))

    def ids(*schemes: str) -> list[str]:
        return [c for s in schemes for c in index.by_scheme.get(s, ())]

    if record.journal is not None:  # None only in a record that failed the model (see _lenient)
        need(record.journal in catalogue.journals, "journal", f"unknown journal {record.journal!r}", catalogue.journals)
    if record.provenance and record.provenance.source is not None:
        need(record.provenance.source in catalogue.sources, "provenance.source", f"unknown source {record.provenance.source!r}", catalogue.sources)
    for i, process in enumerate(record.processes, 1):
        need(index.has("process", process), f"processes[{i}]", f"unknown natural process {process!r}", ids("process"))
    for i, ma in enumerate(record.method_applications, 1):
        where = f"method_applications[{i}]"
        if ma.method is not None:
            need(index.has("method", ma.method) or index.has("technique", ma.method), f"{where}.method",
                 f"unknown method or technique {ma.method!r}", ids("method", "technique"))
        for j, purpose in enumerate(ma.purposes, 1):
            need(index.has("purpose", purpose), f"{where}.purposes[{j}]", f"unknown purpose {purpose!r}", ids("purpose"))
        for j, dataset in enumerate(ma.inputs, 1):
            need(dataset in catalogue.datasets, f"{where}.inputs[{j}]", f"unknown dataset {dataset!r}", catalogue.datasets)
    for i, use in enumerate(record.other_datasets, 1):
        if use.dataset is not None:
            need(use.dataset in catalogue.datasets, f"other_datasets[{i}].dataset", f"unknown dataset {use.dataset!r}", catalogue.datasets)
        if use.role is not None:
            need(index.has("dataset-role", use.role), f"other_datasets[{i}].role", f"unknown dataset role {use.role!r}", ids("dataset-role"))
    for i, period in enumerate(record.time_periods, 1):
        need(index.has("geologic-time", period), f"time_periods[{i}]", f"unknown geologic time unit {period!r}", ids("geologic-time"))
    for i, body in enumerate(record.bodies, 1):
        need(index.has("body", body), f"bodies[{i}]", f"unknown planetary body {body!r}", ids("body"))
    for i, section in enumerate(record.report_sections, 1):
        need(section in index.notation, f"report_sections[{i}]", f"no report section {section!r}")
    return out


def _lenient(path: Path) -> Any:
    """The references of a record file that failed the record model, as far as they can be read (text
    where text is expected, None or empty lists elsewhere); None if the file is no mapping at all."""
    try:
        data = read_yaml(path)
    except RecordError:
        return None
    if not isinstance(data, dict):
        return None

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    def texts(value: Any) -> list[str]:
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def mappings(value: Any) -> list[dict[str, Any]]:
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    provenance = data.get("provenance")
    return SimpleNamespace(
        journal=text(data.get("journal")),
        provenance=SimpleNamespace(source=text(provenance.get("source"))) if isinstance(provenance, dict) else None,
        processes=texts(data.get("processes")),
        method_applications=[SimpleNamespace(method=text(m.get("method")), purposes=texts(m.get("purposes")), inputs=texts(m.get("inputs")))
                             for m in mappings(data.get("method_applications"))],
        other_datasets=[SimpleNamespace(dataset=text(u.get("dataset")), role=text(u.get("role"))) for u in mappings(data.get("other_datasets"))],
        time_periods=texts(data.get("time_periods")),
        bodies=texts(data.get("bodies")),
        report_sections=texts(data.get("report_sections")),
    )


def read_corpus(loaders: Path | None = None, index: ConceptIndex | None = None) -> Corpus:
    """Read the whole corpus, collecting every problem instead of stopping at the first."""
    loaders = loaders or resources.loaders_dir()
    index = index or concept_index(read_ontology())
    catalogue_problems: list[RecordError] = []
    corpus = Corpus(read_catalogue(loaders, catalogue_problems))
    corpus.catalogue_problems = catalogue_problems + dataset_problems(corpus.catalogue, index)
    seen_doi: dict[str, Path] = {}
    for path in sorted((loaders / "records").glob("*.yaml")):
        try:
            record = load_paper(path)
        except RecordError as exc:
            found = problems_of(exc)
            # The references are checked too, so that every problem shows in one pass; an id of the wrong
            # form ("random forest") is better told as an unknown one with the closest ids.
            lenient = _lenient(path)
            references = reference_problems(lenient, str(path), corpus.catalogue, index) if lenient is not None else []
            told = {p.field for p in references}
            found = [p for p in found if not (p.field in told and "does not have the expected form" in p.message)]
            fields = {p.field for p in found}
            corpus.problems.extend(found + [p for p in references if p.field not in fields])
            continue
        if path.stem != record.id:
            corpus.problems.append(RecordError(str(path), "id", f"must equal the file name {path.stem!r}"))
        if record.doi:
            doi = normalise_doi(record.doi)
            if doi in seen_doi:
                corpus.problems.append(RecordError(str(path), "doi", f"DOI {record.doi} is also in {seen_doi[doi]}"))
            seen_doi[doi] = path
        corpus.problems.extend(reference_problems(record, str(path), corpus.catalogue, index))
        corpus.papers[path] = record
    return corpus
