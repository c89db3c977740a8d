"""Concepts: lookup by label, one concept with its neighbours and papers, external IRIs, trees."""

from __future__ import annotations

from typing import Any

from geokg.errors import InvalidInput, NotFound
from geokg.model.vocab import SCHEME, SCHEMES, concept_id
from geokg.read.context import Reader
from geokg.read.papers import papers_using
from geokg.store.sparql import iri

#: The SKOS mapping properties that link GeoKG concepts to other vocabularies.
MATCHES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch")


def ref(reader: Reader, concept_iri: str) -> dict[str, Any]:
    """A concept by IRI as id and labels (for lists and links)."""
    cid = concept_id(concept_iri)
    c = reader.concepts.concepts.get(cid)
    return {"id": cid, "label_en": c.labels.get("en") if c else None, "label_zh": c.labels.get("zh") if c else None}


def search(reader: Reader, q: str, scheme: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """Concepts whose labels match ``q`` (English or Chinese, any case, abbreviations, close spellings), best first."""
    if scheme is not None and scheme not in SCHEME:
        raise InvalidInput(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEME)}")
    if not q.strip():
        raise InvalidInput("give q (a label) or iri (an external IRI)")
    return [{"id": m.concept.id, "iri": m.concept.iri, "scheme": m.concept.scheme, "label_en": m.concept.labels.get("en"),
             "label_zh": m.concept.labels.get("zh"), "score": m.score, "matched": m.matched}
            for m in reader.concepts.search(q, scheme, limit)]


def resolve_external(reader: Reader, external: str) -> list[dict[str, Any]]:
    """GeoKG concepts mapped to an external IRI (STATO, SWEET, Wikidata, …), exact matches first."""
    try:
        term = iri(external)
    except ValueError:
        raise InvalidInput(f"not an IRI: {external!r}") from None
    found = reader.select(f"SELECT DISTINCT ?c ?rel WHERE {{ VALUES ?rel {{ {' '.join(MATCHES)} }} ?c ?rel {term} }}")
    out = []
    for row in found:
        concept = reader.concepts.concepts.get(concept_id(row["c"]))
        if concept:
            out.append({"id": concept.id, "iri": concept.iri, "scheme": concept.scheme, "label_en": concept.labels.get("en"),
                        "label_zh": concept.labels.get("zh"), "score": 1.0 if row["rel"].endswith("exactMatch") else 0.8,
                        "matched": row["rel"].rsplit("#", 1)[-1]})
    return sorted(out, key=lambda h: -h["score"])


def detail(reader: Reader, cid: str, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """Labels, definition, broader and narrower concepts, external matches, and one page of the papers
    that use the concept or any narrower one (with their total)."""
    concept = reader.concepts.concepts.get(cid)
    if concept is None:
        raise NotFound(f"no concept {cid!r}; search with /concepts?q=")
    term = iri(concept.iri)
    links = reader.select(f"""SELECT ?rel ?other WHERE {{
          {{ {term} skos:broader ?other BIND("broader" AS ?rel) }} UNION {{ ?other skos:broader {term} BIND("narrower" AS ?rel) }}
          UNION {{ VALUES ?match {{ {' '.join(MATCHES)} }} {term} ?match ?other BIND(STR(?match) AS ?rel) }}
        }}""")
    total, papers = papers_using(reader, concept.id, page, per_page)
    return {
        "id": concept.id, "iri": concept.iri, "scheme": concept.scheme, "labels": concept.labels,
        "alt_labels": [{"lang": lang, "label": label} for lang, label in concept.alt], "definition": concept.definition,
        "notation": concept.notation or None,
        "broader": [ref(reader, r["other"]) for r in links if r["rel"] == "broader"],
        "narrower": [ref(reader, r["other"]) for r in links if r["rel"] == "narrower"],
        "external_matches": [{"relation": r["rel"].rsplit("#", 1)[-1], "iri": r["other"]} for r in links if r["rel"].startswith("http")],
        "total": total, "page": page, "per_page": per_page, "papers": papers,
    }


def section_key(notation: str | None) -> tuple[int, ...]:
    """4.2 before 4.10: notations sort as numbers."""
    return tuple(int(x) for x in (notation or "0").split(".") if x.isdigit())


def tree(reader: Reader, key: str) -> list[dict[str, Any]]:
    """The concepts of one scheme as a forest, each node with the papers using it or a narrower concept."""
    scheme = SCHEME.get(key)
    if scheme is None or not scheme.browse:
        raise NotFound(f"no concept tree {key!r}; choose one of {', '.join(s.key for s in SCHEMES if s.browse)}")
    scheme_iri = iri(str(scheme.iri))
    links = reader.select(f"SELECT ?c ?b WHERE {{ ?c skos:inScheme {scheme_iri} OPTIONAL {{ ?c skos:broader ?b }} }}")
    # Papers per concept, narrower ones included: kept by the side index as the facet's counts.
    per_concept = reader.index.counts(f"{scheme.facet}:")
    counts = {r["c"]: per_concept.get(concept_id(r["c"]), 0) for r in links}
    nodes: dict[str, dict[str, Any]] = {}
    for r in links:
        cid = concept_id(r["c"])
        concept = reader.concepts.concepts.get(cid)
        labels = concept.labels if concept else {}
        nodes.setdefault(r["c"], {"id": cid, "label_en": labels.get("en", cid), "label_zh": labels.get("zh"),
                                  "notation": concept.notation if concept else "", "papers": counts.get(r["c"], 0),
                                  "children": [], "parents": []})
        if "b" in r:
            nodes[r["c"]]["parents"].append(r["b"])
    roots = []
    for node in nodes.values():
        parents = [p for p in node["parents"] if p in nodes]
        for p in parents:
            nodes[p]["children"].append(node)
        if not parents:
            roots.append(node)

    def order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items.sort(key=lambda n: (section_key(n["notation"]) if n["notation"] else (999,), -n["papers"], n["label_en"].lower()))
        for n in items:
            order(n["children"])
        return items

    return order(roots)


def external_matches(reader: Reader, concept_iris: set[str]) -> list[dict[str, str]]:
    """The mappings of several concepts (or datasets) to external vocabularies: (concept, relation, target)."""
    if not concept_iris:
        return []
    found = reader.select(f"""SELECT ?c ?rel ?target WHERE {{
        VALUES ?c {{ {' '.join(iri(c) for c in sorted(concept_iris))} }}
        VALUES ?rel {{ {' '.join(MATCHES)} }}
        ?c ?rel ?target }} ORDER BY ?c ?rel ?target""")
    return [{"concept": r["c"], "relation": r["rel"].rsplit("#", 1)[-1], "target": r["target"]} for r in found]
