"""What every read needs: the store, the IRI scheme, the concept labels and the side index."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from geokg.index.db import SideIndex
from geokg.index.keys import Context
from geokg.index.sync import context_of, reconcile
from geokg.model.vocab import SPARQL_PREFIXES, Iris
from geokg.read.lookup import ConceptLookup
from geokg.store import Store
from geokg.store.results import rows


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

    def forget(self) -> None:
        """Drop what was read from the store's concepts and catalogue (after they changed)."""
        for name in ("concepts", "context"):
            self.__dict__.pop(name, None)

    def select(self, body: str) -> list[dict[str, Any]]:
        """Run a SELECT written with GeoKG's prefixes (:data:`SPARQL_PREFIXES`); rows as plain values."""
        return rows(self.store.query(SPARQL_PREFIXES + body))
