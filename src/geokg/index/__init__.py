"""The side index: what lists, counts and text search need, kept beside the store.

The store (SPARQL) is the source of truth. This index holds, per paper, the facts lists and
charts need (title, year, journal, the concepts it uses with their broader concepts, …), the
counts behind every aggregate (kept when papers are written, not recomputed per request) and a
full-text index. It lives in one SQLite file (the standard library's ``sqlite3`` with FTS5), is
updated by the one write path, checked against the store's graph checksums when the service
starts, and rebuilt by ``geokg index --rebuild``.
"""
