"""Finding the known terms in a text: spaCy PhraseMatchers over the mixed-script segmenter's tokens.

The text is segmented (jieba for Chinese, spaCy's English rules for the rest) and the tokens
become a spaCy Doc whose NORM folds case, width, accents, spelling variants and plurals; every
term is segmented the same way, so "Random Forests", "random-forest" and "随机森林" all match
their labels. Abbreviations in capitals (ML, UQ, GRACE) match only in capitals.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from geokg.annotate.knowledge import Knowledge, Term
from geokg.annotate.segment import Segmenter, Token, normal_form


@dataclass(frozen=True, slots=True)
class Mention:
    """A known term found in a section's text."""

    term: Term
    start: int
    end: int
    first_token: int
    last_token: int

    @property
    def kind(self) -> str:
        return self.term.kind

    @property
    def id(self) -> str:
        return self.term.id


def is_abbreviation(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return surface.isascii() and len(surface) <= 5 and bool(letters) and all(c.isupper() for c in letters)


class TermMatcher:
    """Every term of a knowledge base, compiled into two phrase matchers."""

    def __init__(self, knowledge: Knowledge, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.vocab = Vocab()
        self._by_norm = PhraseMatcher(self.vocab, attr="NORM")
        self._by_orth = PhraseMatcher(self.vocab, attr="ORTH")
        self.terms: dict[int, list[Term]] = {}
        keys: dict[tuple[str, tuple[str, ...]], str] = {}
        for term in knowledge.terms:
            tokens = segmenter.tokens(term.surface)
            if not tokens:
                continue
            exact = is_abbreviation(term.surface)
            form = tuple(t.text if exact else t.norm for t in tokens)
            key = keys.get(("orth" if exact else "norm", form))
            if key is None:
                key = keys[("orth" if exact else "norm", form)] = f"T{len(keys)}"
                (self._by_orth if exact else self._by_norm).add(key, [self._doc(tokens)])
            entries = self.terms.setdefault(self.vocab.strings[key], [])
            if all((t.kind, t.id) != (term.kind, term.id) for t in entries):
                entries.append(term)

    def _doc(self, tokens: list[Token]) -> Doc:
        doc = Doc(self.vocab, words=[t.text for t in tokens], spaces=[False] * len(tokens))
        for token, ours in zip(doc, tokens):
            token.norm_ = normal_form(ours.text)
        return doc

    def find(self, text: str) -> tuple[list[Token], list[Mention]]:
        """The tokens of ``text`` and the terms in it: the longest match wins where matches overlap,
        and one span may name several concepts (a label two concepts share)."""
        tokens = self.segmenter.tokens(text)
        if not tokens:
            return tokens, []
        doc = self._doc(tokens)
        matches = sorted(self._by_norm(doc) + self._by_orth(doc), key=lambda m: (m[1] - m[2], m[1]))
        taken = [False] * len(tokens)
        mentions: list[Mention] = []
        for key, first, end in matches:
            if any(taken[first:end]) and not any(m.first_token == first and m.last_token == end - 1 for m in mentions):
                continue
            for i in range(first, end):
                taken[i] = True
            for term in self.terms[key]:
                mentions.append(Mention(term, tokens[first].start, tokens[end - 1].end, first, end - 1))
        mentions.sort(key=lambda m: (m.start, m.end))
        return tokens, mentions
