"""What gets annotated: a paper's texts as named sections (title, abstract, body, …).

Inputs are a draft or record YAML (title, abstract, optional full text inline or as a file
beside it, and the report cells an ``import-report`` draft carries), or a text file on its own:
plain text, Markdown, or JATS XML. Evidence offsets are offsets into a section's text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # the element types; parsing goes through defusedxml
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from geokg.annotate.project import read_yaml
from geokg.errors import RecordError

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".xml": "jats", ".nxml": "jats"}
#: Fields of a draft or record that hold text about the paper, in the order they are read.
TEXT_FIELDS = ("title", "abstract", "summary", "research_question")


@dataclass(frozen=True)
class Section:
    name: str
    text: str


@dataclass
class Document:
    """A paper's texts, and the draft or record they came from (if any)."""

    source: str
    sections: list[Section] = field(default_factory=list)
    record: dict[str, Any] | None = None

    def add(self, name: str, text: str | None) -> None:
        """Add a section; a name already taken gets a number (evidence names its section uniquely)."""
        if text and text.strip():
            taken = {s.name for s in self.sections}
            unique, n = name, 1
            while unique in taken:
                n += 1
                unique = f"{name} {n}"
            self.sections.append(Section(unique, text))


def read_document(path: Path) -> Document:
    """Read a draft/record YAML or a plain-text, Markdown or JATS file."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return record_document(read_yaml(path), str(path), path.parent)
    if suffix not in TEXT_SUFFIXES:
        raise RecordError(str(path), "", f"cannot annotate a {suffix or 'suffix-less'} file; give a .yaml draft or a .txt, .md or .xml (JATS) text")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(str(path), "", f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise RecordError(str(path), "", f"cannot read file: {exc.strerror}") from None
    return text_document(text, TEXT_SUFFIXES[suffix], str(path))


def text_document(text: str, form: str = "text", source: str = "<text>") -> Document:
    """A document from a text in one of the forms ``text``, ``markdown`` or ``jats``."""
    if form == "jats":
        return jats_document(text, source)
    doc = Document(source)
    if form == "markdown":
        title = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        abstract = re.search(r"^#{1,3}\s*(abstract|摘要)\s*\n(.*?)(?=^#{1,3}\s|\Z)", text, re.MULTILINE | re.DOTALL | re.IGNORECASE)
        if title:
            doc.add("title", title.group(1))
        if abstract:
            doc.add("abstract", abstract.group(2))
            text = text[: abstract.start()] + text[abstract.end() :]
        if title:
            text = text.replace(title.group(0), "", 1)
        doc.add("body", text)
    else:
        doc.add("text", text)
    if not doc.sections:
        raise RecordError(source, "", "no text to annotate")
    return doc


def jats_document(xml: str, source: str) -> Document:
    """Title, abstract and body sections of a JATS article; references and tables are left out."""
    try:
        root = parse_xml(xml)
    except ET.ParseError as exc:
        raise RecordError(source, "", f"not well-formed XML: {exc}") from None
    except DefusedXmlException as exc:
        raise RecordError(source, "", f"refused XML: {exc}") from None
    if _local(root.tag) != "article":
        raise RecordError(source, "", f"not a JATS article (root element <{_local(root.tag)}>)")
    doc = Document(source)
    title = _first(root, "article-title")
    doc.add("title", _text(title) if title is not None else "")
    for i, abstract in enumerate(e for e in root.iter() if _local(e.tag) == "abstract"):
        doc.add("abstract" if i == 0 else f"abstract {i + 1}", "\n".join(_paragraphs(abstract)))
    body = _first(root, "body")
    if body is not None:
        doc.add("body", "\n".join(_paragraphs(body)))
    if not doc.sections:
        raise RecordError(source, "", "the JATS article has no title, abstract or body text")
    return doc


def record_document(data: Any, source: str, folder: Path | None = None) -> Document:
    """A document from the texts of a draft or record (its data as read from YAML)."""
    if not isinstance(data, dict):
        raise RecordError(source, "", "expected a mapping of fields (a draft or record)")
    doc = Document(source, record=data)
    for name in TEXT_FIELDS:
        value = data.get(name)
        if isinstance(value, dict):
            for lang in ("en", "zh"):
                if value.get(lang) is not None and not isinstance(value[lang], str):
                    raise RecordError(source, f"{name}.{lang}", "must be text")
                doc.add(f"{name}.{lang}" if len(value) > 1 else name, value.get(lang))
        elif isinstance(value, str):
            doc.add(name, value)
        elif value is not None:
            raise RecordError(source, name, "must be text, or a mapping of en: and zh: texts")
    full = data.get("full_text")
    if isinstance(full, str) and full.strip():
        candidate = (folder / full) if folder is not None and "\n" not in full else None
        if candidate is not None and candidate.suffix.lower() in TEXT_SUFFIXES:
            if not candidate.is_file():
                raise RecordError(source, "full_text", f"no file {full!r} beside the draft")
            for section in read_document(candidate).sections:
                doc.add(section.name if section.name != "text" else "body", section.text)
        else:
            doc.add("body", full)
    elif full is not None:
        raise RecordError(source, "full_text", "must be text, or the name of a .txt, .md or .xml file beside the draft")
    cells = (data.get("draft") or {}).get("cells") if isinstance(data.get("draft"), dict) else None
    if isinstance(cells, dict):
        for name, text in cells.items():
            if isinstance(text, str):
                doc.add(f"cells.{name}", text)
    if not doc.sections:
        raise RecordError(source, "", "nothing to annotate: give a title, abstract or full_text")
    return doc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


_SKIP = {"ref-list", "table-wrap", "fig", "disp-formula", "back", "supplementary-material"}


def _paragraphs(element: ET.Element) -> list[str]:
    """Section titles and paragraphs in reading order, one per line."""
    out: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name in _SKIP:
            continue
        if name in ("p", "title"):
            text = _text(child)
            if text:
                out.append(text)
        else:
            out.extend(_paragraphs(child))
    return out
