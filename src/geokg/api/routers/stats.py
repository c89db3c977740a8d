"""``/stats``: the corpus at a glance, from the named questions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from geokg.api.deps import StoreDep
from geokg.api.facets import PREFIXES
from geokg.api.results import rows
from geokg.ontology import default_index
from geokg.questions import bind, questions

router = APIRouter(tags=["stats"])


def _question(store: StoreDep, name: str) -> list[dict[str, Any]]:
    return rows(store.query(bind(questions()[name], {}, default_index())))


def _per(store: StoreDep, scheme: str, path: str) -> list[dict[str, Any]]:
    """Papers per top concept of a scheme (narrower concepts included)."""
    return rows(store.query(PREFIXES + f"""SELECT ?concept ?label (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        ?c skos:topConceptOf <https://w3id.org/geokg/concept/{scheme}> ; skos:prefLabel ?label . FILTER(LANG(?label) = "en")
        BIND(STRAFTER(STR(?c), "concept/") AS ?concept)
        OPTIONAL {{ ?x skos:broader* ?c . ?paper {path} ?x }} }} GROUP BY ?concept ?label ORDER BY DESC(?papers) ?concept"""))


@router.get("/stats", summary="Counts per method family, data type, purpose, year, journal; matrix; co-occurrence")
def stats(request: Request, store: StoreDep) -> dict[str, Any]:
    """Every count includes narrower concepts: a paper using bootstrap counts for resampling and 4.1."""
    return {
        "papers": rows(store.query(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?p a geodm:Paper }"))[0]["n"],
        "method_families": _question(store, "method-usage-by-family"),
        "data_types": _per(store, "data-types", "geodm:usesDataset/geodm:dataType"),
        "purposes": _per(store, "purposes", "geodm:hasMethodApplication/geodm:purpose"),
        "per_year_and_journal": _question(store, "papers-per-year-and-journal"),
        "family_by_data_type": _question(store, "method-family-by-data-type"),
        "method_cooccurrence": _question(store, "method-cooccurrence"),
        "report_categories": _question(store, "report-category-coverage"),
    }
