"""The model: vocabularies and IRIs, the record model, the ontology's concepts, records → RDF.

Nothing here talks to a store or a server; everything above builds on it.
"""
