"""``geokg import``: reference-manager exports → draft records of a project.

Reads BibTeX (bibtexparser), RIS (rispy), CSL-JSON (what Zotero, Mendeley and Crossref export) and
OpenAlex works (a saved API response, or snapshot lines, gzipped or not). Every entry becomes a
:class:`Work`; each work a draft record in the project's ``drafts/`` holding everything the file
gave (identifiers, title, authors, venue, date, abstract, keywords, URL) with the source noted in
``draft.imported``. A paper already in the project (same DOI, or same normalised title and year) is
reported and merged into its draft, not duplicated; a broken entry is reported with its line or key
and the rest is imported. Venues not yet in the project are added to ``loaders/venues.yaml``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geokg.errors import RecordError
from geokg.model.records import (
    ARXIV_PATTERN,
    DOI_PATTERN,
    ID_PATTERN,
    JournalRecord,
    isbn_is_valid,
    issn_is_valid,
    load_list,
    normalise_doi,
    read_yaml,
    slug,
)

FORMATS = ("bibtex", "ris", "csl-json", "openalex")


@dataclass
class Work:
    """One entry of a bibliography file, in GeoKG's terms."""

    where: str
    """The file and the entry's line and key, for messages."""
    format: str
    key: str = ""
    line: int | None = None
    doi: str | None = None
    title: str = ""
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    issns: list[str] = field(default_factory=list)
    date: tuple[int, ...] = ()
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    arxiv: str | None = None
    isbn: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Other facts the file gave (type, volume, pages, publisher …), kept in the draft."""
    notes: list[str] = field(default_factory=list)
    """What was dropped and why (an ISSN with a wrong check digit …)."""


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    """Duplicates found (in the project or the batch), each said in words."""
    problems: list[RecordError] = field(default_factory=list)
    venues_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- reading each format -------------------------------------------------------------------------


def detect_format(path: Path, text: str) -> str:
    """The format of a file, from its name and, failing that, its first characters."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".bib", ".bibtex")):
        return "bibtex"
    if name.endswith((".ris", ".nbib")):
        return "ris"
    start = text.lstrip()[:2000]
    if start.startswith(("{", "[")):
        return "openalex" if re.search(r'"(openalex\.org|abstract_inverted_index|authorships)"|openalex\.org/W', start) else "csl-json"
    if re.search(r"^TY  - ", start, re.M):
        return "ris"
    if start.startswith("@") or re.search(r"^@\w+\s*[{(]", start, re.M):
        return "bibtex"
    raise RecordError(str(path), "", "unknown format: expected BibTeX (.bib), RIS (.ris), CSL-JSON or OpenAlex JSON")


def read_text(path: Path) -> str:
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(str(path), "", f"not UTF-8 text (byte {exc.start})") from None
    except (OSError, EOFError) as exc:
        raise RecordError(str(path), "", f"cannot read file: {exc}") from None


def read_works(path: Path, fmt: str | None = None) -> tuple[list[Work], list[RecordError]]:
    """The works of one file and the entries that could not be read (each with its line or key)."""
    text = read_text(path)
    fmt = fmt or detect_format(path, text)
    reader = {"bibtex": _bibtex, "ris": _ris, "csl-json": _csl_json, "openalex": _openalex}[fmt]
    works: list[Work] = []
    problems: list[RecordError] = []
    for item in reader(path, text):
        if isinstance(item, RecordError):
            problems.append(item)
            continue
        missing = "a title" if not item.title else None
        if missing:
            problems.append(RecordError(item.where, "title", "the entry has no title; not imported"))
            continue
        if item.doi and not re.match(DOI_PATTERN, item.doi):
            problems.append(RecordError(item.where, "doi", f"{item.doi!r} is not a DOI of the form 10.NNNN/suffix; not imported"))
            continue
        works.append(item)
    return works, problems


