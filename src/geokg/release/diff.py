"""What changed between two releases: papers, concepts, mapping rows.

Papers are compared in their REST representation (``geokg-papers.json``), so a changed field is
named as the API names it (``title.en``, ``method_applications``). Concepts are compared in the
ontology: added, moved (broader or scheme changed), relabelled, deprecated (``owl:deprecated``,
with ``dcterms:isReplacedBy``) — and *vanished*: an IRI of the previous release that is gone
without deprecation, which a release must never do (``geokg check --previous-release``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rdflib import OWL, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from geokg.model.vocab import GKC
from geokg.release.files import EXTENSION, MAPPINGS, ONTOLOGY, PAPERS_JSON
from geokg.validate.links import read_table


@dataclass
class ConceptChanges:
    added: list[str] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    relabelled: list[dict[str, Any]] = field(default_factory=list)
    deprecated: list[dict[str, Any]] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    """IRIs of the previous release that are gone without deprecation (an error)."""
    dangling: list[str] = field(default_factory=list)
    """Deprecated concepts replaced by something that is no concept (an error)."""


@dataclass
class Changes:
    version: str
    previous: str | None
    papers_added: list[str] = field(default_factory=list)
    papers_removed: list[str] = field(default_factory=list)
    papers_changed: dict[str, list[str]] = field(default_factory=dict)
    """Paper id → the fields that changed."""
    concepts: ConceptChanges = field(default_factory=ConceptChanges)
    mappings_added: list[dict[str, str]] = field(default_factory=list)
    mappings_removed: list[dict[str, str]] = field(default_factory=list)
    mappings_changed: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


# --- concepts --------------------------------------------------------------------------------

def concepts(g: Graph) -> dict[str, dict[str, Any]]:
    """GeoKG concepts of an ontology graph (those in a scheme), with what a diff compares."""
    out: dict[str, dict[str, Any]] = {}
    for s in set(g.subjects(SKOS.inScheme, None)):
        if not isinstance(s, URIRef) or not str(s).startswith(str(GKC)):
            continue
        out[str(s)] = {
            "schemes": sorted(str(x) for x in g.objects(s, SKOS.inScheme)),
            "broader": sorted(str(x) for x in g.objects(s, SKOS.broader)),
            "labels": sorted(f"{x}@{getattr(x, 'language', '')}" for x in g.objects(s, SKOS.prefLabel)),
            "deprecated": any(x == Literal(True) or str(x).lower() == "true" for x in g.objects(s, OWL.deprecated)),
            "replaced_by": sorted(str(x) for x in g.objects(s, DCTERMS.isReplacedBy)),
        }
    return out


def concept_changes(old: Graph, new: Graph) -> ConceptChanges:
    before, after = concepts(old), concepts(new)
    out = ConceptChanges()
    out.vanished = sorted(set(before) - set(after))
    out.dangling = sorted(c for c, v in after.items() if v["deprecated"] and any(r not in after for r in v["replaced_by"]))
    out.added = sorted(set(after) - set(before))
    for iri in sorted(set(before) & set(after)):
        b, a = before[iri], after[iri]
        if a["deprecated"] and not b["deprecated"]:
            out.deprecated.append({"iri": iri, "replaced_by": a["replaced_by"]})
            continue
        if (b["broader"], b["schemes"]) != (a["broader"], a["schemes"]):
            out.moved.append({"iri": iri, "broader_before": b["broader"], "broader_after": a["broader"],
                              "schemes_before": b["schemes"], "schemes_after": a["schemes"]})
        if b["labels"] != a["labels"]:
            out.relabelled.append({"iri": iri, "before": b["labels"], "after": a["labels"]})
    return out


def release_ontology(folder: Path) -> Graph:
    """A release's ontology with its vocabulary extension, if it has one."""
    g = Graph().parse(folder / ONTOLOGY, format="turtle")
    if (folder / EXTENSION).is_file():
        g.parse(folder / EXTENSION, format="turtle")
    return g


# --- papers ----------------------------------------------------------------------------------

def _fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Changed fields; an object-valued field (``title``, ``report``) is compared key by key."""
    changed = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changed += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            changed.append(key)
    return changed


def read_papers(path: Path) -> dict[str, dict[str, Any]]:
    """A release's papers by IRI."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {p["iri"]: p for p in data["papers"]}


