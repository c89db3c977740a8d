"""Finding the known terms in a text: spaCy PhraseMatchers over the mixed-script segmenter's tokens.

The text is segmented (jieba for Chinese, spaCy's English rules for the rest) and the tokens
become a spaCy Doc whose NORM folds case, width, accents, spelling variants and plurals; every
term is segmented the same way, so "Random Forests", "random-forest" and "随机森林" all match
their labels. Abbreviations in capitals (ML, UQ, GRACE) match only in capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from geokg.annotate.knowledge import Knowledge, Term
from geokg.model.segment import Segmenter, Token, normal_form

#: Chinese terms at least this long are matched inside jieba's words too.
MIN_CHAR_MATCH = 3
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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
        self._by_char = PhraseMatcher(self.vocab, attr="NORM")
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
                if len(_HAN.findall(term.surface)) >= MIN_CHAR_MATCH:
                    self._by_char.add(key, [self._doc(_characters(tokens))])
            entries = self.terms.setdefault(self.vocab.strings[key], [])
            if all((t.kind, t.id) != (term.kind, term.id) for t in entries):
                entries.append(term)

    def _doc(self, tokens: list[Token]) -> Doc:
        doc = Doc(self.vocab, words=[t.text for t in tokens], spaces=[False] * len(tokens))
        for token, ours in zip(doc, tokens, strict=True):
            token.norm_ = normal_form(ours.text)
        return doc

    def find(self, text: str) -> tuple[list[Token], list[Mention]]:
        """The tokens of ``text`` and the terms in it: the longest match wins where matches overlap,
        and one span may name several concepts (a label two concepts share).

        Chinese terms of MIN_CHAR_MATCH or more characters are also matched character by
        character, since jieba may cut a known term differently in context (半重叠区域统计).
        """
        tokens = self.segmenter.tokens(text)
        if not tokens:
            return tokens, []
        doc = self._doc(tokens)
        found = [(key, tokens[a].start, tokens[b - 1].end, a, b - 1) for key, a, b in self._by_norm(doc) + self._by_orth(doc)]
        chars = _characters(tokens)
        if len(chars) > len(tokens):
            parent = [i for i, t in enumerate(tokens) for _ in range(len(t.text) if _HAN.match(t.text) else 1)]
            found += [(key, chars[a].start, chars[b - 1].end, parent[a], parent[b - 1]) for key, a, b in self._by_char(self._doc(chars))]
        found.sort(key=lambda m: (m[1] - m[2], m[1]))
        taken = [False] * len(text)
        mentions: list[Mention] = []
        for key, start, end, first, last in found:
            if any(taken[start:end]) and not any(m.start == start and m.end == end for m in mentions):
                continue
            for i in range(start, end):
                taken[i] = True
            for term in self.terms[key]:
                if not any(m.start == start and m.end == end and m.term == term for m in mentions):
                    mentions.append(Mention(term, start, end, first, last))
        mentions.sort(key=lambda m: (m.start, m.end))
        return tokens, mentions


def _characters(tokens: list[Token]) -> list[Token]:
    """The tokens with every Chinese word split into its characters."""
    out: list[Token] = []
    for t in tokens:
        if _HAN.match(t.text) and len(t.text) > 1:
            out.extend(Token(c, t.start + i, t.start + i + 1) for i, c in enumerate(t.text))
        else:
            out.append(t)
    return out
