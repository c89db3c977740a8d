"""Import the review report's Markdown appendix table as draft paper records.

The table has six columns (article, core question, data sources, methods, conclusions,
summary). The article cell holds one or more papers, each as
``[English title | Journal](URL) **Chinese title** (YYYYMMDD) one-line summary``. A draft keeps
the raw cells and tags the concepts whose labels (English or Chinese, including altLabels)
occur in them; a curator turns it into a record. Every malformed row is an error naming the
row: nothing is skipped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from geokg import resources
from geokg.errors import RecordError, ValidationFailed
from geokg.model.ontology import read_ontology
from geokg.model.records import DOI_PATTERN, JournalRecord, load_list, paper_id_from_doi
from geokg.model.vocab import SCHEMES, concept_id

COLUMNS = ("article", "question", "data", "methods", "conclusions", "summary")
HEADER_WORDS = {"article": "文章", "question": "问题", "data": "数据", "methods": "方法", "conclusions": "结论", "summary": "总结"}
_LINK = re.compile(r"\[(?P<text>(?:[^\]\\]|\\.)+)\]\((?P<url><?[^)\s]*>?)\)")
_DATE = re.compile(r"[（(]\s*(\d{8})\s*[）)]")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SECTION = re.compile(r"^\s*(\d\.\d{1,2})\s*\S")
#: Which cells are searched for concepts of which scheme.
TAG_CELLS = {"method": ("methods",), "purpose": ("methods",), "data-type": ("data",), "process": ("question", "conclusions")}


@dataclass
class DraftPaper:
    row: int
    doi: str
    url: str
    title_en: str
    journal: str
    title_zh: str = ""
    published: str | None = None
    summary_zh: str = ""
    sections: list[str] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return paper_id_from_doi(self.doi)

    def as_yaml_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "doi": self.doi,
            "url": self.url,
            "title": {"en": self.title_en, "zh": self.title_zh or None},
            "journal": self.journal,
            "published": self.published,
            "summary": {"zh": self.summary_zh or None},
            "report_sections": self.sections,
            "provenance": {"source": "report-2025", "appendix_row": self.row},
            "draft": {"tagged_concepts": self.tags, "cells": self.cells},
        }
        return data


def split_row(line: str) -> list[str]:
    """Cells of a Markdown table row (``\\|`` inside a cell is not a separator)."""
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")):
        raise ValueError("a table row must start and end with '|'")
    return [c.strip() for c in _CELL_SPLIT.split(body[1:-1])]


def find_table(lines: list[str], source: str) -> tuple[int, list[str]]:
    """Locate the appendix table: the header line's index and its column names."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith("|") and "文章" in line:
            header = [re.sub(r"[*\s]", "", c) for c in split_row(line)]
            missing = [name for name, word in HEADER_WORDS.items() if not any(word in h for h in header)]
            if missing:
                raise RecordError(source, f"line {i + 1}", f"table header lacks column(s): {', '.join(missing)}")
            if len(header) != len(COLUMNS):
                raise RecordError(source, f"line {i + 1}", f"table header has {len(header)} columns, expected {len(COLUMNS)}")
            return i, header
    raise RecordError(source, "", "no appendix table found (a Markdown table whose header has a 文章 column)")


def doi_from_url(url: str) -> str | None:
    """DOI of a publisher URL (nature.com/articles/…, science.org/doi/…, doi.org/…), or None."""
    url = url.strip("<>")
    match = re.match(r"https?://(?:www\.)?nature\.com/articles/([A-Za-z0-9._-]+)/?$", url)
    if match:
        return f"10.1038/{match[1]}"
    match = re.match(r"https?://(?:www\.)?(?:science\.org/doi/(?:abs/|full/)?|(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+?)/?$", url)
    if match:
        return match[1]
    return None


def parse_articles(cell: str, row: int, source: str, journals: dict[str, str]) -> list[DraftPaper]:
    """Papers of an article cell; a cell may hold several (one link each)."""
    links = list(_LINK.finditer(cell))
    where = f"row {row}"
    if not links:
        raise RecordError(source, where, "article cell has no [title | journal](URL) link")
    papers = []
    for k, link in enumerate(links):
        rest = cell[link.end() : links[k + 1].start() if k + 1 < len(links) else len(cell)]
        text = link["text"].replace("\\|", "|")
        title, _, journal_name = text.rpartition("|")
        if not title.strip():
            raise RecordError(source, where, f"link text {text!r} is not 'title | journal'")
        url = link["url"].strip("<>")
        doi = doi_from_url(url)
        if not doi or not re.match(DOI_PATTERN, doi):
            raise RecordError(source, where, f"link {url!r} is not a paper URL with a DOI")
        journal = journals.get(journal_name.strip().casefold())
        if journal is None:
            raise RecordError(source, where, f"unknown journal {journal_name.strip()!r}")
        zh = re.search(r"\*\*(.+?)\*\*", rest)
        date = _DATE.search(rest)
        if not date:
            raise RecordError(source, where, f"paper {doi} has no publication date (YYYYMMDD)")
        d = date[1]
        paper = DraftPaper(row, doi, url, title.strip(), journal, title_zh=zh[1].strip() if zh else "")
        paper.published = f"{d[:4]}-{d[4:6]}-{d[6:]}"
        paper.summary_zh = rest[date.end() :].strip()
        papers.append(paper)
    return papers


