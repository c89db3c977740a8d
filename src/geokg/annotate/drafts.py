"""The curator's side: suggestions as the ``draft:`` section of a record, and accepting them.

A draft is an ordinary record YAML with a ``draft:`` section the curator edits: every suggestion
carries ``accept: true|false`` (true when the annotator is fairly sure), its confidence and its
evidence. Accepting merges what is marked ``accept: true`` into the record's own fields, removes
the draft section and the texts only the annotator reads (abstract, full_text), and validates the result with the record model and the reference checks;
nothing is stored by either step.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from geokg import resources
from geokg.annotate.annotator import Annotation, Evidence
from geokg.annotate.project import (
    Catalogue,
    ConceptIndex,
    PaperRecord,
    default_index,
    parse_paper,
    read_catalogue,
    read_yaml,
    reference_problems,
)
from geokg.errors import RecordError, ValidationFailed

#: Fields a draft may carry for the annotator to read that a record does not have: accepting drops them.
INPUT_FIELDS = ("abstract", "full_text")
#: Suggestions at least this sure are marked ``accept: true`` in a new draft.
ACCEPT_FROM = 0.6
_HAN = re.compile(r"[\u3400-\u9fff]")


def _evidence(items: list[Evidence]) -> list[dict[str, Any]]:
    return [{"section": e.section, "sentence": e.sentence, "at": [e.start, e.end], "match": e.match, "match_at": [e.match_start, e.match_end]} for e in items]


def draft_section(annotation: Annotation, accept_from: float = ACCEPT_FROM) -> dict[str, Any]:
    """The suggestions of an annotation, as the YAML a curator edits."""
    labels = {s.id: s.label for kind in annotation.concepts for s in annotation.concepts[kind]}
    return {
        "note": "Suggestions of `geokg annotate`: edit, set accept: true or false, then run `geokg annotate --accept`.",
        "method_applications": [
            {
                "accept": app.confidence >= accept_from and bool(app.inputs),
                "method": app.method,
                "purposes": [p.id for p in app.purposes],
                "inputs": app.inputs,
                "data_types": app.data_types,
                "confidence": app.confidence,
                "why": {"method": labels.get(app.method, app.method), **{p.id: p.how for p in app.purposes}},
                "evidence": _evidence(app.evidence),
            }
            for app in annotation.applications
        ],
        "datasets": [
            {"id": s.id, "name": s.label, "data_types": s.data_types, "confidence": s.confidence, "how": s.how, "evidence": _evidence(s.evidence)}
            for s in annotation.concepts.get("dataset", [])
        ],
        "processes": [
            {"accept": s.confidence >= accept_from, "id": s.id, "label": s.label, "confidence": s.confidence, "evidence": _evidence(s.evidence)}
            for s in annotation.concepts.get("process", [])
        ],
        "concepts": {
            kind: [{"id": s.id, "label": s.label, "confidence": s.confidence, "how": s.how, "evidence": _evidence(s.evidence[:1])} for s in annotation.concepts.get(kind, [])]
            for kind in ("method", "purpose", "data type")
        },
        "findings": [
            {"accept": f.confidence >= accept_from + 0.15, "text": f.text, "confidence": f.confidence, "evidence": _evidence([f.evidence])}
            for f in annotation.findings
        ],
        "new_concepts": [
            {"text": t.text, "kind": f"{t.kind}-like", "closest": [{"id": c, "label": label, "similarity": s} for c, label, s in t.closest], "evidence": _evidence([t.evidence])}
            for t in annotation.new_terms
        ],
    }


def with_draft(data: dict[str, Any] | None, annotation: Annotation, accept_from: float = ACCEPT_FROM) -> dict[str, Any]:
    """A draft record: the record's own fields, and a fresh ``draft:`` section (report cells kept)."""
    out = dict(data or {})
    previous = out.get("draft")
    old: dict[str, Any] = previous if isinstance(previous, dict) else {}
    draft = draft_section(annotation, accept_from)
    for key in ("cells", "tagged_concepts", "imported", "also_imported"):  # what import-report and import put there stays for the curator
        if key in old:
            draft[key] = old[key]
    out["draft"] = draft
    return out


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def accept_draft(data: Any, source: str, catalogue: Catalogue | None = None, index: ConceptIndex | None = None) -> tuple[PaperRecord, dict[str, Any]]:
    """Merge the accepted suggestions of a draft into its record and validate it.

    Returns the record and its data without the draft section (for writing). Raises
    ``ValidationFailed`` listing every problem, each naming the file and the field.
    """
    if not isinstance(data, dict):
        raise ValidationFailed([RecordError(source, "", "expected a mapping of fields (a draft record)")])
    draft = data.get("draft")
    if draft is not None and not isinstance(draft, dict):
        raise ValidationFailed([RecordError(source, "draft", "must be a mapping of suggestions")])
    draft = draft or {}
    record = {k: v for k, v in data.items() if k != "draft" and k not in INPUT_FIELDS}
    problems: list[RecordError] = []
    applications = list(record.get("method_applications") or [])
    for i, app in enumerate(_items(draft, "method_applications", source, problems), 1):
        if not _accepted(app, f"draft.method_applications[{i}]", source, problems):
            continue
        entry = {k: app.get(k) for k in ("method", "purposes", "inputs") if app.get(k) is not None}
        if app.get("note"):
            entry["note"] = app["note"]
        if not entry.get("inputs"):
            problems.append(RecordError(source, f"draft.method_applications[{i}].inputs",
                                        "an accepted application needs input datasets (catalogue ids); add them or set accept: false"))
            continue
        if entry not in applications:
            applications.append(entry)
    if applications:
        record["method_applications"] = applications
    processes = list(record.get("processes") or [])
    for i, p in enumerate(_items(draft, "processes", source, problems), 1):
        if _accepted(p, f"draft.processes[{i}]", source, problems) and p.get("id") not in processes:
            processes.append(p.get("id"))
    if processes:
        record["processes"] = processes
    findings = list(record.get("findings") or [])
    for i, f in enumerate(_items(draft, "findings", source, problems), 1):
        if _accepted(f, f"draft.findings[{i}]", source, problems) and isinstance(f.get("text"), str):
            text = f["text"].strip()
            findings.append({"zh": text, "en": f["en"]} if _HAN.search(text) and f.get("en") else {"en": text})
    if findings:
        record["findings"] = findings
    if problems:
        raise ValidationFailed(problems)
    try:
        paper = parse_paper(record, source)
    except RecordError as exc:
        raise ValidationFailed([exc]) from None
    if catalogue is None:
        catalogue = read_catalogue(resources.loaders_dir(), [])
    problems = reference_problems(paper, source, catalogue, index or default_index())
    if problems:
        raise ValidationFailed(problems)
    return paper, record


def _items(draft: dict[str, Any], key: str, source: str, problems: list[RecordError]) -> list[dict[str, Any]]:
    items = draft.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(RecordError(source, f"draft.{key}", "must be a list of suggestions"))
        return []
    return items


def _accepted(item: dict[str, Any], where: str, source: str, problems: list[RecordError]) -> bool:
    value = item.get("accept", False)
    if not isinstance(value, bool):
        problems.append(RecordError(source, f"{where}.accept", f"must be true or false, not {value!r}"))
        return False
    return value


def accept_file(path: Path) -> tuple[PaperRecord, dict[str, Any]]:
    """Accept the draft in a YAML file (see :func:`accept_draft`)."""
    return accept_draft(read_yaml(path), str(path))
