"""New concept candidates: method-like or dataset-like terms that match nothing known.

A term is method-like when it ends in a method head word ("vision transformer", "graph neural
network", "图神经网络") or is a model name written like one (U-Net++, XGBoost, ConvLSTM); it is
dataset-like when it is a product name with a version or number (Sentinel-2, Landsat-8, MODIS
data) or ends in a data word ("SCARDEC database", "地震目录"). Each comes with the closest known
concepts, so the curator can add it as a new concept or as a label of an existing one.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from geokg.annotate.knowledge import Knowledge
from geokg.model.segment import Token, normal_form

METHOD_HEADS = set("""network transformer regression model algorithm clustering classifier classification forest
machine learning analysis decomposition filter inversion estimator sampler kriging boosting encoder autoencoder
tree trees regressor embedding attention simulation method approach technique test""".split())
DATA_HEADS = set("""dataset database catalogue catalog reanalysis product archive compilation imagery image mosaic
grid survey record data observations""".split())
ZH_METHOD_HEADS = ("网络", "模型", "算法", "回归", "聚类", "分类器", "方法", "检验", "反演", "滤波", "分解")
ZH_DATA_HEADS = ("数据库", "数据集", "目录", "再分析", "产品", "影像", "资料")
#: A name written like a model: internal capitals, "++", or a letter-number compound.
_MODEL_NAME = re.compile(r"^(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Za-z]+[-]?[A-Za-z]*\+\+|[A-Z]{2,}[a-z]+[A-Za-z]*)$")
_PRODUCT_NAME = re.compile(r"^[A-Z][A-Za-z]*[A-Z0-9]*(?:-?\d+[A-Za-z]?)$|^[A-Z]{3,}\d*$")
_FUNCTION_WORDS = set("""a an the of and or for to in on at by with from we our this that these those is are was were be
been using used use based new two three each its their than which into between how what why when where who
can could may might must should would will do does did not no also only such both more most other some any all very
much here there then thus""".split())


@dataclass
class NewTerm:
    text: str
    kind: str  # "method" or "dataset"
    start: int
    end: int
    closest: list[tuple[str, str, float]]
    """(id, label, similarity), best first."""


def find_new_terms(text: str, tokens: list[Token], known: list[bool], closest: ClosestConcepts) -> list[NewTerm]:
    """Method- and dataset-like terms of ``text`` not covered by a known term (``known`` marks tokens
    inside a known mention)."""
    words = _compounds(text, tokens, known)
    out: list[NewTerm] = []
    for i, (word, start, end) in enumerate(words):
        nxt = (words[i + 1][0] or "") if i + 1 < len(words) else ""
        head = normal_form(nxt)
        if word is None:
            continue
        if not word.isascii():
            kind = "method" if word.endswith(ZH_METHOD_HEADS) else "dataset" if word.endswith(ZH_DATA_HEADS) else None
            if kind and _long_enough(word):
                out.append(NewTerm(word, kind, start, end, []))
            continue
        if _not_a_name(word):
            continue
        if _MODEL_NAME.match(word) and head not in DATA_HEADS:
            out.append(NewTerm(word, "method", start, end, []))
        elif _PRODUCT_NAME.match(word) and (head in DATA_HEADS or re.search(r"\d", word)) and head not in METHOD_HEADS:
            out.append(NewTerm(word, "dataset", start, end, []))
    out += _head_phrases(words)
    seen: set[str] = set()
    unique: list[NewTerm] = []
    for term in sorted(out, key=lambda t: (t.start, -(t.end - t.start))):
        if term.text.casefold() in seen or any(u.start <= term.start and term.end <= u.end for u in unique):
            continue
        seen.add(term.text.casefold())
        term.closest = closest(term.text, term.kind)
        unique.append(term)
    return unique


def _compounds(text: str, tokens: list[Token], known: list[bool]) -> list[tuple[str | None, int, int]]:
    """Tokens glued back where the text had no space (U-Net++ is one word); words inside a known
    term become None, which breaks phrases."""
    out: list[tuple[str | None, int, int]] = []
    for token, is_known in zip(tokens, known, strict=True):
        if is_known:
            out.append((None, token.start, token.end))
            continue
        if out and out[-1][0] is not None and out[-1][0].isascii() and token.text.isascii() and re.fullmatch(r"[-‐]?", text[out[-1][2] : token.start]) and token.text[0].isalnum():
            _, start, _ = out.pop()
            out.append((text[start : token.end], start, token.end))
        else:
            out.append((token.text, token.start, token.end))
    return out


def _head_phrases(words: list[tuple[str | None, int, int]]) -> list[NewTerm]:
    """English phrases of up to four words ending in a method or data head word (``vision transformer``)."""
    out = []
    for i, (word, _, end) in enumerate(words):
        if word is None or not word.isascii():
            continue
        head = normal_form(word)
        kind = "method" if head in METHOD_HEADS else "dataset" if head in DATA_HEADS else None
        if kind is None:
            continue
        j = i
        while j > 0 and i - j < 3:
            prev = words[j - 1][0]
            if prev is None or not prev.isascii() or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+]*(?:-[A-Za-z0-9]+)*", prev) or prev.casefold() in _FUNCTION_WORDS:
                break
            j -= 1
        if j < i and not (kind == "method" and _generic(words[j:i])):
            start = words[j][1]
            out.append(NewTerm(" ".join(w for w, _, _ in words[j : i + 1] if w), kind, start, end, []))
    return out


def _generic(words: list[tuple[str | None, int, int]]) -> bool:
    """Modifiers that say nothing about the method ("statistical analysis", "simple model")."""
    vague = {"statistical", "simple", "numerical", "further", "detailed", "data", "previous", "global", "same", "different",
             "local", "classic", "classical", "conventional", "traditional", "standard", "existing", "recent", "current"}
    return all((w or "").casefold() in vague for w, _, _ in words)


#: Chemical formulas (CO2, SiO2, CH4) and units (PgC, TgC, GPa) look like names but are not.
_FORMULA = re.compile(r"(?:[A-Z][a-z]?\d*)+")


def _not_a_name(word: str) -> bool:
    """A formula, a unit, or a plural of an acronym (LIPs): nothing to add to the vocabulary."""
    if _FORMULA.fullmatch(word) and not re.search(r"[A-Z]{3}", word):
        return True
    if re.fullmatch(r"[A-Z][a-z][A-Z]", word):  # PgC, TgC
        return True
    return bool(re.fullmatch(r"[A-Z]{2,}s", word))


def _long_enough(word: str) -> bool:
    return len(word) >= 4


class ClosestConcepts:
    """Known concepts (methods for a method-like term; datasets and data types for a dataset-like
    one) whose labels share the most with a term: shared words, then spelling.

    Spelling is compared (difflib) only on a shortlist of labels sharing character trigrams or
    words with the term, found through inverted indexes: comparing every label costs ~40 ms a term.
    """

    SHORTLIST = 15

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.labels: dict[str, list[tuple[str, str, set[str]]]] = {"method": [], "dataset": []}
        self.by_gram: dict[str, dict[str, list[int]]] = {"method": {}, "dataset": {}}
        self.by_word: dict[str, dict[str, list[int]]] = {"method": {}, "dataset": {}}
        for term in knowledge.terms:
            group = "method" if term.kind == "method" else "dataset" if term.kind in ("dataset", "data type") else None
            if group:
                i = len(self.labels[group])
                spelled, words = _spelling(term.surface), _words(term.surface)
                self.labels[group].append((term.id, spelled, words))
                for gram in _trigrams(spelled):
                    self.by_gram[group].setdefault(gram, []).append(i)
                for word in words:
                    self.by_word[group].setdefault(word, []).append(i)
        self._cache: dict[tuple[str, str], list[tuple[str, str, float]]] = {}

    def __call__(self, text: str, kind: str, limit: int = 3) -> list[tuple[str, str, float]]:
        key = (text, kind)
        if key not in self._cache:
            self._cache[key] = self._closest(text, kind, limit)
        return self._cache[key]

    def _closest(self, text: str, kind: str, limit: int) -> list[tuple[str, str, float]]:
        words, spelled = _words(text), _spelling(text)
        grams = _trigrams(spelled)
        shared: Counter[int] = Counter(i for g in sorted(grams) for i in self.by_gram[kind].get(g, ()))
        shortlist = {i for i, _ in shared.most_common(self.SHORTLIST)} | {i for w in words for i in self.by_word[kind].get(w, ())}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(spelled)
        scores: dict[str, float] = {}
        for i in shortlist:
            cid, label, label_words = self.labels[kind][i]
            score = len(words & label_words) / max(len(words | label_words), 1)
            matcher.set_seq1(label)
            if matcher.quick_ratio() * 0.9 > max(score, 0.3):
                score = max(score, matcher.ratio() * 0.9)
            if score > scores.get(cid, 0.0):
                scores[cid] = score
        head = normal_form(re.split(r"[\s-]+", text.strip())[-1]) if text.isascii() else text[-2:]
        for cid in self.knowledge.head_hints.get(head, ()):
            scores[cid] = max(scores.get(cid, 0.0), 0.6)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(cid, self.knowledge.label(cid), round(score, 2)) for cid, score in best if score >= 0.3]


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)} or {text}


def _words(text: str) -> set[str]:
    return {normal_form(w) for w in re.findall(r"[A-Za-z0-9+]+|[^\x00-\x7f]", text)}


def _spelling(text: str) -> str:
    return normal_form(re.sub(r"[-_\s]+", "", text))
