"""Stores behind one protocol: embedded (pyoxigraph), managed engine process, remote SPARQL server."""

from geokg.store.open import BACKENDS, open_store
from geokg.store.protocol import RDF_FORMATS, QueryResult, RawResponse, Store

__all__ = ["BACKENDS", "RDF_FORMATS", "QueryResult", "RawResponse", "Store", "open_store"]
