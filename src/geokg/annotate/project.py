"""The project's own helpers this package uses: the one place that knows where they live.

The record model, the corpus reader and the ontology index are imported from here only, so that
moving them (the model/ floor of the re-layout: ``geokg.model.records``, ``geokg.model.corpus``,
``geokg.model.ontology``, ``geokg.model.vocab``) changes this file and nothing else.
"""

from __future__ import annotations

from geokg.corpus import Catalogue, read_catalogue, read_corpus, reference_problems
from geokg.ontology import ConceptIndex, concept_index, default_index, read_ontology
from geokg.records import DatasetRecord, PaperRecord, parse_paper, read_yaml
from geokg.vocab import GKC

#: The concept schemes the annotator suggests concepts of, by the kind names records use.
ANNOTATED_SCHEMES = {"method": GKC["methods"], "purpose": GKC["purposes"], "data type": GKC["data-types"], "process": GKC["processes"]}

__all__ = [
    "ANNOTATED_SCHEMES", "GKC", "Catalogue", "ConceptIndex", "DatasetRecord", "PaperRecord", "concept_index", "default_index",
    "parse_paper", "read_catalogue", "read_corpus", "read_ontology", "read_yaml", "reference_problems",
]
