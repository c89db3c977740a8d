"""What every read needs: the store, the IRI scheme, the concept labels and the side index."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from geokg.index.db import SideIndex
from geokg.index.keys import Context
from geokg.index.sync import context_of, reconcile
from geokg.model.vocab import SPARQL_PREFIXES, Iris
from geokg.read.lookup import ConceptLookup
from geokg.store import Store
from geokg.store.results import rows, triples


@dataclass
class Reader:
    """A store seen through GeoKG's read model; one per app (or CLI command), shared by requests.

    Lists, counts and text search come from the side index (:mod:`geokg.index`); details from the
    store. Without an index given, one is built in memory from the store on first use.
    """

    store: Store
    iris: Iris = field(default_factory=Iris)
    given_index: SideIndex | None = field(default=None, repr=False)
    details: OrderedDict[tuple[str, str], dict[str, Any]] = field(default_factory=OrderedDict, repr=False)
    """Paper details by (graph, checksum): a changed paper has a new checksum, so nothing stale is served."""
    documents: OrderedDict[tuple[str, str], bytes] = field(default_factory=OrderedDict, repr=False)
    """The same as JSON (what /papers/{doi} sends)."""

    @cached_property
    def concepts(self) -> ConceptLookup:
        return ConceptLookup(self.store)

    @cached_property
    def context(self) -> Context:
        """The concept hierarchy and dataset types, as the store holds them."""
        return context_of(self.store)

    @cached_property
    def index(self) -> SideIndex:
        if self.given_index is not None:
            return self.given_index
        index = SideIndex(None)
        reconcile(self.store, index, self.iris.paper_graph_prefix)
        return index

    @cached_property
    def catalogue_terms(self) -> dict[str, list[ox.Triple]]:
        """What paper details show of the things a paper names, by subject IRI: every preferred label
        and notation, and each dataset's titles and data types."""
        found = self.store.query(SPARQL_PREFIXES + """CONSTRUCT { ?c skos:prefLabel ?l ; skos:notation ?n . ?d dcterms:title ?t ; geodm:dataType ?ty }
            WHERE { { ?c skos:prefLabel ?l } UNION { ?c skos:notation ?n } UNION { ?d geodm:dataType ?ty ; dcterms:title ?t } }""")
        out: dict[str, list[ox.Triple]] = {}
        for t in triples(found):
            out.setdefault(t.subject.value, []).append(t)
        return out

    def forget(self) -> None:
        """Drop what was read from the store's concepts and catalogue (after they changed)."""
        self.details.clear()
        self.documents.clear()
        for name in ("concepts", "context", "catalogue_terms"):
            self.__dict__.pop(name, None)

    def select(self, body: str) -> list[dict[str, Any]]:
        """Run a SELECT written with GeoKG's prefixes (:data:`SPARQL_PREFIXES`); rows as plain values."""
        return rows(self.store.query(SPARQL_PREFIXES + body))
