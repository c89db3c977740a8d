"""Which keys a paper adds to the index: the facets it can be found by, and its share of every count.

A facet key names a facet and a concept or catalogue id (``method:regression``); a concept facet
holds for every broader concept too, so one key lookup answers "papers using regression or any
narrower method". Count keys add what the charts and statistics need (method pairs, family ×
data type, papers per year and focus, …); the counts are kept by adding a paper's keys when it is
written and taking them away when it is replaced or removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from geokg.index.facts import PaperFacts
from geokg.model.ontology import ConceptIndex
from geokg.model.vocab import SCHEME


@dataclass(frozen=True)
class Context:
    """What keys depend on besides the paper: the concept hierarchy and the data types of datasets."""

    broader: Mapping[str, frozenset[str]]
    tops: Mapping[str, frozenset[str]]
    """Top concepts of each scheme, by scheme key."""
    dataset_concepts: Mapping[str, tuple[str, ...]]
    """The concepts a dataset is described by: its data types, platforms and instruments."""
    schemes: Mapping[str, str]
    """The scheme (key) of each concept."""

    @classmethod
    def of(cls, index: ConceptIndex, dataset_concepts: Mapping[str, Iterable[str]]) -> Context:
        schemes = {c: key for key, members in index.by_scheme.items() for c in members}
        return cls(index.broader, index.tops, {d: tuple(cs) for d, cs in dataset_concepts.items()}, schemes)

    def of_scheme(self, key: str, concepts: Iterable[str]) -> list[str]:
        """The concepts that belong to one scheme."""
        return [c for c in concepts if self.schemes.get(c) == key]

    def dataset_types(self, dataset: str) -> list[str]:
        return self.of_scheme("data-type", self.dataset_concepts.get(dataset, ()))

    def closure(self, concepts: Iterable[str]) -> set[str]:
        """The concepts and everything above them (skos:broader*)."""
        out: set[str] = set()
        for c in concepts:
            if c:
                out |= self._ancestors(c)
        return out

    def _ancestors(self, concept: str) -> frozenset[str]:
        found = self._cache.get(concept)
        if found is None:
            seen, todo = {concept}, [concept]
            while todo:
                for b in self.broader.get(todo.pop(), ()):
                    if b not in seen:
                        seen.add(b)
                        todo.append(b)
            found = self._cache[concept] = frozenset(seen)
        return found

    @cached_property
    def _cache(self) -> dict[str, frozenset[str]]:
        return {}

    @cached_property
    def families(self) -> frozenset[str]:
        return self.tops.get("method", frozenset())

    @cached_property
    def top_types(self) -> frozenset[str]:
        return self.tops.get("data-type", frozenset())

    @cached_property
    def foci(self) -> frozenset[str]:
        return self.tops.get("research-focus", frozenset())


def _concepts_by_facet(facts: PaperFacts, ctx: Context) -> dict[str, list[str]]:
    """The concepts a paper uses in the role of each concept facet (see SCHEMES' facet column)."""
    described = [c for d in facts.datasets for c in ctx.dataset_concepts.get(d, ())]
    methods = [a.method for a in facts.applications]
    by_scheme = {
        "method": ctx.of_scheme("method", methods),
        "technique": ctx.of_scheme("technique", methods),
        "purpose": [p for a in facts.applications for p in a.purposes],
        "data-type": ctx.of_scheme("data-type", described),
        "platform": ctx.of_scheme("platform", described),
        "instrument": ctx.of_scheme("instrument", described),
        "process": facts.processes,
        "geologic-time": facts.periods,
        "body": facts.bodies,
    }
    return {str(SCHEME[key].facet): used for key, used in by_scheme.items()}


#: Key prefixes of the methods and processes a paper names itself.
DIRECT_METHOD, DIRECT_PROCESS = "uses-method:", "uses-process:"


def facet_keys(facts: PaperFacts, ctx: Context) -> set[str]:
    """The facet keys a paper is found by."""
    keys = {f"{facet}:{c}" for facet, used in _concepts_by_facet(facts, ctx).items() for c in ctx.closure(used)}
    keys |= {f"dataset:{d}" for d in facts.datasets}
    # the methods and processes the paper names itself (not their broader concepts): related papers
    keys |= {f"{DIRECT_METHOD}{a.method}" for a in facts.applications if a.method} | {f"{DIRECT_PROCESS}{x}" for x in facts.processes}
    keys |= {f"section:{c}" for c in facts.listed} | {f"derived_section:{c}" for c in facts.derived}
    if facts.journal:
        keys.add(f"journal:{facts.journal}")
    return keys


def count_keys(facts: PaperFacts, ctx: Context, facets: set[str]) -> Counter[str]:
    """Every count a paper adds to (its facet keys included), with how much it adds."""
    counts: Counter[str] = Counter(facets)
    counts["papers"] = 1
    counts["applications"] = len(facts.applications)
    methods = sorted({a.method for a in facts.applications if a.method})  # techniques too, as the named question pairs them
    counts.update(f"method-direct:{m}" for m in methods)
    counts.update(f"pair:{a}|{b}" for i, a in enumerate(methods) for b in methods[i + 1 :])
    cells = set()
    for application in facts.applications:
        families = ctx.closure([application.method]) & ctx.families
        counts.update(f"family-applications:{f}" for f in families)
        tops = ctx.closure(t for d in application.inputs for t in ctx.dataset_types(d)) & ctx.top_types
        cells |= {f"{f}|{t}" for f in families for t in tops}
    counts.update(f"family-type:{cell}" for cell in cells)
    year = facts.year
    if year is not None:
        counts[f"year:{year}"] += 1
        if facts.journal:
            counts[f"year-journal:{year}|{facts.journal}"] += 1
        counts.update(f"focus-year:{f}|{year}" for f in (set(facts.listed) | set(facts.derived)) & ctx.foci)
    return counts
