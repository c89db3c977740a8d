"""Validation: SHACL shapes (and their compiled pre-check), the write rules, OWL reasoning,
links to external ontologies, and ``geokg check``."""
