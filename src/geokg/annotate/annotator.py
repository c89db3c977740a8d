"""The annotator: from a paper's texts to suggested concepts, datasets, method applications,
findings and new concept candidates, each with its evidence and a confidence.

Data flow: sections → sentences and tokens (segment) → known terms (mentions) and catalogue
datasets by the words of their names (catalogue_links) → concepts per kind, more general ones
dropped when a narrower one is there → one application per method: the purposes and data named
near it, completed by what the curated examples say goes with the method → findings and new
terms. Nothing is stored; see :mod:`geokg.annotate.drafts` for the curator's side.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from geokg.annotate.catalogue_links import CatalogueLinker
from geokg.annotate.documents import Document
from geokg.annotate.findings import finding_score
from geokg.annotate.knowledge import CONCEPT_KINDS, KINDS, Knowledge
from geokg.annotate.mentions import Mention, TermMatcher, is_abbreviation
from geokg.annotate.new_terms import ClosestConcepts, find_new_terms
from geokg.annotate.sentences import sentence_spans
from geokg.model.segment import Segmenter

#: Confidence of a term found by each kind of label.
ORIGIN_CONFIDENCE = {"prefLabel": 0.9, "altLabel": 0.8, "term list": 0.8, "catalogue name": 0.95, "catalogue acronym": 0.85}


@dataclass(frozen=True)
class Settings:
    """The knobs of the annotator (the benchmark tunes these on set (a) only)."""

    purpose_prior: float = 0.4
    """A purpose joins a method's application when it scores at least this (see _applications)."""
    max_purposes: int = 3
    type_prior: float = 0.25
    """A document dataset joins a method's application when it scores at least this."""
    max_inputs: int = 8
    text_weight: float = 0.2
    """What being named in a sentence with the method adds to a purpose's or dataset's score."""
    close_weight: float = 0.3
    close_tokens: int = 8
    """A purpose named within this many words of the method adds ``close_weight`` instead."""
    keep_broader: tuple[str, ...] = ("data type",)
    """Kinds whose general concepts stay next to a narrower one found (elsewhere the narrower wins:
    random forest, not also regression). Catalogued datasets list broad and narrow data types alike."""
    min_confidence: float = 0.65
    """Suggestions less sure than this are left out."""
    finding_threshold: float = 0.6
    section_weight: float = 0.7
    link_margin: float = 0.0
    """A dataset linked by the words of its name must score within this of the sentence's best link."""
    family_weight: float = 0.6
    """Confidence factor of a top concept of the method or process scheme (a family, such as machine
    learning or climate processes), which records do not name: the family follows from the concrete concept."""
    """Confidence factor of a method, purpose or process named where it is less likely applied or
    studied (see SECTION_ROLES)."""


#: Sections where a kind of concept is named in passing more often than applied or studied: the
#: columns of an import-report draft (the summary column lists challenges and key techniques,
#: the data column describes data, the conclusions and question discuss results and aims).
SECTION_ROLES = {
    "method": ("cells.summary", "cells.data", "cells.question", "cells.conclusions"),
    "purpose": ("cells.summary", "cells.data", "cells.conclusions"),
    "process": ("cells.methods", "cells.data", "cells.summary", "cells.conclusions"),
}


@dataclass(frozen=True)
class Evidence:
    """Where a suggestion comes from: a sentence of a section, and the words that matched in it."""

    section: str
    start: int
    end: int
    sentence: str
    match: str
    match_start: int
    match_end: int


@dataclass
class Suggestion:
    """A concept or dataset the paper seems to use or study."""

    kind: str
    id: str
    label: str
    confidence: float
    how: str
    evidence: list[Evidence] = field(default_factory=list)
    data_types: list[str] = field(default_factory=list)


@dataclass
class PurposeChoice:
    id: str
    confidence: float
    how: str


@dataclass
class ApplicationSuggestion:
    method: str
    purposes: list[PurposeChoice]
    inputs: list[str]
    data_types: list[str]
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class FindingSuggestion:
    text: str
    confidence: float
    evidence: Evidence


@dataclass
class NewTermSuggestion:
    text: str
    kind: str
    closest: list[tuple[str, str, float]]
    evidence: Evidence


@dataclass
class Annotation:
    source: str
    concepts: dict[str, list[Suggestion]]
    applications: list[ApplicationSuggestion]
    findings: list[FindingSuggestion]
    new_terms: list[NewTermSuggestion]

    def ids(self, kind: str) -> list[str]:
        return [s.id for s in self.concepts.get(kind, [])]


@dataclass
class _Sentence:
    section: str
    start: int
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)
    datasets: list[tuple[str, float, str]] = field(default_factory=list)
    """(dataset id, confidence, matched words)"""

    def evidence(self, start: int, end: int, section_text: str) -> Evidence:
        return Evidence(self.section, self.start, self.end, self.text, section_text[start:end], start, end)


