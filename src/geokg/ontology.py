"""Read the ontology once and answer the questions records ask of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from geokg import resources
from geokg.vocab import GKC, SCHEMES


@dataclass(frozen=True)
class ConceptIndex:
    """Concept ids by scheme, and section notations of the report's categories."""

    by_scheme: dict[str, frozenset[str]]
    notation: dict[str, str]

    def has(self, scheme: str, concept_id: str) -> bool:
        return concept_id in self.by_scheme.get(scheme, frozenset())


def read_ontology(paths: list[Path] | None = None) -> Graph:
    """Parse the ontology file (and any extra Turtle files given) into one graph."""
    graph = Graph()
    for path in paths or [resources.ontology_file()]:
        graph.parse(path, format="turtle")
    return graph


def concept_index(graph: Graph) -> ConceptIndex:
    """Index the concepts of every scheme by their local id."""
    by_scheme: dict[str, frozenset[str]] = {}
    for name, scheme in SCHEMES.items():
        by_scheme[name] = frozenset(
            str(c)[len(GKC) :] for c in graph.subjects(SKOS.inScheme, scheme) if str(c).startswith(str(GKC))
        )
    notation = {
        str(n): str(c)[len(GKC) :] for c, n in graph.subject_objects(SKOS.notation) if isinstance(c, URIRef)
    }
    return ConceptIndex(by_scheme, notation)


@lru_cache(maxsize=4)
def default_index(path: str = "") -> ConceptIndex:
    """The concept index of the bundled ontology (cached: the file is read once)."""
    return concept_index(read_ontology([Path(path)] if path else None))