def _bibtex(path: Path, text: str) -> Iterator[Work | RecordError]:
    import bibtexparser
    from bibtexparser import middlewares

    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # its warnings repeat what is reported below, entry by entry
    stack = [middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.MonthIntMiddleware(True)]
    library = bibtexparser.parse_string(text, append_middleware=stack)  # type: ignore[attr-defined]
    for block in library.failed_blocks:
        key = getattr(block, "key", None) or _bibtex_key(block.raw or "")
        error = next(iter(str(getattr(block, "error", "") or "").strip().splitlines()), "") or "not valid BibTeX"
        yield RecordError(f"{path} line {(block.start_line or 0) + 1}" + (f" (entry {key})" if key else ""), "", f"cannot read the entry: {error}")
    for entry in library.entries:
        f = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        line = (entry.start_line or 0) + 1
        where = f"{path} line {line} (entry {entry.key})"
        work = Work(where, "bibtex", key=entry.key, line=line)
        work.title = _clean(f.get("title"))
        authors = f.get("author") or f.get("editor") or []
        work.authors = [_clean(a) for a in (authors if isinstance(authors, list) else [authors]) if _clean(a)]
        work.doi = _doi(f.get("doi"))
        work.venue = _clean(f.get("journal") or f.get("journaltitle") or f.get("booktitle") or f.get("series")
                            or f.get("school") or f.get("institution") or f.get("publisher")) or None
        work.issns = _split(f.get("issn"), r"[,;\s]+")
        year = _int(f.get("year")) or _int(str(f.get("date", ""))[:4])
        month = f.get("month") if isinstance(f.get("month"), int) else _int(f.get("month"))
        date = str(f.get("date", ""))
        work.date = _date_parts(date) if re.match(r"^\d{4}-\d{2}", date) else tuple(x for x in (year, month) if x)
        work.abstract = _clean(f.get("abstract")) or None
        work.keywords = _split(f.get("keywords"), r"[,;]")
        work.url = _url(f.get("url"))
        work.isbn = _clean(f.get("isbn")) or None
        eprint = _clean(f.get("eprint"))
        if eprint and (str(f.get("archiveprefix", f.get("eprinttype", ""))).lower() == "arxiv" or re.match(ARXIV_PATTERN, eprint)):
            work.arxiv = eprint
        work.extra = {"type": entry.entry_type, **{k: _clean(v) for k, v in f.items() if k in (
            "volume", "number", "pages", "publisher", "note", "language", "school", "institution") and _clean(v)}}
        yield work


def _bibtex_key(raw: str) -> str:
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", raw)
    return match.group(1) if match else ""


def _ris(path: Path, text: str) -> Iterator[Work | RecordError]:
    import rispy  # type: ignore[import-untyped]

    for start, chunk in _ris_chunks(text):
        where = f"{path} line {start}"
        try:
            entries = rispy.loads(chunk)
        except Exception as exc:  # rispy raises plain errors on malformed lines
            yield RecordError(where, "", f"cannot read the entry: {exc}")
            continue
        if len(entries) != 1 or not entries[0].get("type_of_reference"):
            yield RecordError(where, "", "cannot read the entry: it does not start with a TY  - line")
            continue
        e = entries[0]
        key = str(e.get("id") or "")
        work = Work(where + (f" (entry {key})" if key else ""), "ris", key=key, line=start)
        work.title = _clean(e.get("title") or e.get("primary_title") or e.get("translated_title"))
        work.authors = [_clean(a) for a in (e.get("authors") or e.get("first_authors") or []) if _clean(a)]
        work.doi = _doi(e.get("doi"))
        work.venue = _clean(e.get("journal_name") or e.get("secondary_title") or e.get("alternate_title3")
                            or e.get("alternate_title1") or e.get("publisher")) or None
        work.issns = _split(e.get("issn"), r"[,;\s]+")
        date = str(e.get("date") or e.get("publication_year") or e.get("year") or "")
        work.date = _date_parts(date.replace("/", "-"))
        work.abstract = _clean(e.get("abstract") or e.get("notes_abstract")) or None
        work.keywords = [_clean(k) for k in e.get("keywords") or [] if _clean(k)]
        urls = e.get("urls") or []
        work.url = _url(urls[0] if urls else None)
        if (sn := _clean(e.get("issn"))) and isbn_is_valid(sn):
            work.isbn, work.issns = sn, []
        work.extra = {"type": e.get("type_of_reference"), **{k: _clean(e.get(k)) for k in ("volume", "number", "start_page", "end_page", "publisher")
                                                            if _clean(e.get(k))}}
        yield work


