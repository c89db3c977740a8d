"""Read the ontology once and answer the questions records ask of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from geokg import resources
from geokg.errors import ValidationFailed
from geokg.model.extension import read_extension
from geokg.model.vocab import GEODM, GKC, SCHEMES, concept_id


@dataclass(frozen=True)
class ConceptIndex:
    """Concept ids by scheme (keyed as :data:`geokg.model.vocab.SCHEMES`), the broader hierarchy, and what concepts indicate."""

    by_scheme: dict[str, frozenset[str]]
    notation: dict[str, str]
    """Report section notation ("4.2") → concept id."""
    broader: dict[str, frozenset[str]] = field(default_factory=dict)
    indicates: dict[str, frozenset[str]] = field(default_factory=dict)
    tops: dict[str, frozenset[str]] = field(default_factory=dict)

    def has(self, scheme: str, concept_id: str) -> bool:
        return concept_id in self.by_scheme.get(scheme, frozenset())

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """The concept and everything above it (skos:broader*)."""
        seen, todo = {concept_id}, [concept_id]
        while todo:
            for b in self.broader.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        return frozenset(seen)


def read_ontology(paths: list[Path] | None = None) -> Graph:
    """Parse the ontology files given into one graph; by default GeoKG's ontology with the project's
    vocabulary extension (see :mod:`geokg.model.extension`).

    :raises ValidationFailed: the extension has problems (each names the file and entry)
    """
    graph = Graph()
    for path in paths or [resources.ontology_file()]:
        graph.parse(path, format="turtle")
    extension = resources.vocabulary_file() if paths is None else None
    if extension is not None:
        added, problems = read_extension(extension, graph)
        if problems:
            raise ValidationFailed(problems)
        graph += added
    return graph


def ontology_files() -> list[Path]:
    """The files the ontology in use is read from (GeoKG's, then the project's extension)."""
    extension = resources.vocabulary_file()
    return [resources.ontology_file(), *([extension] if extension else [])]


def concept_index(graph: Graph) -> ConceptIndex:
    """Index the concepts of every scheme by their local id."""
    by_scheme = {
        scheme.key: frozenset(_local(c) for c in graph.subjects(SKOS.inScheme, scheme.iri) if str(c).startswith(str(GKC)))
        for scheme in SCHEMES
    }
    notation = {
        str(n): _local(c) for c, n in graph.subject_objects(SKOS.notation) if isinstance(c, URIRef)
    }
    broader: dict[str, set[str]] = {}
    for c, b in graph.subject_objects(SKOS.broader):
        broader.setdefault(_local(c), set()).add(_local(b))
    indicates: dict[str, set[str]] = {}
    for c, target in graph.subject_objects(GEODM.indicates):
        indicates.setdefault(_local(c), set()).add(_local(target))
    tops = {scheme.key: frozenset(_local(c) for c in graph.subjects(SKOS.topConceptOf, scheme.iri)) for scheme in SCHEMES}
    return ConceptIndex(
        by_scheme,
        notation,
        {k: frozenset(v) for k, v in broader.items()},
        {k: frozenset(v) for k, v in indicates.items()},
        tops,
    )


def _local(concept: object) -> str:
    return concept_id(str(concept))


@lru_cache(maxsize=4)
def default_index(path: str = "") -> ConceptIndex:
    """The concept index of the bundled ontology (cached: the file is read once)."""
    return concept_index(read_ontology([Path(path)] if path else None))


#: Top-level data types a paper's datasets must span for the multimodal data category (3.2).
MULTIMODAL_MIN_TYPES = 4


def derived_categories(index: ConceptIndex, methods: list[str], purposes: list[str], data_types: list[str]) -> set[str]:
    """Report categories that follow from what a paper uses (see geodm:derivedCategory).

    >>> idx = ConceptIndex({}, {}, {"bootstrap": frozenset({"resampling"}), "resampling": frozenset({"statistics-regression"})},
    ...                    {}, {"method": frozenset({"statistics-regression"})})
    >>> sorted(derived_categories(idx, ["bootstrap"], [], []))
    ['statistics-regression']
    """
    used = [index.ancestors(c) for c in (*methods, *purposes, *data_types)]
    closure = frozenset().union(*used) if used else frozenset()
    categories = {c for c in closure if c in index.tops.get("method", frozenset())}
    categories |= {target for c in closure for target in index.indicates.get(c, ())}
    top_types = {t for dt in data_types for t in index.ancestors(dt) if t in index.tops.get("data-type", frozenset())}
    if len(top_types) >= MULTIMODAL_MIN_TYPES:
        categories.add("category-multimodal")
    return categories
