"""Concept lookup by label: English or Chinese, any case, accents, abbreviations, close spellings.

The index is built once from the store's concepts (prefLabels and altLabels in every language)
and answers in a millisecond or two; it also finds the concepts mentioned inside a free-text question.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from geokg.model.text import normalise
from geokg.model.vocab import GKC, SCHEME_OF_IRI, SPARQL_PREFIXES, concept_id
from geokg.store import Store
from geokg.store.results import solutions


def _singular(text: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in text.split())


@dataclass
class Concept:
    id: str
    iri: str
    scheme: str
    labels: dict[str, str] = field(default_factory=dict)
    alt: list[tuple[str, str]] = field(default_factory=list)
    definition: str = ""
    notation: str = ""


@dataclass
class Match:
    concept: Concept
    score: float
    matched: str


class ConceptLookup:
    """Label index over the concepts of a store."""

    def __init__(self, store: Store) -> None:
        found = store.query(SPARQL_PREFIXES + """
            SELECT ?c ?scheme ?p ?label WHERE {
              ?c skos:inScheme ?scheme .
              { ?c skos:prefLabel ?label BIND("pref" AS ?p) } UNION { ?c skos:altLabel ?label BIND("alt" AS ?p) }
              UNION { ?c skos:definition ?label BIND("def" AS ?p) } UNION { ?c skos:notation ?label BIND("notation" AS ?p) }
            }""")
        self.concepts: dict[str, Concept] = {}
        for row in solutions(found):  # the raw solutions: labels keep their language
            iri = row["c"].value
            scheme = SCHEME_OF_IRI.get(row["scheme"].value)
            if scheme is None or not iri.startswith(str(GKC)):
                continue
            concept = self.concepts.setdefault(concept_id(iri), Concept(concept_id(iri), iri, scheme.key))
            label, kind = row["label"], row["p"].value
            lang = getattr(label, "language", None) or ""
            if kind == "pref":
                concept.labels[lang] = label.value
            elif kind == "alt":
                concept.alt.append((lang, label.value))
            elif kind == "def" and lang == "en":
                concept.definition = label.value
            elif kind == "notation":
                concept.notation = label.value
        self.entries: list[tuple[str, str, bool]] = []  # (normalised label, concept id, preferred)
        self.abbreviations: set[str] = set()  # normalised labels written in capitals (UQ, ML, TDA)
        for c in self.concepts.values():
            for label in c.labels.values():
                self.entries.append((normalise(label), c.id, True))
            for _, label in c.alt:
                self.entries.append((normalise(label), c.id, False))
                if label.isupper() and label.isascii():
                    self.abbreviations.add(normalise(label))
        self.entries.sort(key=lambda e: -len(e[0]))
        # For close spellings: each label singularised, and its letters (an upper bound of difflib's
        # ratio, as its quick_ratio, rules out most labels before the slow comparison).
        self._spellings = [(_singular(label), Counter(_singular(label))) for label, _, _ in self.entries]
        # Patterns for finding labels inside a question, compiled once.
        self.patterns = [
            (re.compile(rf"(?<![\w]){re.escape(label)}s?(?![\w])" if label.isascii() else re.escape(label)), label, cid)
            for label, cid, _ in self.entries
            if len(label) >= 2 and not (label.isascii() and len(label) < 3 and label not in self.abbreviations)
        ]

    def search(self, query: str, scheme: str | None = None, limit: int = 10) -> list[Match]:
        """Concepts whose labels match ``query``, best first.

        Exact label (preferred before alternative) > exact after singularising > prefix >
        containment > close spelling (difflib ratio ≥ 0.8).
        """
        q = normalise(query)
        if not q:
            return []
        best: dict[str, Match] = {}
        qs = _singular(q)
        letters = Counter(qs)
        for (label, cid, preferred), (singular, label_letters) in zip(self.entries, self._spellings, strict=True):
            concept = self.concepts[cid]
            if scheme and concept.scheme != scheme:
                continue
            if label == q:
                score = 1.0 if preferred else 0.95
            elif singular == qs:
                score = 0.9
            elif label.startswith(q) and len(q) >= 3:
                score = 0.75 + 0.1 * len(q) / len(label)
            elif len(q) >= 3 and (q in label or (not q.isascii() and label in q and len(label) >= 2)):
                score = 0.6 + 0.1 * min(len(q), len(label)) / max(len(q), len(label))
            else:
                if abs(len(label) - len(q)) > 4 or 2 * (letters & label_letters).total() < 0.8 * (len(qs) + len(singular)):
                    continue
                ratio = difflib.SequenceMatcher(None, qs, singular).ratio()
                if ratio < 0.8:
                    continue
                score = 0.5 * ratio
            if cid not in best or score > best[cid].score:
                best[cid] = Match(concept, round(score, 3), label)
        return sorted(best.values(), key=lambda m: (-m.score, m.concept.id))[:limit]

    def mentions(self, text: str) -> list[tuple[Concept, str, tuple[int, int]]]:
        """Concepts named inside a text (longest labels first, non-overlapping), with their spans."""
        norm = normalise(text)
        taken: list[tuple[int, int]] = []
        found: list[tuple[Concept, str, tuple[int, int]]] = []
        seen: set[str] = set()
        for pattern, label, cid in self.patterns:
            if label.isascii() and label.split()[0] not in norm:
                continue  # cheap pre-check before the regular expression
            for m in pattern.finditer(norm):
                span = (m.start(), m.end())
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                taken.append(span)
                if cid not in seen:
                    seen.add(cid)
                    found.append((self.concepts[cid], label, span))
        return found