def _ris_chunks(text: str) -> Iterator[tuple[int, str]]:
    """Each reference of a RIS file (from its TY line to its ER line) with its first line number."""
    lines = text.splitlines()
    start, chunk = 0, list[str]()
    for i, line in enumerate(lines, 1):
        if not chunk and not line.strip():
            continue
        if not chunk:
            start = i
        chunk.append(line)
        if line.startswith("ER  -") or line.rstrip() == "ER  -":
            yield start, "\n".join(chunk) + "\n"
            chunk = []
    if chunk:
        yield start, "\n".join(chunk) + "\n"


def _json_items(path: Path, text: str) -> Iterator[tuple[str, Any] | RecordError]:
    """The items of a JSON file (a list, one object, an API response's results/items/message) or of
    JSON lines; each with where it is."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            yield RecordError(f"{path} line {whole.lineno}", "", f"not valid JSON: {whole.msg}")
            return
        for i, line in lines:  # snapshot lines: one work per line
            try:
                yield f"{path} line {i}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(f"{path} line {i}", "", f"not valid JSON: {exc.msg}")
        return
    if isinstance(data, dict):
        for key in ("results", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            message = data.get("message")
            data = message.get("items", [message]) if isinstance(message, dict) else [data]
    if not isinstance(data, list):
        yield RecordError(str(path), "", "expected a JSON list of works, or one work")
        return
    for i, item in enumerate(data, 1):
        yield f"{path} item {i}", item


def _csl_json(path: Path, text: str) -> Iterator[Work | RecordError]:
    for item in _json_items(path, text):
        if isinstance(item, RecordError):
            yield item
            continue
        where, e = item
        if not isinstance(e, dict):
            yield RecordError(where, "", f"expected a CSL-JSON item (an object), got {type(e).__name__}")
            continue
        key = str(e.get("id") or e.get("citation-key") or "")
        work = Work(where + (f" (id {key})" if key else ""), "csl-json", key=key)
        work.title = _clean(_first(e.get("title")))
        work.authors = [_csl_name(a) for a in e.get("author") or [] if isinstance(a, dict) and _csl_name(a)]
        work.doi = _doi(e.get("DOI"))
        work.venue = _clean(_first(e.get("container-title")) or e.get("publisher")) or None
        work.issns = [i for v in ([e.get("ISSN")] if isinstance(e.get("ISSN"), str) else e.get("ISSN") or []) for i in _split(v, r"[,;\s]+")]
        issued = e.get("issued") or e.get("published-print") or e.get("published-online") or {}
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        work.date = tuple(int(x) for x in parts[0] if str(x).isdigit()) if parts and isinstance(parts[0], list) else ()
        if not work.date and isinstance(issued, dict) and issued.get("raw"):
            work.date = _date_parts(str(issued["raw"]))
        work.abstract = _strip_tags(_clean(e.get("abstract"))) or None
        keywords = e.get("keyword") or e.get("subject") or []
        work.keywords = _split(keywords, r"[,;]") if isinstance(keywords, str) else [_clean(k) for k in keywords if _clean(k)]
        work.url = _url(e.get("URL"))
        isbn = _first(e.get("ISBN"))
        work.isbn = _clean(isbn) or None
        work.extra = {k: _clean(e.get(k)) for k in ("type", "volume", "issue", "page", "publisher") if _clean(e.get(k))}
        yield work


def _openalex(path: Path, text: str) -> Iterator[Work | RecordError]:
    for item in _json_items(path, text):
        if isinstance(item, RecordError):
            yield item
            continue
        where, e = item
        if not isinstance(e, dict):
            yield RecordError(where, "", f"expected an OpenAlex work (an object), got {type(e).__name__}")
            continue
        key = str(e.get("id") or "").rsplit("/", 1)[-1]
        work = Work(where + (f" (work {key})" if key else ""), "openalex", key=key)
        work.title = _clean(e.get("title") or e.get("display_name"))
        work.authors = [_clean((a.get("author") or {}).get("display_name")) for a in e.get("authorships") or []
                        if isinstance(a, dict) and _clean((a.get("author") or {}).get("display_name"))]
        ids: dict[str, Any] = e["ids"] if isinstance(e.get("ids"), dict) else {}
        work.doi = _doi(e.get("doi") or ids.get("doi"))
        location: dict[str, Any] = e["primary_location"] if isinstance(e.get("primary_location"), dict) else {}
        source: dict[str, Any] = location["source"] if isinstance(location.get("source"), dict) else {}
        work.venue = _clean(source.get("display_name")) or None
        work.issns = [i for i in (source.get("issn") or ([source["issn_l"]] if source.get("issn_l") else [])) if isinstance(i, str)]
        work.date = _date_parts(str(e.get("publication_date") or e.get("publication_year") or ""))
        work.abstract = _inverted(e.get("abstract_inverted_index")) or None
        work.keywords = [_clean(k.get("display_name")) for k in e.get("keywords") or [] if isinstance(k, dict) and _clean(k.get("display_name"))]
        work.url = _url(location.get("landing_page_url"))
        work.extra = {k: v for k, v in {"type": e.get("type"), "openalex": e.get("id"),
                                        "volume": (e.get("biblio") or {}).get("volume"), "issue": (e.get("biblio") or {}).get("issue")}.items() if v}
        yield work


# --- small helpers -------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = re.sub(r"[{}]", "", str(value))  # BibTeX case-protection braces
    return re.sub(r"\s+", " ", text).strip()


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _split(value: Any, pattern: str) -> list[str]:
    if isinstance(value, list):
        return [_clean(v) for v in value if _clean(v)]
    return [p.strip() for p in re.split(pattern, _clean(value)) if p.strip()]


def _date_parts(text: str) -> tuple[int, ...]:
    match = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    return tuple(int(x) for x in match.groups() if x) if match else ()


def _doi(value: Any) -> str | None:
    text = _clean(_first(value))
    if not text:
        return None
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    return text


def _url(value: Any) -> str | None:
    text = _clean(_first(value))
    return text if re.match(r"^https?://\S+$", text) else None


def _csl_name(author: dict[str, Any]) -> str:
    if author.get("literal"):
        return _clean(author["literal"])
    family, given = _clean(author.get("family")), _clean(author.get("given"))
    return f"{family}, {given}" if family and given else family or given


def _strip_tags(text: str) -> str:
    """Crossref abstracts come as JATS: the words only."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _inverted(index: Any) -> str:
    """OpenAlex's abstract_inverted_index back into text."""
    if not isinstance(index, dict):
        return ""
    words = sorted((pos, word) for word, positions in index.items() if isinstance(positions, list) for pos in positions if isinstance(pos, int))
    return " ".join(word for _, word in words)


