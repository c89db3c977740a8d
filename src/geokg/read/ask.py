"""A question in English or Chinese, answered by the facet search it is understood as.

What the question names (methods, purposes, data types, processes, years) becomes facets; the
answer shows what was understood, the words ignored and the SPARQL run, so a person can correct
the question.

Questions are segmented as the annotator segments texts (:mod:`geokg.model.segment`: jieba for
Chinese runs, spaCy's rules for the rest), so a Latin term glued to Chinese words is still a word:
in "在卫星数据上使用bootstrap进行不确定性分析" the method is bootstrap, not "bootstrap进行".
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from geokg.errors import InvalidInput
from geokg.model.segment import Segmenter
from geokg.model.text import normalise
from geokg.model.vocab import SCHEME, SPARQL_PREFIXES
from geokg.read.context import Reader
from geokg.read.lookup import ConceptLookup
from geokg.read.search import Search, page

#: Words that carry no facet in a question (English and Chinese).
STOPWORDS = set("""which what who where when how do does did are is was were the a an of on in for to by with from
use uses used using apply applies applied papers paper study studies studied show about any all and or that than data
find list give me there between after before since during research 哪些 论文 用 使用 研究 的 了 和 与 在 中 有 吗 什么 关于 哪 些 上 进行 对 基于 通过 利用 采用 是 被 篇 等 及 以及 或 这些 哪篇 年 以来 之前 之后 以后 以前""".split())


_segmenters: weakref.WeakKeyDictionary[ConceptLookup, Segmenter] = weakref.WeakKeyDictionary()
_segmenters_lock = threading.Lock()


def segmenter(lookup: ConceptLookup) -> Segmenter:
    """The segmenter for a store's concepts: their Chinese labels stay whole words (built once per
    concept index, about half a second)."""
    with _segmenters_lock:
        found = _segmenters.get(lookup)
        if found is None:
            labels = [label for c in lookup.concepts.values() for label in [*c.labels.values(), *(a for _, a in c.alt)]]
            found = _segmenters[lookup] = Segmenter(labels)
        return found


def _years(text: str) -> tuple[int | None, int | None, list[str]]:
    span = re.search(r"\b(19|20)(\d{2})\s*(?:-|–|to|至|到)\s*(19|20)(\d{2})\b", text)
    if span:
        return int(span[1] + span[2]), int(span[3] + span[4]), [span[0]]
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", text)]
    if not years:
        return None, None, []
    after = re.search(r"(after|since|之后|以来)\s*((?:19|20)\d{2})|((?:19|20)\d{2})\s*(年以来|年之后|以后)", text)
    before = re.search(r"(before|until|之前)\s*((?:19|20)\d{2})|((?:19|20)\d{2})\s*(年之前|年以前)", text)
    if after:
        return min(years), None, [str(min(years))]
    if before:
        return None, max(years), [str(max(years))]
    return min(years), max(years), [str(y) for y in years]


def understand(reader: Reader, q: str) -> tuple[Search, list[dict[str, Any]], list[str]]:
    """The search a question stands for, what was understood, and the words that matched nothing."""
    if not q.strip():
        raise InvalidInput("ask a question")
    facets: dict[str, list[str]] = {}
    understood: list[dict[str, Any]] = []
    words = segmenter(reader.concepts)
    q = words.separated(q)
    norm = normalise(q)
    used = [False] * len(norm)
    for concept, label, (start, end) in reader.concepts.mentions(q):
        facet = SCHEME[concept.scheme].facet
        if facet is None:
            continue
        facets.setdefault(facet, []).append(concept.iri)
        understood.append({"kind": concept.scheme, "id": concept.id, "label_en": concept.labels.get("en"),
                           "label_zh": concept.labels.get("zh"), "matched": label})
        for i in range(start, end):
            used[i] = True
    year_from, year_to, year_words = _years(q)
    for word in year_words:
        understood.append({"kind": "year", "matched": word})
        for m in re.finditer(re.escape(normalise(word)), norm):
            for i in range(m.start(), m.end()):
                used[i] = True
    if year_from is not None or year_to is not None:
        understood.append({"kind": "years", "from": year_from, "to": year_to})
    leftover = "".join(c if not used[i] else " " for i, c in enumerate(norm))
    ignored = [w for w in words.words(leftover) if re.fullmatch(r"[\w\u4e00-\u9fff]+", w) and w not in STOPWORDS and not w.isdigit()]
    return Search(facets, year_from, year_to), understood, ignored


#: How many papers an answer lists.
ANSWER_SIZE = 100


def ask(reader: Reader, q: str) -> dict[str, Any]:
    """Answer a question: what was understood, the words ignored, the SPARQL run, the papers found."""
    search, understood, ignored = understand(reader, q)
    found = page(reader, search, 1, ANSWER_SIZE)
    return {"question": q, "understood": understood, "ignored": ignored, "sparql": SPARQL_PREFIXES + search.page_query(ANSWER_SIZE, 0),
            "total": found["total"], "papers": found["papers"]}
