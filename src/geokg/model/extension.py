"""A project's vocabulary extension: new methods, purposes, data types and processes.

A project adds concepts in ``vocabulary.yaml`` (or the same facts in ``vocabulary.ttl``, SKOS
Turtle); each has an English label, optional labels in other languages, a definition, a broader
concept in GeoKG's scheme of its kind and optionally external matches. They become SKOS concepts
exactly like the ontology's own, so the shapes, the checks, browse, search, ``/ask``, facets and
figures treat them alike::

    methods:
      - id: vision-transformer
        label: {en: vision transformer, zh: 视觉Transformer}
        alt_labels: {en: [ViT]}
        definition: {en: A transformer network that classifies images from sequences of patches.}
        broader: deep-learning
        exact_match: [http://example.org/ViT]
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from geokg.errors import RecordError
from geokg.model.records import ID_PATTERN, Text, _Strict, errors_of, is_language_tag, read_yaml
from geokg.model.vocab import GEODM, GKC, SCHEME, concept_id

#: The kinds of concept a project may add: section of the YAML file → (scheme key, class).
KINDS: dict[str, tuple[str, URIRef]] = {
    "methods": ("method", GEODM.Method),
    "purposes": ("purpose", GEODM.Purpose),
    "data_types": ("data-type", GEODM.DataType),
    "processes": ("process", GEODM.NaturalProcess),
}
IRI = Annotated[str, Field(pattern=r"^https?://\S+$")]


class NewConcept(_Strict):
    """One concept a project adds."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Text
    alt_labels: dict[str, list[Annotated[str, Field(min_length=1)]]] = Field(default_factory=dict)
    definition: Text
    broader: Annotated[str, Field(pattern=ID_PATTERN)]
    exact_match: list[IRI] = Field(default_factory=list)
    close_match: list[IRI] = Field(default_factory=list)

    @field_validator("alt_labels")
    @classmethod
    def _tags(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for tag in value:
            if not is_language_tag(tag):
                raise ValueError(f"{tag!r} is not a BCP 47 language tag")
        return value


class Extension(_Strict):
    methods: list[NewConcept] = Field(default_factory=list)
    purposes: list[NewConcept] = Field(default_factory=list)
    data_types: list[NewConcept] = Field(default_factory=list)
    processes: list[NewConcept] = Field(default_factory=list)


def read_extension(path: Path, base: Graph) -> tuple[Graph, list[RecordError]]:
    """The SKOS triples of an extension file, checked against the ``base`` ontology; and every problem found."""
    source = str(path)
    if path.suffix == ".ttl":
        try:
            data: Any = _entries_of_turtle(path)
        except Exception as exc:  # rdflib raises many kinds on bad Turtle
            return Graph(), [RecordError(source, "", f"not valid Turtle: {exc}")]
    else:
        try:
            data = read_yaml(path)
        except RecordError as exc:
            return Graph(), [exc]
        if data is None:
            return Graph(), []
    problems = errors_of(Extension, data, source)
    if problems:
        return Graph(), problems
    extension = Extension.model_validate(data)
    return _graph(extension, base, source)


def _graph(extension: Extension, base: Graph, source: str) -> tuple[Graph, list[RecordError]]:
    problems: list[RecordError] = []
    existing = {concept_id(str(c)) for c in base.subjects(RDF.type, SKOS.Concept) if str(c).startswith(str(GKC))}
    in_scheme = {
        key: {concept_id(str(c)) for c in base.subjects(SKOS.inScheme, SCHEME[scheme].iri)} for key, (scheme, _) in KINDS.items()
    }
    new_ids = {c.id for key in KINDS for c in getattr(extension, key)}
    for key in KINDS:
        in_scheme[key] |= {c.id for c in getattr(extension, key)}
    g = Graph()
    seen: set[str] = set()
    for key, (scheme, cls) in KINDS.items():
        label = SCHEME[scheme].label
        for i, concept in enumerate(getattr(extension, key), 1):
            where = f"{key}[{i}]"
            if concept.id in existing:
                problems.append(RecordError(source, f"{where}.id", f"{concept.id!r} is already a concept of GeoKG; use it, or choose another id"))
                continue
            if concept.id in seen:
                problems.append(RecordError(source, f"{where}.id", f"{concept.id!r} is defined twice"))
                continue
            seen.add(concept.id)
            if concept.broader not in in_scheme[key]:
                close = difflib.get_close_matches(concept.broader, sorted(in_scheme[key]), n=3, cutoff=0.6)
                hint = f" (closest: {', '.join(close)})" if close else ""
                problems.append(RecordError(source, f"{where}.broader", f"unknown {label} {concept.broader!r}{hint}"))
                continue
            if concept.broader == concept.id or (concept.broader in new_ids and _cycle(extension, key, concept.id)):
                problems.append(RecordError(source, f"{where}.broader", f"{concept.id!r} would be broader than itself"))
                continue
            node = GKC[concept.id]
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, RDF.type, cls))
            g.add((node, SKOS.inScheme, SCHEME[scheme].iri))
            g.add((node, SKOS.broader, GKC[concept.broader]))
            for lang, text in concept.label.languages().items():
                g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
            for lang, texts in concept.alt_labels.items():
                for text in texts:
                    g.add((node, SKOS.altLabel, Literal(text, lang=lang)))
            for lang, text in concept.definition.languages().items():
                g.add((node, SKOS.definition, Literal(text, lang=lang)))
            for target in concept.exact_match:
                g.add((node, SKOS.exactMatch, URIRef(target)))
            for target in concept.close_match:
                g.add((node, SKOS.closeMatch, URIRef(target)))
            g.add((node, DCTERMS.source, Literal(Path(source).name)))
    return g, problems


def _cycle(extension: Extension, key: str, start: str) -> bool:
    broader = {c.id: c.broader for c in getattr(extension, key)}
    seen: set[str] = {start}
    current = broader.get(start)
    while current is not None and current in broader:
        if current in seen:
            return True
        seen.add(current)
        current = broader[current]
    return current in seen


def _entries_of_turtle(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The concepts of a SKOS Turtle extension as the YAML form's entries (so both are checked alike)."""
    g = Graph().parse(path, format="turtle")
    by_scheme = {str(SCHEME[scheme].iri): key for key, (scheme, _) in KINDS.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for node, scheme_iri in sorted(g.subject_objects(SKOS.inScheme)):
        key = by_scheme.get(str(scheme_iri))
        if key is None or not str(node).startswith(str(GKC)):
            continue

        def texts(p: URIRef, node: Any = node) -> dict[str, str]:
            return {o.language or "en": str(o) for o in g.objects(node, p) if isinstance(o, Literal)}

        alt: dict[str, list[str]] = {}
        for o in g.objects(node, SKOS.altLabel):
            alt.setdefault(getattr(o, "language", None) or "en", []).append(str(o))
        entry: dict[str, Any] = {"id": concept_id(str(node)), "label": texts(SKOS.prefLabel), "definition": texts(SKOS.definition),
                                 "broader": next((concept_id(str(b)) for b in g.objects(node, SKOS.broader)), ""),
                                 "exact_match": sorted(str(o) for o in g.objects(node, SKOS.exactMatch)),
                                 "close_match": sorted(str(o) for o in g.objects(node, SKOS.closeMatch))}
        if alt:
            entry["alt_labels"] = alt
        out.setdefault(key, []).append(entry)
    return out