def title_key(title: str, year: int | None) -> str:
    """The form two titles are compared in: letters and digits only, case- and accent-folded, with the year."""
    folded = unicodedata.normalize("NFKD", title).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded)) + f"|{year or ''}"


# --- drafts --------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What the project already holds: papers by DOI and by title+year, ids, venues."""

    by_doi: dict[str, Path] = field(default_factory=dict)
    by_title: dict[str, Path] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    venues: dict[str, JournalRecord] = field(default_factory=dict)


def _known(loaders: Path, drafts: Path, problems: list[RecordError]) -> _Known:
    known = _Known()
    for path in [*sorted((loaders / "records").glob("*.yaml")), *sorted(drafts.glob("*.yaml"))]:
        known.ids.add(path.stem)
        try:
            data = read_yaml(path)
        except RecordError:
            continue  # a broken file is `geokg check`'s to report
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("doi"), str):
            known.by_doi.setdefault(normalise_doi(data["doi"]), path)
        title = data.get("title", {}).get("en") if isinstance(data.get("title"), dict) else None
        published = _date_parts(str(data.get("published") or ""))
        year = data.get("year") if isinstance(data.get("year"), int) else (published[0] if published else None)
        if isinstance(title, str):
            known.by_title.setdefault(title_key(title, year), path)
    for name in ("journals.yaml", "venues.yaml"):
        if (loaders / name).is_file():
            try:
                known.venues.update(load_list(loaders / name, JournalRecord))
            except RecordError as exc:
                problems.append(exc)
    return known


