"""The record model: one YAML file per paper, and the catalogue of datasets and journals.

Records are parsed into typed objects here and nowhere else; every error names the file and
the field. Concept references are ids of concepts in ``ontology/geodm.ttl`` (checked against
the ontology when the record is turned into RDF, see :mod:`geokg.model.to_rdf`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from geokg.errors import RecordError

#: A DOI as the DOI Handbook (2.2) defines it: "10." and a registrant code (dot-separated digits), "/",
#: then a suffix of any printable characters. DOIs are case-insensitive: stored as written, compared
#: through :func:`normalise_doi`.
DOI_PATTERN = r"^10\.[0-9]+(?:\.[0-9]+)*/[^\s\x00-\x1f\x7f]+$"
ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"
#: A record id (and its file name): a slug of lower-case letters, digits, dots, hyphens and underscores.
#: Every character is unreserved in an IRI path, so ``{base}paper/{id}`` needs no escaping, and two
#: different ids give two different IRIs.
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$"
#: arXiv identifiers: new style (2101.00001, with an optional version) and old style (hep-th/9901001).
ARXIV_PATTERN = r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$"
#: A Handle (RFC 3650): naming authority "/" local name.
HANDLE_PATTERN = r"^[0-9]+(?:\.[0-9A-Za-z]+)*/\S+$"
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
    """A statement in English, with its wording in other languages where known.

    ``zh`` is the language the bundled data has; any other BCP 47 tag (``de``, ``pt-BR``, ``zh-Hant``)
    may be a key too, checked against the IANA registry.
    """

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=True)

    en: NonEmpty
    zh: NonEmpty | None = None

    @model_validator(mode="before")
    @classmethod
    def _language_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if key in ("en", "zh"):
                    continue
                if not isinstance(key, str) or not is_language_tag(key):
                    raise ValueError(f"unknown field {key!r} (a text's keys are BCP 47 language tags such as en, zh, de)")
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"the {key!r} text must be non-empty text")
        return data

    def languages(self) -> dict[str, str]:
        """Every wording by its language tag, English first."""
        out = {"en": self.en}
        if self.zh:
            out["zh"] = self.zh
        out.update({k: str(v).strip() for k, v in (self.model_extra or {}).items()})
        return out


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a valid BCP 47 language tag (``zh-Hans``; not ``en_US`` or ``summry``)."""
    import langcodes  # imported here: the registry data is read only when a rare tag turns up

    return bool(re.fullmatch(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", tag)) and langcodes.tag_is_valid(tag)


def isbn_is_valid(isbn: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 (hyphens and spaces allowed) has a correct check digit."""
    digits = re.sub(r"[- ]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def issn_is_valid(issn: str) -> bool:
    """Whether an ISSN (NNNN-NNNC) has a correct check digit (ISO 3297)."""
    if not re.fullmatch(r"\d{4}-\d{3}[\dX]", issn):
        return False
    digits = issn.replace("-", "")
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def normalise_doi(doi: str) -> str:
    """The form two DOIs are compared in: without a resolver prefix, lower-cased (DOIs are case-insensitive).

    >>> normalise_doi("https://doi.org/10.1016/S0012-821X(02)00123-4")
    '10.1016/s0012-821x(02)00123-4'
    """
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix):]
    return doi.lower()


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

    source: ConceptId
    """A source of the catalogue (``sources.yaml``); a record says where it comes from, nothing is assumed."""
    appendix_row: Annotated[int, Field(ge=1)] | None = None
    corrections: list[Correction] = []


class PaperRecord(_Strict):
    """A curated paper record (``loaders/records/<id>.yaml``).

    A paper is identified by its DOI or, without one, by an arXiv id, an ISBN, a Handle or a URL.
    """

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    doi: Annotated[str, Field(pattern=DOI_PATTERN)] | None = None
    arxiv: Annotated[str, Field(pattern=ARXIV_PATTERN)] | None = None
    isbn: NonEmpty | None = None
    handle: Annotated[str, Field(pattern=HANDLE_PATTERN)] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    title: Text
    authors: list[NonEmpty] = Field(default_factory=list)
    """Authors in the order the paper gives them (``Family, Given``)."""
    keywords: list[NonEmpty] = Field(default_factory=list)
    journal: ConceptId
    published: dt.date | None = None
    year: Annotated[int, Field(ge=1000, le=2999)] | None = None
    """The publication year, when the full date is not known (a BibTeX entry often has only the year)."""
    summary: Text
    research_question: Text | None = None
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
    provenance: Provenance | None = None

    @field_validator("isbn")
    @classmethod
    def _isbn_checksum(cls, value: str | None) -> str | None:
        if value is not None and not isbn_is_valid(value):
            raise ValueError(f"{value!r} is not an ISBN-10 or ISBN-13 with a correct check digit")
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _date_not_datetime(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) or (value is not None and not isinstance(value, (dt.date, str))):
            raise ValueError("must be a date written YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _year_agrees(self) -> PaperRecord:
        if self.year is not None and self.published is not None and self.published.year != self.year:
            raise ValueError(f"year {self.year} differs from the year of published ({self.published}); give one of them")
        return self

    @model_validator(mode="after")
    def _identified(self) -> PaperRecord:
        if not (self.doi or self.arxiv or self.isbn or self.handle or self.url):
            raise ValueError("needs an identifier: doi, or without one arxiv, isbn, handle or url")
        return self

    @property
    def identifier(self) -> str:
        """What identifies the paper to people and in URLs: its DOI, else the record id."""
        return self.doi or self.id

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
    """A venue of the catalogue (``loaders/journals.yaml``, a project's ``venues.yaml``): a journal,
    proceedings or a book series, identified by ISSN (check digit validated) and/or name."""

    id: ConceptId
    name: NonEmpty
    issn: Annotated[str, Field(pattern=r"^\d{4}-\d{3}[\dX]$")] | None = None
    eissn: Annotated[str, Field(pattern=r"^\d{4}-\d{3}[\dX]$")] | None = None
    publisher: NonEmpty | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None

    @field_validator("issn", "eissn")
    @classmethod
    def _issn_checksum(cls, value: str | None) -> str | None:
        if value is not None and not issn_is_valid(value):
            raise ValueError(f"{value!r} is an ISSN whose check digit is wrong")
        return value


class SourceRecord(_Entry):
    """A source document records are derived from (``loaders/sources.yaml``)."""

    id: ConceptId
    title: Text
    file: NonEmpty
    description: Text | None = None


def paper_id_from_doi(doi: str) -> str:
    """Propose a record id for a DOI: its suffix as a slug (the bundled records' ids).

    >>> paper_id_from_doi("10.1038/s41561-024-01517-y")
    's41561-024-01517-y'
    >>> paper_id_from_doi("10.1016/S0012-821X(02)00123-4")
    's0012-821x-02-00123-4'
    """
    return slug(doi.split("/", 1)[1])


def slug(text: str, fallback: str = "paper") -> str:
    """A record id from any text: lower-case letters and digits, other runs of characters become one hyphen."""
    out = re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-._")
    return out or fallback


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


class RecordErrors(RecordError):
    """Every problem of one record file at once: reads as the first, lists all in ``problems``."""

    def __init__(self, problems: list[RecordError]) -> None:
        first = problems[0]
        super().__init__(first.source, first.field, first.message)
        self.problems = problems


def problems_of(exc: RecordError) -> list[RecordError]:
    """The problems an error stands for (all of them for :class:`RecordErrors`)."""
    return list(getattr(exc, "problems", [exc]))


def errors_of(model: type[_Strict], data: Any, source: str) -> list[RecordError]:
    """Every way ``data`` does not fit ``model``, each naming its field (empty: it fits)."""
    if data is None:
        return [RecordError(source, "", "file is empty")]
    if not isinstance(data, dict):
        return [RecordError(source, "", f"expected a mapping of fields, got {type(data).__name__}")]
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [RecordError(source, _field_path(e["loc"]), _message(e)) for e in exc.errors()]
    return []


def _parse(model: type[M], data: Any, source: str) -> M:
    problems = errors_of(model, data, source)
    if problems:
        raise RecordErrors(problems)
    return model.model_validate(data)


#: What a pattern-checked field must look like, in a curator's words.
_FORMS = {
    "doi": "is not a DOI of the form 10.NNNN/suffix (written without https://doi.org/ or doi:)",
    "id": "must be a slug: lower-case letters, digits, dots, hyphens and underscores",
    "arxiv": "is not an arXiv identifier (2101.00001 or hep-th/9901001, optionally with a version)",
    "handle": "is not a Handle (naming authority/local name)",
    "url": "is not an http(s) URL",
    "report_sections": "is not a report section (2.1-2.3, 3.1-3.4, 4.1-4.10)",
    "report_positions": "is not a report section (2.1-2.3, 3.1-3.4, 4.1-4.10)",
    "issn": "is not an ISSN of the form NNNN-NNNC",
}


def _message(error: Any) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    names = [part for part in loc if isinstance(part, str)]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), sorted(_field_names()), n=1, cutoff=0.7)
        return f"unknown field {loc[-1]!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
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


def _field_names() -> set[str]:
    """Every field name of the record models, for "did you mean" hints."""
    return {name for model in _Strict.__subclasses__() for name in model.model_fields} | set(PaperRecord.model_fields)


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
            problems.extend(problems_of(exc))
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
    problems: list[RecordError] = []
    for i, item in enumerate(data, 1):
        found = errors_of(model, item, f"{path}[{i}]")
        if found:
            problems.extend(found)
            continue
        entry = model.model_validate(item)
        if entry.id in out:
            problems.append(RecordError(str(path), f"[{i}].id", f"duplicate id {entry.id!r}"))
        out[entry.id] = entry
    if problems:
        raise RecordErrors(problems)
    return out


def checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, so an unchanged record can be skipped on reload."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


Kind = Literal["paper", "dataset"]
