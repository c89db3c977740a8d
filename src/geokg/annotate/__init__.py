"""Assisted annotation: suggest method applications, datasets, processes, findings and new
concepts for a paper, each with its evidence and a confidence, as a draft a curator accepts.

>>> from geokg.annotate import annotate_text
>>> a = annotate_text("哪些论文在卫星数据上使用bootstrap进行不确定性分析")
>>> a.ids("method"), a.ids("purpose"), a.ids("data type")
(['bootstrap'], ['uncertainty-quantification'], ['satellite-data'])
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from geokg.annotate.annotator import Annotation, Annotator, Settings
from geokg.annotate.documents import Document, read_document, record_document, text_document
from geokg.annotate.drafts import accept_draft, accept_file, draft_section, with_draft
from geokg.annotate.knowledge import Knowledge, build_knowledge, default_knowledge, segment
from geokg.model.segment import Segmenter

__all__ = [
    "Annotation", "Annotator", "Document", "Knowledge", "Segmenter", "Settings", "accept_draft", "accept_file",
    "annotate_document", "annotate_file", "annotate_text", "build_knowledge", "default_annotator", "draft_section",
    "read_document", "record_document", "segment", "text_document", "with_draft",
]


@lru_cache(maxsize=1)
def default_annotator() -> Annotator:
    """An annotator over the bundled ontology, catalogue and records (built once, about 2 s)."""
    return Annotator(default_knowledge())


def annotate_document(document: Document) -> Annotation:
    return default_annotator().annotate(document)


def annotate_text(text: str, form: str = "text") -> Annotation:
    """Suggestions for a text: ``form`` is ``text``, ``markdown`` or ``jats``."""
    return annotate_document(text_document(text, form))


def annotate_file(path: Path) -> tuple[Annotation, dict[str, Any]]:
    """Suggestions for a draft/record YAML or a text file, and the draft record that holds them."""
    document = read_document(path)
    annotation = annotate_document(document)
    data = document.record
    if data is None:  # a bare text: start a draft with its title
        title = next((s.text for s in document.sections if s.name == "title"), None)
        data = {"title": {"en": title}} if title else {}
    return annotation, with_draft(data, annotation)
