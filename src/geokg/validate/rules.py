"""Write rules that the shapes cannot express, because they look at the whole store.

A rule is a function of a paper record (and its source file) returning the problems found; the
loader and writes through the API run the same rules.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDFS

from geokg.errors import RecordError
from geokg.model.records import PaperRecord
from geokg.model.to_rdf import doi_link
from geokg.model.vocab import PRISM, Iris
from geokg.store import Store
from geokg.store.results import rows
from geokg.store.sparql import iri, literal

#: A check run on each paper record before its graph is built; gets the record and its source, returns the problems found.
RecordCheck = Callable[[PaperRecord, str], list[RecordError]]


def doi_taken(store: Store, doi: str, own_graph: str, source: str) -> list[RecordError]:
    """The error if another paper graph in the store already holds ``doi``, in any spelling (DOIs are
    case-insensitive): indexed lookups of the DOI as written and of its normalised doi.org link."""
    found = rows(store.query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
        {{ ?p {iri(str(PRISM.doi))} {literal(doi)} }} UNION {{ ?p {iri(str(RDFS.seeAlso))} {iri(str(doi_link(doi)))} }} }} }}"""))
    others = sorted(row["g"] for row in found if row["g"] != own_graph)
    return [RecordError(source, "doi", f"DOI {doi} is already used by {others[0]} [rule: unique DOI]")] if others else []


def doi_unique_in(store: Store, iris: Iris) -> RecordCheck:
    """A check that no other paper graph in the store already holds the record's DOI."""

    def check(record: PaperRecord, source: str) -> list[RecordError]:
        return doi_taken(store, record.doi, str(iris.paper_graph(record.id)), source) if record.doi else []

    return check
