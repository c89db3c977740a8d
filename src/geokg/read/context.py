"""What every read needs: the store, the IRI scheme, and the concept labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geokg.model.vocab import SPARQL_PREFIXES, Iris
from geokg.read.lookup import ConceptLookup
from geokg.store import Store
from geokg.store.results import rows


@dataclass
class Reader:
    """A store seen through GeoKG's read model; one per app (or CLI command), shared by requests.

    The concept index is built from the store's concepts on first use and kept.
    """

    store: Store
    iris: Iris = field(default_factory=Iris)
    _concepts: ConceptLookup | None = field(default=None, repr=False)

    @property
    def concepts(self) -> ConceptLookup:
        if self._concepts is None:
            self._concepts = ConceptLookup(self.store)
        return self._concepts

    def select(self, body: str) -> list[dict[str, Any]]:
        """Run a SELECT written with GeoKG's prefixes (:data:`SPARQL_PREFIXES`); rows as plain values."""
        return rows(self.store.query(SPARQL_PREFIXES + body))
