"""The corpus at a glance: counts per method family, data type, purpose, year and journal."""

from __future__ import annotations

from typing import Any

from geokg.model.ontology import default_index
from geokg.model.vocab import SCHEME, concept_id
from geokg.read.context import Reader
from geokg.read.questions import bind, questions
from geokg.store.results import rows
from geokg.store.sparql import iri


def _question(reader: Reader, name: str) -> list[dict[str, Any]]:
    return rows(reader.store.query(bind(questions()[name], {}, default_index(), reader.iris)))


def per_top_concept(reader: Reader, key: str) -> list[dict[str, Any]]:
    """Papers per top concept of a scheme (narrower concepts included)."""
    scheme = SCHEME[key]
    found = reader.select(f"""SELECT ?c ?label (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
        ?c skos:topConceptOf {iri(str(scheme.iri))} ; skos:prefLabel ?label . FILTER(LANG(?label) = "en")
        OPTIONAL {{ ?x skos:broader* ?c . ?paper {scheme.paper_path} ?x }} }} GROUP BY ?c ?label""")
    out = [{"concept": concept_id(r["c"]), "label": r["label"], "papers": r["papers"]} for r in found]
    return sorted(out, key=lambda r: (-r["papers"], r["concept"]))


def stats(reader: Reader) -> dict[str, Any]:
    """Every count includes narrower concepts: a paper using bootstrap counts for resampling and 4.1."""
    return {
        "papers": reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?p a geodm:Paper }")[0]["n"],
        "method_families": _question(reader, "method-usage-by-family"),
        "data_types": per_top_concept(reader, "data-type"),
        "purposes": per_top_concept(reader, "purpose"),
        "per_year_and_journal": _question(reader, "papers-per-year-and-journal"),
        "family_by_data_type": _question(reader, "method-family-by-data-type"),
        "method_cooccurrence": _question(reader, "method-cooccurrence"),
        "report_categories": _question(reader, "report-category-coverage"),
    }


def counts(reader: Reader) -> dict[str, int]:
    """How many papers, method applications, methods and datasets the store holds (the home page)."""
    return reader.select("""SELECT
        (COUNT(DISTINCT ?p) AS ?papers) (COUNT(DISTINCT ?ma) AS ?applications) (COUNT(DISTINCT ?m) AS ?methods)
        (COUNT(DISTINCT ?d) AS ?datasets)
        WHERE { ?p a geodm:Paper . OPTIONAL { ?p geodm:hasMethodApplication ?ma . ?ma geodm:method ?m }
                OPTIONAL { ?p geodm:usesDataset ?d } }""")[0]