def _venue_id(work: Work, known: _Known, new: list[JournalRecord]) -> str | None:
    """The venue of a work: a known one with the same ISSN or name, else a new one (added to ``new``)."""
    valid = [i.upper() for i in work.issns if issn_is_valid(i.upper())]
    for bad in [i for i in work.issns if not issn_is_valid(i.upper())]:
        work.notes.append(f"ISSN {bad!r} dropped: its check digit is wrong")
    for venue in [*known.venues.values(), *new]:
        if set(valid) & {venue.issn, venue.eissn} - {None}:
            return venue.id
        if work.venue and venue.name.casefold() == work.venue.casefold():
            return venue.id
    if not work.venue:
        return None
    taken = set(known.venues) | {v.id for v in new}
    base = slug(work.venue, "venue").replace("_", "-")[:60].strip("-.")
    base = base if re.fullmatch(ID_PATTERN, base) else f"venue-{base}".strip("-.")
    venue_id, n = base, 2
    while venue_id in taken:
        venue_id, n = f"{base}-{n}", n + 1
    venue = JournalRecord.model_validate({"id": venue_id, "name": work.venue, **({"issn": valid[0]} if valid else {}),
                                          **({"eissn": valid[1]} if len(valid) > 1 else {})})
    new.append(venue)
    return venue.id


def _new_id(work: Work, taken: set[str]) -> str:
    """A record id: the DOI suffix or the title as a slug; a short hash of the identity if that is taken."""
    base = slug(work.doi.split("/", 1)[1]) if work.doi else slug(" ".join(work.title.split()[:8]))
    base = base[:80].strip("-._") or "paper"
    if base not in taken:
        return base
    digest = hashlib.sha256((normalise_doi(work.doi) if work.doi else title_key(work.title, _year(work))).encode()).hexdigest()
    candidate, n = f"{base}-{digest[:8]}", 8
    while candidate in taken:
        n += 2
        candidate = f"{base}-{digest[:n]}"
    return candidate


def _year(work: Work) -> int | None:
    return work.date[0] if work.date else None


def draft_of(work: Work, record_id: str, venue: str | None) -> dict[str, Any]:
    """The draft record of a work: the record's fields the file gives, and ``draft.imported``."""
    data: dict[str, Any] = {"id": record_id}
    for name in ("doi", "arxiv", "url"):
        if getattr(work, name):
            data[name] = getattr(work, name)
    if work.isbn and isbn_is_valid(work.isbn):
        data["isbn"] = work.isbn
    elif work.isbn:
        work.notes.append(f"ISBN {work.isbn!r} dropped: its check digit is wrong")
    data["title"] = {"en": work.title}
    if work.authors:
        data["authors"] = work.authors
    if work.keywords:
        data["keywords"] = list(dict.fromkeys(work.keywords))
    if venue:
        data["journal"] = venue
    try:
        data["published"] = dt.date(*work.date[:3]) if len(work.date) >= 3 else None
    except ValueError:
        work.notes.append(f"date {'-'.join(map(str, work.date))} is not a calendar date: only its year kept")
        data["published"] = None
    if data["published"] is None:
        del data["published"]
        if work.date:
            data["year"] = work.date[0]
    if work.abstract:
        data["abstract"] = work.abstract
        first = re.split(r"(?<=[.!?])\s+", work.abstract, maxsplit=1)[0]
        data["summary"] = {"en": first}
    imported: dict[str, Any] = {"from": Path(work.where.split(" line ")[0].split(" item ")[0]).name, "format": work.format}
    if work.key:
        imported["entry"] = work.key
    if work.line:
        imported["line"] = work.line
    imported.update({k: v for k, v in work.extra.items() if v})
    if "summary" in data:
        imported["summary"] = "the abstract's first sentence: edit it into the paper's one-line summary"
    if work.notes:
        imported["notes"] = list(work.notes)
    data["draft"] = {"imported": imported}
    return data