def section_membership(lines: list[str]) -> dict[str, list[str]]:
    """DOI → report sections (2.x, 3.x, 4.x) whose prose links the paper."""
    out: dict[str, list[str]] = {}
    section = None
    for line in lines:
        heading = _SECTION.match(line)
        if heading and not line.lstrip().startswith(("[", "\\", "-")):
            section = heading[1]
        for link in _LINK.finditer(line):
            doi = doi_from_url(link["url"])
            if doi and section and section not in out.setdefault(doi, []):
                out[doi].append(section)
    return out


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def label_index(graph: Graph) -> dict[str, list[tuple[str, str]]]:
    """Scheme name → (normalised label, concept id), longest labels first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for scheme in SCHEMES:
        pairs = set()
        for concept in graph.subjects(SKOS.inScheme, scheme.iri):
            cid = concept_id(str(concept))
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, prop):
                    if isinstance(label, Literal) and len(str(label)) >= 2:
                        pairs.add((_normalise(str(label)), cid))
        out[scheme.key] = sorted(pairs, key=lambda p: -len(p[0]))
    return out


def tag(text: str, labels: list[tuple[str, str]]) -> list[str]:
    """Concept ids whose label occurs in the text (whole words for Latin-script labels)."""
    norm = _normalise(text)
    found: list[str] = []
    for label, cid in labels:
        if cid in found:
            continue
        if label.isascii():
            if len(label) < 3 or not re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", norm):
                continue
        elif label not in norm:
            continue
        found.append(cid)
    return found


def parse_report(path: Path, ontology: Graph | None = None, journals_file: Path | None = None) -> list[DraftPaper]:
    """Parse the report's appendix into draft papers; all row errors are collected."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(source, "", f"not UTF-8 text (byte {exc.start})") from None
    lines = text.splitlines()
    header_at, _ = find_table(lines, source)
    journals = {j.name.casefold(): j.id for j in load_list(journals_file or resources.loaders_dir() / "journals.yaml", JournalRecord).values()}
    labels = label_index(ontology if ontology is not None else read_ontology())
    sections = section_membership(lines[:header_at])
    papers: list[DraftPaper] = []
    problems: list[RecordError] = []
    row = 0
    for line in lines[header_at + 1 :]:
        if not line.lstrip().startswith("|"):
            if papers or row:
                break
            continue
        cells = split_row(line)
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue  # the |---|---| separator
        row += 1
        if len(cells) != len(COLUMNS):
            problems.append(RecordError(source, f"row {row}", f"has {len(cells)} cells, expected {len(COLUMNS)}"))
            continue
        cell = dict(zip(COLUMNS, cells, strict=False))
        try:
            found = parse_articles(cell["article"], row, source, journals)
        except RecordError as exc:
            problems.append(exc)
            continue
        for paper in found:
            paper.sections = sorted(sections.get(paper.doi, []), key=lambda s: [int(x) for x in s.split(".")])
            paper.cells = {k: v for k, v in cell.items() if k != "article"}
            paper.tags = {scheme: tag(" ".join(cell[c] for c in cols), labels[scheme]) for scheme, cols in TAG_CELLS.items()}
        papers.extend(found)
    if row == 0:
        problems.append(RecordError(source, "", "the appendix table has no rows"))
    seen: dict[str, int] = {}
    for paper in papers:
        if paper.doi in seen:
            problems.append(RecordError(source, f"row {paper.row}", f"DOI {paper.doi} already in row {seen[paper.doi]}"))
        seen.setdefault(paper.doi, paper.row)
    if problems:
        raise ValidationFailed(problems)
    return papers


def write_drafts(report: Path, output: Path) -> list[Path]:
    """Write one draft YAML per paper of the report into ``output``."""
    papers = parse_report(report)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for paper in papers:
        path = output / f"{paper.id}.yaml"
        path.write_text(yaml.safe_dump(paper.as_yaml_data(), allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        written.append(path)
    return written
