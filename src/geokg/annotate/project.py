"""The project's own helpers this package uses: the one place that knows where they live.

The record model, the corpus reader and the ontology index are imported from here only, so that
moving them (the model/ floor of the re-layout: ``geokg.model.records``, ``geokg.model.corpus``,
``geokg.model.ontology``, ``geokg.model.vocab``) changes this file and nothing else.
"""

from __future__ import annotations

from geokg.model.corpus import Catalogue, read_catalogue, read_corpus, reference_problems
from geokg.model.ontology import ConceptIndex, concept_index, default_index, read_ontology
from geokg.model.records import DatasetRecord, PaperRecord, parse_paper, read_yaml
from geokg.model.vocab import GKC, SCHEME

#: The concept schemes the annotator suggests concepts of (its kind names → the scheme table's rows).
ANNOTATED_SCHEMES = {kind: SCHEME[key].iri for kind, key in
                     (("method", "method"), ("purpose", "purpose"), ("data type", "data-type"), ("process", "process"))}

__all__ = [
    "ANNOTATED_SCHEMES", "GKC", "Catalogue", "ConceptIndex", "DatasetRecord", "PaperRecord", "concept_index", "default_index",
    "parse_paper", "read_catalogue", "read_corpus", "read_ontology", "read_yaml", "reference_problems",
]
