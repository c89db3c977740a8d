"""The record model: one YAML file per paper, and the catalogue of datasets and journals.

Records are parsed into typed objects here and nowhere else; every error names the file and
the field. Concept references are ids of concepts in ``ontology/geodm.ttl`` (checked against
the ontology when the record is turned into RDF, see :mod:`geokg.to_rdf`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from geokg.errors import RecordError

DOI_PATTERN = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"
ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"
SECTION_PATTERN = r"^(2\.[1-3]|3\.[1-4]|4\.(10|[1-9]))$"

ConceptId = Annotated[str, Field(pattern=ID_PATTERN)]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Strict):
    """A statement in English, with its Chinese wording where known."""

    en: NonEmpty
    zh: NonEmpty | None = None


class BilingualText(_Strict):
    """A statement that must exist in both English and Chinese."""

    en: NonEmpty
    zh: NonEmpty


class MethodApplication(_Strict):
    """One use of a method: which method, for which purposes, on which input datasets."""

    method: ConceptId
    purposes: Annotated[list[ConceptId], Field(min_length=1)]
    inputs: Annotated[list[ConceptId], Field(min_length=1)]
    note: NonEmpty | None = None


class Correction(_Strict):
    """Where the record deliberately differs from the source report, and why."""

    field: NonEmpty
    note: NonEmpty


class Provenance(_Strict):
    """Where the record's facts come from."""

    source: ConceptId = "report-2025"
    appendix_row: Annotated[int, Field(ge=1)] | None = None
    corrections: list[Correction] = []


class PaperRecord(_Strict):
    """A curated paper record (``loaders/records/<id>.yaml``)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    doi: Annotated[str, Field(pattern=DOI_PATTERN)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    title: BilingualText
    journal: ConceptId
    published: dt.date | None = None
    summary: Text
    research_question: Text
    processes: Annotated[list[ConceptId], Field(min_length=1)]
    method_applications: Annotated[list[MethodApplication], Field(min_length=1)]
    findings: Annotated[list[Text], Field(min_length=1)]
    report_sections: list[Annotated[str, Field(pattern=SECTION_PATTERN)]] = []
    provenance: Provenance

    @field_validator("published", mode="before")
    @classmethod
    def _date_not_datetime(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) or (value is not None and not isinstance(value, (dt.date, str))):
            raise ValueError("must be a date written YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _id_matches_doi(self) -> PaperRecord:
        if self.id != paper_id_from_doi(self.doi):
            raise ValueError(f"id {self.id!r} must be the DOI suffix {paper_id_from_doi(self.doi)!r}")
        return self

    @property
    def datasets(self) -> list[str]:
        """Every dataset any method application takes as input, in first-use order."""
        return list(dict.fromkeys(d for ma in self.method_applications for d in ma.inputs))


class DatasetRecord(_Strict):
    """A catalogued dataset (``loaders/datasets/<id>.yaml``), shared by the papers that use it."""

    id: ConceptId
    name: Text
    data_types: Annotated[list[ConceptId], Field(min_length=1)]
    version: NonEmpty | None = None
    provider: NonEmpty | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    description: Text | None = None


class JournalRecord(_Strict):
    """A journal of the catalogue (``loaders/journals.yaml``)."""

    id: ConceptId
    name: NonEmpty
    issn: Annotated[str, Field(pattern=r"^\d{4}-\d{3}[\dX]$")]
    publisher: NonEmpty


class SourceRecord(_Strict):
    """A source document records are derived from (``loaders/sources.yaml``)."""

    id: ConceptId
    title: Text
    file: NonEmpty
    description: Text | None = None


def paper_id_from_doi(doi: str) -> str:
    """Return the local id of a paper: the DOI suffix, lower-cased.

    >>> paper_id_from_doi("10.1038/s41561-024-01517-y")
    's41561-024-01517-y'
    """
    return doi.split("/", 1)[1].lower()


def read_yaml(path: Path) -> Any:
    """Read a YAML file strictly: UTF-8, one document, errors naming the file and line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(str(path), "", f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise RecordError(str(path), "", f"cannot read file: {exc.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RecordError(str(path), "", f"not valid YAML{where}: {problem}") from None


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _parse(model: type[_Strict], data: Any, source: str) -> Any:
    if not isinstance(data, dict):
        raise RecordError(source, "", f"expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(source, _field_path(first["loc"]), _message(first)) from None


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    return re.sub(r"^Value error, ", "", error["msg"])


def parse_paper(data: Any, source: str) -> PaperRecord:
    """Validate a paper record's data against the record model."""
    return _parse(PaperRecord, data, source)  # type: ignore[no-any-return]


def load_paper(path: Path) -> PaperRecord:
    """Read and validate one paper record file."""
    return parse_paper(read_yaml(path), str(path))


def load_datasets(folder: Path) -> dict[str, DatasetRecord]:
    """Read every dataset of the catalogue folder, keyed by id (the file name)."""
    out: dict[str, DatasetRecord] = {}
    for path in sorted(folder.glob("*.yaml")):
        record: DatasetRecord = _parse(DatasetRecord, read_yaml(path), str(path))
        if record.id != path.stem:
            raise RecordError(str(path), "id", f"must equal the file name {path.stem!r}")
        out[record.id] = record
    return out


def load_list(path: Path, model: type[_Strict]) -> dict[str, Any]:
    """Read a YAML list of catalogue entries (journals, sources), keyed by id."""
    data = read_yaml(path)
    if not isinstance(data, list):
        raise RecordError(str(path), "", "expected a list of entries")
    out: dict[str, Any] = {}
    for i, item in enumerate(data, 1):
        entry = _parse(model, item, f"{path}[{i}]")
        if entry.id in out:
            raise RecordError(str(path), f"[{i}].id", f"duplicate id {entry.id!r}")
        out[entry.id] = entry
    return out


def checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, so an unchanged record can be skipped on reload."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


Kind = Literal["paper", "dataset"]