class Annotator:
    """Suggests annotations for documents from one knowledge base (build once, reuse)."""

    def __init__(self, knowledge: Knowledge, settings: Settings | None = None) -> None:
        self.knowledge = knowledge
        self.settings = settings or Settings()
        self.segmenter = Segmenter(knowledge.surface_forms())
        self.matcher = TermMatcher(knowledge, self.segmenter)
        self.linker = CatalogueLinker(knowledge, self.segmenter)
        self.closest = ClosestConcepts(knowledge)
        self._families = knowledge.index.tops.get("method", frozenset()) | knowledge.index.tops.get("process", frozenset())

    def annotate(self, document: Document) -> Annotation:
        sentences, new_terms = self._read(document)
        concepts = {
            kind: [c for c in found if c.confidence >= self.settings.min_confidence]
            for kind, found in self._concepts(sentences, {s.name: s.text for s in document.sections}).items()
        }
        applications = self._applications(sentences, concepts)
        for app in applications:  # purposes an application adds from the examples
            for purpose in app.purposes:
                if purpose.id not in {s.id for s in concepts["purpose"]}:
                    concepts["purpose"].append(Suggestion("purpose", purpose.id, self.knowledge.label(purpose.id), purpose.confidence, purpose.how))
        for found in concepts.values():
            found.sort(key=lambda c: -c.confidence)
        findings = [
            FindingSuggestion(s.text, score, Evidence(s.section, s.start, s.end, s.text, s.text, s.start, s.end))
            for s in sentences
            if (score := finding_score(s.text, s.section)) >= self.settings.finding_threshold
        ]
        return Annotation(document.source, concepts, applications, findings, new_terms)

    # -- reading ---------------------------------------------------------------------------

    def _read(self, document: Document) -> tuple[list[_Sentence], list[NewTermSuggestion]]:
        sentences: list[_Sentence] = []
        new_terms: list[NewTermSuggestion] = []
        seen_new: set[str] = set()
        for section in document.sections:
            text = section.text
            tokens, mentions = self.matcher.find(text)
            spans = sentence_spans(text)
            ours = [_Sentence(section.name, a, b, text[a:b]) for a, b in spans]
            starts = [a for a, _ in spans]
            for mention in mentions:
                i = bisect.bisect_right(starts, mention.start) - 1
                if i >= 0:
                    ours[i].mentions.append(mention)
            token_starts = [t.start for t in tokens]
            for sentence in ours:
                lo, hi = bisect.bisect_left(token_starts, sentence.start), bisect.bisect_left(token_starts, sentence.end)
                named = {m.id for m in sentence.mentions if m.kind == "dataset"}
                covered = {i for m in sentence.mentions if m.kind == "dataset" for i in range(m.first_token, m.last_token + 1)}
                words = {tokens[i].norm for i in range(lo, hi) if i not in covered}
                links = self.linker.links(words)
                for link in links:  # a sentence describes one dataset, or several equally well
                    if link.dataset not in named and link.score >= links[0].score - self.settings.link_margin:
                        sentence.datasets.append((link.dataset, round(min(0.95, 0.3 + 0.7 * link.score), 2), " ".join(link.words)))
            known = [False] * len(tokens)
            for mention in mentions:
                for i in range(mention.first_token, mention.last_token + 1):
                    known[i] = True
            for term in find_new_terms(text, tokens, known, self.closest):
                if term.text.casefold() in seen_new:
                    continue
                seen_new.add(term.text.casefold())
                i = max(bisect.bisect_right(starts, term.start) - 1, 0)
                sentence = ours[i] if ours else _Sentence(section.name, 0, len(text), text)
                new_terms.append(NewTermSuggestion(term.text, term.kind, term.closest, sentence.evidence(term.start, term.end, text)))
            sentences.extend(ours)
        return sentences, new_terms

    # -- concepts --------------------------------------------------------------------------

    def _concepts(self, sentences: list[_Sentence], texts: dict[str, str]) -> dict[str, list[Suggestion]]:
        found: dict[tuple[str, str], Suggestion] = {}
        for sentence in sentences:
            text = texts[sentence.section]
            for m in sentence.mentions:
                confidence = ORIGIN_CONFIDENCE.get(m.term.origin, 0.7) - (0.1 if is_abbreviation(m.term.surface) else 0.0)
                if sentence.section in SECTION_ROLES.get(m.kind, ()):
                    confidence *= self.settings.section_weight
                if m.id in self._families:  # records name concrete methods and processes; families follow from them
                    confidence *= self.settings.family_weight
                self._add(found, m.kind, m.id, confidence, m.term.origin, sentence.evidence(m.start, m.end, text))
            for dataset, confidence, words in sentence.datasets:
                self._add(found, "dataset", dataset, confidence, "catalogue words", Evidence(sentence.section, sentence.start, sentence.end, sentence.text, words, sentence.start, sentence.end))
        for (kind, cid), suggestion in list(found.items()):
            if kind == "dataset":
                suggestion.data_types = list(self.knowledge.datasets[cid].data_types)
                for t in suggestion.data_types:
                    self._add(found, "data type", t, round(suggestion.confidence * 0.95, 2), f"type of {cid}", None)
        concepts: dict[str, list[Suggestion]] = {kind: [] for kind in KINDS}
        for (kind, _), suggestion in found.items():
            concepts[kind].append(suggestion)
        for kind in CONCEPT_KINDS:
            if kind not in self.settings.keep_broader:
                concepts[kind] = self._narrowest(concepts[kind])
        return concepts

    def _add(self, found: dict[tuple[str, str], Suggestion], kind: str, cid: str, confidence: float, how: str, evidence: Evidence | None) -> None:
        suggestion = found.get((kind, cid))
        if suggestion is None:
            suggestion = found[(kind, cid)] = Suggestion(kind, cid, self.knowledge.label(cid), round(confidence, 2), how)
        elif confidence > suggestion.confidence:
            suggestion.confidence, suggestion.how = round(confidence, 2), how
        else:  # a second mention makes the suggestion a little surer
            suggestion.confidence = round(min(0.98, suggestion.confidence + 0.03), 2)
        same_sentence = evidence is not None and any((e.section, e.start) == (evidence.section, evidence.start) for e in suggestion.evidence)
        if evidence is not None and len(suggestion.evidence) < 3 and not same_sentence:
            suggestion.evidence.append(evidence)

    def _narrowest(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        """Drop a concept when a narrower one of the same kind is also suggested."""
        ids = {s.id for s in suggestions}
        broader = {a for s in suggestions for a in self.knowledge.index.ancestors(s.id) if a != s.id}
        return [s for s in suggestions if s.id not in broader or s.id not in ids]

    # -- applications ----------------------------------------------------------------------

    def _applications(self, sentences: list[_Sentence], concepts: dict[str, list[Suggestion]]) -> list[ApplicationSuggestion]:
        """One application per method: the purposes and datasets that score best for it.

        A purpose scores its share among the method's examples, plus ``text_weight`` when it is
        named in a sentence that names the method; a dataset scores the examples' share of its
        best data type, plus ``text_weight`` when named beside the method.
        """
        st = self.settings
        kept = {kind: {s.id for s in concepts[kind]} for kind in concepts}
        doc_datasets = [s.id for s in sorted(concepts["dataset"], key=lambda s: -s.confidence)]
        apps = []
        for suggestion in concepts["method"]:
            method = suggestion.id
            near = [s for s in sentences if any(m.id == method for m in s.mentions)]
            named_purposes: dict[str, float] = {}
            for s in near:
                spots = [m.first_token for m in s.mentions if m.id == method]
                for m in s.mentions:
                    if m.kind == "purpose" and m.id in kept["purpose"]:
                        close = min(abs(m.first_token - spot) for spot in spots) <= st.close_tokens
                        bonus = st.close_weight if close else st.text_weight
                        named_purposes[m.id] = max(named_purposes.get(m.id, 0.0), bonus)
            shares, _ = self.knowledge.prior(method, "purposes")
            scored = {p: shares.get(p, 0.0) + named_purposes.get(p, 0.0) for p in set(shares) | set(named_purposes)}
            ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
            chosen = [(p, v) for p, v in ranked if v >= st.purpose_prior][: st.max_purposes] or ranked[:1]
            purposes = [PurposeChoice(p, round(min(0.95, 0.4 + 0.5 * v), 2), self._why(p, p in named_purposes, shares.get(p, 0.0))) for p, v in chosen]
            named_data = {m.id for s in near for m in s.mentions if m.kind == "dataset"} | {d for s in near for d, _, _ in s.datasets}
            type_shares, _ = self.knowledge.prior(method, "types")
            data_scores = {
                d: max((type_shares.get(t, 0.0) for t in self.knowledge.datasets[d].data_types), default=0.0) + (st.text_weight if d in named_data else 0.0)
                for d in doc_datasets
            }
            ranked_data = sorted(data_scores.items(), key=lambda kv: (-kv[1], doc_datasets.index(kv[0])))
            inputs = [d for d, v in ranked_data if v >= st.type_prior][: st.max_inputs] or [d for d, _ in ranked_data[:1]]
            # The inputs' data types; kinds of data named beside the method only when no dataset is known.
            types = [] if inputs else list(dict.fromkeys(m.id for s in near for m in s.mentions if m.kind == "data type" and m.id in kept["data type"]))
            for d in inputs:
                types += [t for t in self.knowledge.datasets[d].data_types if t not in types]
            if not purposes:
                continue
            confidence = round(suggestion.confidence * (0.9 if named_purposes else 0.7) * (0.9 if named_data & set(inputs) else 0.7), 2)
            apps.append(ApplicationSuggestion(method, purposes, inputs, types, confidence, suggestion.evidence[:3]))
        return sorted(apps, key=lambda a: -a.confidence)

    @staticmethod
    def _why(purpose: str, named: bool, share: float) -> str:
        parts = (["named beside the method"] if named else []) + ([f"{share:.0%} of the method's examples"] if share else [])
        return "; ".join(parts)
