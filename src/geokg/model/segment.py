"""Mixed-script word segmentation: jieba for runs of Chinese, spaCy's English rules for the rest.

Chinese has no spaces, and a Latin word glued to Chinese ("使用bootstrap进行") is no word boundary
to a regular expression (both are ``\\w``). Splitting the text at script changes first and handing
each run to the segmenter made for it gives tokens with exact character offsets, whatever the mix.
The same tokens feed the annotator's phrase matcher and the question parser of ``/ask``.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba
import spacy

#: Han ideographs (with the extension A block), CJK punctuation and full-width forms: jieba's runs.
#: Full-width brackets go to jieba too, since spaCy's rules would glue "SHAP（Shapley" into one token.
_HAN = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_RUNS = re.compile(rf"[{_HAN}]+|[^{_HAN}]+")
_IS_HAN = re.compile(rf"[{_HAN}]")
#: Tokens that only join words: dropped so that "rolling-window" matches "rolling window".
_JOINERS = {"-", "‐", "–", "_", "/", "*", "**", "~", "\\"}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text with its character offsets ``text[start:end]``."""

    text: str
    start: int
    end: int

    @property
    def norm(self) -> str:
        return normal_form(self.text)

    @property
    def han(self) -> bool:
        """A Chinese word (or Chinese punctuation)."""
        return bool(_IS_HAN.match(self.text))


class Segmenter:
    """A word segmenter for English, Chinese and mixed text, with its own jieba dictionary.

    ``words`` (labels of concepts, dataset names) are added to jieba's dictionary so that a known
    Chinese term stays one token instead of being split or glued to its neighbour.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._english = spacy.blank("en").tokenizer
        with _lock:  # jieba builds its prefix dictionary lazily, once per tokenizer
            self._jieba.initialize()
        for word in words:
            for run in _RUNS.findall(word):
                if _IS_HAN.match(run) and len(run) >= 2:
                    self._jieba.add_word(run, freq=200_000)

    def tokens(self, text: str) -> list[Token]:
        """Every word of ``text`` with its offsets; spaces and joining marks are left out."""
        out: list[Token] = []
        for run in _RUNS.finditer(text):
            base = run.start()
            if _IS_HAN.match(run.group()):
                out.extend(Token(w, base + s, base + e) for w, s, e in self._jieba.tokenize(run.group(), HMM=True))
            else:
                out.extend(
                    Token(t.text, base + t.idx, base + t.idx + len(t.text))
                    for t in self._english(run.group())
                    if not t.is_space and t.text not in _JOINERS
                )
        return out

    def words(self, text: str) -> list[str]:
        """The words of ``text`` as strings (what a question parser needs)."""
        return [t.text for t in self.tokens(text)]

    def separated(self, text: str) -> str:
        """``text`` with a space wherever a Latin word touches a Chinese one, so that word-boundary
        matching sees both: "使用bootstrap进行" → "使用 bootstrap 进行". Nothing else changes."""
        out, last = [], 0
        tokens = self.tokens(text)
        for left, right in itertools.pairwise(tokens):
            if left.end == right.start and left.han != right.han:
                out += [text[last : left.end], " "]
                last = left.end
        return "".join([*out, text[last:]])


_BRITISH = re.compile(r"is(ation|ing|ed|e)$")
_DOUBLED = re.compile(r"ll(ing|ed)$")


@lru_cache(maxsize=200_000)
def normal_form(word: str) -> str:
    """The form two spellings of one word share: width, case, accents, British/American
    spelling and a plural s are folded.

    >>> [normal_form(w) for w in ("Modelling", "glaciers", "Harmonisation", "analysis", "ＧＲＡＣＥ")]
    ['modeling', 'glacier', 'harmonization', 'analysis', 'grace']
    """
    word = unicodedata.normalize("NFKC", word).casefold()
    if word.isascii():
        if not word.isalpha():
            return word
        if word.endswith(("sses", "xes", "ches", "shes")):
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        return _DOUBLED.sub(r"l\1", _BRITISH.sub(r"iz\1", word))
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
