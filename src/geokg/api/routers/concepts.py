"""``/concepts``: lookup by label (English or Chinese) and everything about one concept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.models import ConceptDetail, ConceptHit, ConceptRef, PaperSummary
from geokg.api.papers_query import papers_using
from geokg.api.results import iri, rows
from geokg.lookup import CONCEPT_NS, ConceptLookup

router = APIRouter(prefix="/concepts", tags=["concepts"])
SCHEMES = ("method", "purpose", "data-type", "process", "research-focus", "data-category",
           "technique", "platform", "instrument", "geologic-time", "body", "dataset-role")


def lookup(request: Request) -> ConceptLookup:
    if getattr(request.app.state, "lookup", None) is None:
        request.app.state.lookup = ConceptLookup(request.app.state.store)
    return request.app.state.lookup  # type: ignore[no-any-return]


@router.get("", response_model=list[ConceptHit], summary="Find concepts by label")
def search_concepts(
    request: Request,
    q: Annotated[str | None, Query(max_length=200, description="a label in English or Chinese, any case", examples=["loocv", "留一交叉验证"])] = None,
    scheme: Annotated[str | None, Query(description=f"one of {', '.join(SCHEMES)}")] = None,
    iri_: Annotated[str | None, Query(alias="iri", max_length=500, description="an external IRI (STATO, Wikidata, …) to resolve through the mappings")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[ConceptHit]:
    """Matches prefLabels and altLabels in both languages, case- and accent-insensitively;
    abbreviations and close spellings are ranked below exact labels."""
    if scheme is not None and scheme not in SCHEMES:
        raise ProtocolError(422, f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    index = lookup(request)
    if iri_ is not None:
        return resolve_external(request, iri_)
    if not q or not q.strip():
        raise ProtocolError(422, "give q (a label) or iri (an external IRI)")
    return [ConceptHit(id=m.concept.id, iri=m.concept.iri, scheme=m.concept.scheme, label_en=m.concept.labels.get("en"),
                       label_zh=m.concept.labels.get("zh"), score=m.score, matched=m.matched)
            for m in index.search(q, scheme, limit)]


def resolve_external(request: Request, external: str) -> list[ConceptHit]:
    try:
        term = iri(external)
    except ValueError:
        raise ProtocolError(422, f"not an IRI: {external!r}") from None
    found = rows(request.app.state.store.query(
        f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT DISTINCT ?c ?rel WHERE {{ "
        f"VALUES ?rel {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }} ?c ?rel {term} }}"))
    index = lookup(request)
    out = []
    for row in found:
        concept = index.concepts.get(row["c"][len(CONCEPT_NS):])
        if concept:
            score = 1.0 if row["rel"].endswith("exactMatch") else 0.8
            out.append(ConceptHit(id=concept.id, iri=concept.iri, scheme=concept.scheme, label_en=concept.labels.get("en"),
                                  label_zh=concept.labels.get("zh"), score=score, matched=row["rel"].rsplit("#", 1)[-1]))
    return sorted(out, key=lambda h: -h.score)


def _ref(index: ConceptLookup, concept_iri: str) -> ConceptRef:
    c = index.concepts.get(concept_iri[len(CONCEPT_NS):])
    cid = concept_iri[len(CONCEPT_NS):]
    return ConceptRef(id=cid, label_en=c.labels.get("en") if c else None, label_zh=c.labels.get("zh") if c else None)


@router.get("/{concept_id}", response_model=ConceptDetail, summary="One concept, its neighbours and its papers")
def get_concept(request: Request, store: StoreDep, concept_id: str) -> ConceptDetail:
    """Labels, definition, broader and narrower concepts, external matches, and the papers that use
    the concept or any narrower one."""
    index = lookup(request)
    concept = index.concepts.get(concept_id)
    if concept is None:
        raise ProtocolError(404, f"no concept {concept_id!r}; search with /concepts?q=")
    term = iri(concept.iri)
    links = rows(store.query(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?rel ?other WHERE {{
          {{ {term} skos:broader ?other BIND("broader" AS ?rel) }} UNION {{ ?other skos:broader {term} BIND("narrower" AS ?rel) }}
          UNION {{ VALUES ?match {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }}
                  {term} ?match ?other BIND(STR(?match) AS ?rel) }}
        }}"""))
    return ConceptDetail(
        id=concept.id, iri=concept.iri, scheme=concept.scheme, labels=concept.labels,
        alt_labels=[{"lang": lang, "label": label} for lang, label in concept.alt], definition=concept.definition,
        notation=concept.notation or None,
        broader=[_ref(index, r["other"]) for r in links if r["rel"] == "broader"],
        narrower=[_ref(index, r["other"]) for r in links if r["rel"] == "narrower"],
        external_matches=[{"relation": r["rel"].rsplit("#", 1)[-1], "iri": r["other"]} for r in links if r["rel"].startswith("http")],
        papers=[PaperSummary(**p) for p in papers_using(store, concept.iri)],
    )
