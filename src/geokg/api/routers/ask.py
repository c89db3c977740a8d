"""``/ask``: a question in English or Chinese, answered by a facet search it shows you."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.facets import Search
from geokg.api.models import AskAnswer, PaperSummary
from geokg.api.papers_query import summary
from geokg.api.results import rows
from geokg.api.routers.concepts import lookup
from geokg.lookup import normalise

router = APIRouter(tags=["ask"])

FACET_OF_SCHEME = {"method": "method", "purpose": "purpose", "data-type": "data_type", "process": "process"}
#: Words that carry no facet in a question (English and Chinese).
STOPWORDS = set("""which what who where when how do does did are is was were the a an of on in for to by with from
use uses used using apply applies applied papers paper study studies studied show about any all and or that than data
find list give me there between after before since during research 哪些 论文 用 使用 研究 的 了 和 与 在 中 有 吗 什么 关于 哪 些""".split())


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


@router.get("/ask", response_model=AskAnswer, summary="Ask in English or Chinese")
def ask(request: Request, store: StoreDep,
        q: Annotated[str, Query(min_length=1, max_length=300, examples=["which papers use bootstrap uncertainty on satellite data",
                                                                         "哪些论文用机器学习研究冰川?"])]) -> AskAnswer:
    """Finds the methods, purposes, data types, processes and years the question names, runs the
    matching facet search, and returns the answer with what it understood, the SPARQL it ran and
    the words it ignored, so the question can be corrected."""
    if not q.strip():
        raise ProtocolError(422, "ask a question")
    index = lookup(request)
    facets: dict[str, list[str]] = {}
    understood: list[dict[str, Any]] = []
    norm = normalise(q)
    used = [False] * len(norm)
    for concept, label, (start, end) in index.mentions(q):
        facet = FACET_OF_SCHEME.get(concept.scheme)
        if facet is None:
            continue
        # A more general concept of the same facet already named adds nothing.
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
    for word in sorted((w for w in STOPWORDS if not w.isascii()), key=len, reverse=True):
        leftover = leftover.replace(word, " ")  # Chinese has no spaces between words
    ignored = [w for w in re.findall(r"[\w\u4e00-\u9fff]+", leftover) if w not in STOPWORDS and not w.isdigit()]
    search = Search(facets, year_from, year_to)
    text = search.page_query(100, 0)
    found = rows(store.query(text))
    return AskAnswer(question=q, understood=understood, ignored=ignored, sparql=text, papers=[PaperSummary(**summary(r)) for r in found])