# --- mappings --------------------------------------------------------------------------------

def _mapping_rows(path: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r.subject, r.predicate, r.object): {"subject": r.subject, "predicate": r.predicate, "object": r.object,
                                                   "justification": r.justification, "confidence": r.confidence}
            for r in read_table(path).rows}


# --- the whole --------------------------------------------------------------------------------

def changes_between(previous: Path | None, folder: Path, version: str, previous_version: str | None) -> Changes:
    """Compare a release folder being written with the previous release folder (None: first release)."""
    out = Changes(version, previous_version)
    new_papers = read_papers(folder / PAPERS_JSON)
    if previous is None:
        out.papers_added = sorted(new_papers)
        return out
    old_papers = read_papers(previous / PAPERS_JSON)
    out.papers_added = sorted(set(new_papers) - set(old_papers))
    out.papers_removed = sorted(set(old_papers) - set(new_papers))
    for iri in sorted(set(new_papers) & set(old_papers)):
        fields = _fields(old_papers[iri], new_papers[iri])
        if fields:
            out.papers_changed[iri] = fields
    out.concepts = concept_changes(release_ontology(previous), release_ontology(folder))
    old_rows, new_rows = _mapping_rows(previous / MAPPINGS), _mapping_rows(folder / MAPPINGS)
    out.mappings_added = [new_rows[k] for k in sorted(set(new_rows) - set(old_rows))]
    out.mappings_removed = [old_rows[k] for k in sorted(set(old_rows) - set(new_rows))]
    for key in sorted(set(old_rows) & set(new_rows)):
        a, b = old_rows[key], new_rows[key]
        fields = [f for f in ("justification", "confidence") if a[f] != b[f]]
        if fields:
            out.mappings_changed.append({**b, "changed": fields, "before": {f: a[f] for f in fields}})
    return out


def _short(iri: str) -> str:
    if iri.startswith(str(GKC)):
        return "gkc:" + iri[len(GKC):]
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def changes_markdown(c: Changes, titles: dict[str, str]) -> str:
    """CHANGES.md: the same content as changes.json, for people. ``titles``: paper IRI → title."""
    since = f"since {c.previous}" if c.previous else "(first release)"
    lines = [f"# GeoKG {c.version}: changes {since}", ""]

    def section(title: str, items: list[str]) -> None:
        lines.extend([f"## {title} ({len(items)})", ""])
        lines.extend([f"- {item}" for item in items] or ["none"])
        lines.append("")

    def paper(iri: str) -> str:
        return f"`{_short(iri)}` {titles.get(iri, '')}".rstrip()

    section("Papers added", [paper(p) for p in c.papers_added])
    section("Papers removed", [paper(p) for p in c.papers_removed])
    section("Papers changed", [f"{paper(p)}: {', '.join(f)}" for p, f in c.papers_changed.items()])
    k = c.concepts
    section("Concepts added", [f"`{_short(x)}`" for x in k.added])
    section("Concepts moved", [f"`{_short(m['iri'])}`: broader {', '.join(map(_short, m['broader_before'])) or '—'} → "
                               f"{', '.join(map(_short, m['broader_after'])) or '—'}" for m in k.moved])
    section("Concepts relabelled", [f"`{_short(m['iri'])}`: {'; '.join(m['before'])} → {'; '.join(m['after'])}" for m in k.relabelled])
    section("Concepts deprecated", [f"`{_short(d['iri'])}`, replaced by {', '.join(map(_short, d['replaced_by'])) or 'nothing'}"
                                    for d in k.deprecated])
    section("Mapping rows added", [f"`{_short(r['subject'])}` {_short(r['predicate'])} {r['object']}" for r in c.mappings_added])
    section("Mapping rows removed", [f"`{_short(r['subject'])}` {_short(r['predicate'])} {r['object']}" for r in c.mappings_removed])
    section("Mapping rows changed", [f"`{_short(r['subject'])}` {_short(r['predicate'])} {r['object']}: {', '.join(r['changed'])}"
                                     for r in c.mappings_changed])
    return "\n".join(lines)
