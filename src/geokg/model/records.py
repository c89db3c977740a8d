"""The record model: one YAML file per paper, and the catalogue of datasets and journals.

Records are parsed into typed objects here and nowhere else; every error names the file and
the field. Concept references are ids of concepts in ``ontology/geodm.ttl`` (checked against
the ontology when the record is turned into RDF, see :mod:`geokg.model.to_rdf`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from geokg.errors import RecordError

DOI_PATTERN = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"
ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"
SECTION_PATTERN = r"^(2\.[1-3]|3\.[1-4]|4\.(10|[1-9]))$"

ConceptId = Annotated[str, Field(pattern=ID_PATTERN)]
#: The dataset role of a dataset a paper only names: it is not counted as used.
MENTIONED_ROLE = "mentioned"
NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Entry(_Strict):
    """A catalogue entry: anything with an id."""

    id: str


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


class DatasetUse(_Strict):
    """A dataset the paper uses or lists outside any recorded method application, and in what role."""

    dataset: ConceptId
    role: ConceptId
    """A concept of the dataset-role scheme: input, comparison, validation or mentioned."""
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
    report_positions: dict[Annotated[str, Field(pattern=SECTION_PATTERN)], Annotated[int, Field(ge=1)]] = {}
    """Section → 1-based place of the paper among the examples that section of the report lists."""
    other_datasets: list[DatasetUse] = []
    time_periods: list[ConceptId] = []
    """Units of the geologic time scale the paper studies (concepts of the geologic-time scheme)."""
    bodies: Annotated[list[ConceptId], Field(min_length=1)] = ["earth"]
    """Planetary bodies the paper studies (concepts of the body scheme); Earth unless stated."""
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

    @field_validator("report_positions")
    @classmethod
    def _positions_of_listed_sections(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        listed = info.data.get("report_sections", [])
        for section in value:
            if section not in listed:
                raise ValueError(f"names section {section!r}, which is not in report_sections")
        return value

    @field_validator("other_datasets")
    @classmethod
    def _other_datasets_are_other(cls, value: list[DatasetUse], info: ValidationInfo) -> list[DatasetUse]:
        # A dataset that feeds an application is already used; listing it again would count it twice.
        inputs = {d for ma in info.data.get("method_applications", []) for d in ma.inputs}
        seen: set[str] = set()
        for use in value:
            if use.dataset in inputs:
                raise ValueError(f"lists {use.dataset!r}, which is already an input of a method application")
            if use.dataset in seen:
                raise ValueError(f"lists {use.dataset!r} twice")
            seen.add(use.dataset)
        return value

    @property
    def datasets(self) -> list[str]:
        """Every dataset any method application takes as input, in first-use order."""
        return list(dict.fromkeys(d for ma in self.method_applications for d in ma.inputs))

    @property
    def used_datasets(self) -> list[str]:
        """Inputs of method applications, then other datasets the paper uses (every role but "mentioned")."""
        return self.datasets + [u.dataset for u in self.other_datasets if u.role != MENTIONED_ROLE]


class DatasetRecord(_Strict):
    """A catalogued dataset (``loaders/datasets/<id>.yaml``), shared by the papers that use it."""

    id: ConceptId
    name: Text
    data_types: Annotated[list[ConceptId], Field(min_length=1)]
    version: NonEmpty | None = None
    provider: NonEmpty | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    description: Text | None = None
    platforms: list[ConceptId] = []
    """Observing platforms that acquired the data (concepts of the platform scheme)."""
    instruments: list[ConceptId] = []
    """Instruments or sensors that acquired the data (concepts of the instrument scheme)."""


class JournalRecord(_Entry):
    """A journal of the catalogue (``loaders/journals.yaml``)."""

    id: ConceptId
    name: NonEmpty
    issn: Annotated[str, Field(pattern=r"^\d{4}-\d{3}[\dX]$")]
    publisher: NonEmpty


class SourceRecord(_Entry):
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
        # libyaml parses ~10x faster; on any error the pure-Python parser runs again, so that the
        # message (line, problem) is always the one it gives.
        return yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - a CSafeLoader subclass
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RecordError(str(path), "", f"not valid YAML{where}: {problem}") from None


class _UniqueKeys:
    """Constructor rules of a safe loader that refuses duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc, no-any-return]

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date-looking value that is no date (2026-13-45) stays text, for the model to report."""
        try:
            return self.construct_yaml_timestamp(node)  # type: ignore[attr-defined]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[attr-defined]


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    pass


_CSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # without libyaml, the same parser twice


class _FastUniqueKeyLoader(_UniqueKeys, _CSafeLoader):  # type: ignore[misc, valid-type]
    pass


for _loader in (_UniqueKeyLoader, _FastUniqueKeyLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_lenient_timestamp)  # type: ignore[type-var]


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


M = TypeVar("M", bound="_Strict")


def _parse(model: type[M], data: Any, source: str) -> M:
    if data is None:
        raise RecordError(source, "", "file is empty")
    if not isinstance(data, dict):
        raise RecordError(source, "", f"expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(source, _field_path(first["loc"]), _message(first)) from None


#: What a pattern-checked field must look like, in a curator's words.
_FORMS = {
    "doi": "is not a DOI of the form 10.NNNN/suffix",
    "id": "must be lower-case letters, digits, dots and hyphens",
    "url": "is not an http(s) URL",
    "report_sections": "is not a report section (2.1-2.3, 3.1-3.4, 4.1-4.10)",
    "report_positions": "is not a report section (2.1-2.3, 3.1-3.4, 4.1-4.10)",
    "issn": "is not an ISSN of the form NNNN-NNNC",
}


def _message(error: Any) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    names = [part for part in loc if isinstance(part, str)]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        form = next((_FORMS[n] for n in reversed(names) if n in _FORMS), "does not have the expected form")
        return f"{value!r} {form}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty" if kind == "string_too_short" else "must list at least one entry"
    if kind == "list_type":
        return f"must be a list, not {type(value).__name__}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of fields (such as en: and zh:), not {type(value).__name__}"
    if kind.startswith(("date", "datetime")):
        return f"{value!r} is not a date written YYYY-MM-DD"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{value!r} must be at least {error['ctx'].get('ge', error['ctx'].get('gt'))}"
    if kind in ("int_type", "int_parsing"):
        return f"{value!r} is not a whole number"
    if kind in ("string_type",):
        return f"must be text, not {type(value).__name__}"
    return re.sub(r"^Value error, ", "", error["msg"])


def parse_paper(data: Any, source: str) -> PaperRecord:
    """Validate a paper record's data against the record model."""
    return _parse(PaperRecord, data, source)


def load_paper(path: Path) -> PaperRecord:
    """Read and validate one paper record file."""
    return parse_paper(read_yaml(path), str(path))


def load_datasets(folder: Path, problems: list[RecordError]) -> dict[str, DatasetRecord]:
    """Read every dataset of the catalogue folder, keyed by id (the file name).

    Each broken file adds its error to ``problems`` and is left out, so all are reported at once.
    """
    out: dict[str, DatasetRecord] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            record: DatasetRecord = _parse(DatasetRecord, read_yaml(path), str(path))
        except RecordError as exc:
            problems.append(exc)
            continue
        if record.id != path.stem:
            problems.append(RecordError(str(path), "id", f"must equal the file name {path.stem!r}"))
            continue
        out[record.id] = record
    return out


E = TypeVar("E", bound=_Entry)


def load_list(path: Path, model: type[E]) -> dict[str, E]:
    """Read a YAML list of catalogue entries (journals, sources), keyed by id."""
    data = read_yaml(path)
    if not isinstance(data, list):
        raise RecordError(str(path), "", "expected a list of entries")
    out: dict[str, E] = {}
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