def _merge(path: Path, work: Work, venue: str | None, report: ImportReport) -> None:
    """Fill what a draft lacks from another source of the same paper; a curated record is left alone."""
    data = read_yaml(path)
    if not isinstance(data, dict) or "draft" not in data:
        report.merged.append(f"{work.where}: already in the project as {path} (a record; left as it is)")
        return
    incoming = draft_of(work, str(data.get("id", path.stem)), venue)
    added = [k for k, v in incoming.items() if k not in data and k != "draft" and v]
    for key in added:
        data[key] = incoming[key]
    draft = data["draft"] if isinstance(data["draft"], dict) else {}
    also = draft.setdefault("also_imported", [])
    if isinstance(also, list):
        also.append(incoming["draft"]["imported"])
    data["draft"] = draft
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    report.merged.append(f"{work.where}: the same paper as {path}; merged" + (f" ({', '.join(added)} added)" if added else ""))


def import_files(paths: list[Path], loaders: Path, drafts: Path, fmt: str | None = None) -> ImportReport:
    """Import bibliography files into a project: drafts into ``drafts``, new venues into ``loaders/venues.yaml``."""
    report = ImportReport()
    known = _known(loaders, drafts, report.problems)
    if report.problems:
        return report  # a broken venue list: fix it first, or new venues would be added beside it blindly
    new_venues: list[JournalRecord] = []
    pending: dict[Path, dict[str, Any]] = {}
    for path in paths:
        try:
            works, problems = read_works(path, fmt)
        except RecordError as exc:
            report.problems.append(exc)
            continue
        report.problems.extend(problems)
        for work in works:
            same = (known.by_doi.get(normalise_doi(work.doi)) if work.doi else None) or known.by_title.get(title_key(work.title, _year(work)))
            venue = _venue_id(work, known, new_venues)
            if same is not None:
                if same in pending:  # twice in this batch: merge into the draft about to be written
                    incoming = draft_of(work, pending[same]["id"], venue)
                    added = [k for k, v in incoming.items() if k not in pending[same] and k != "draft" and v]
                    pending[same].update({k: incoming[k] for k in added})
                    pending[same]["draft"].setdefault("also_imported", []).append(incoming["draft"]["imported"])
                    report.merged.append(f"{work.where}: the same paper as an earlier entry ({pending[same]['draft']['imported'].get('entry') or same.stem}); merged")
                else:
                    _merge(same, work, venue, report)
                continue
            record_id = _new_id(work, known.ids)
            known.ids.add(record_id)
            target = drafts / f"{record_id}.yaml"
            pending[target] = draft_of(work, record_id, venue)
            if work.doi:
                known.by_doi[normalise_doi(work.doi)] = target
            known.by_title[title_key(work.title, _year(work))] = target
    drafts.mkdir(parents=True, exist_ok=True)
    for target, data in pending.items():
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        tmp.replace(target)
        report.written.append(target)
    if new_venues:
        _add_venues(loaders / "venues.yaml", new_venues)
        report.venues_added = [v.id for v in new_venues]
    return report


def _add_venues(path: Path, venues: list[JournalRecord]) -> None:
    """Add venues to a venue list, keeping its comments and entries."""
    entries = [v.model_dump(exclude_none=True) for v in venues]
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    existing = yaml.safe_load(text) if text.strip() else None
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=120)
    if not existing:
        comments = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        new_text = comments + body
    elif re.search(r"^\s*-", text, re.M):
        new_text = text.rstrip("\n") + "\n" + body
    else:  # a non-empty flow list: write it out again as a block list
        new_text = yaml.safe_dump([*existing, *entries], allow_unicode=True, sort_keys=False, width=120)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
