"""The HTTP service: SPARQL 1.1 endpoint and REST API (FastAPI)."""
