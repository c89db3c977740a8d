"""The catalogue: datasets, natural processes and journals, with how many papers use each."""

from __future__ import annotations

from typing import Any

from geokg.model.vocab import SCHEME, concept_id
from geokg.read.context import Reader
from geokg.store.sparql import iri


def datasets(reader: Reader) -> list[dict[str, Any]]:
    """Catalogued datasets with their data types and the number of papers using each."""
    used = reader.index.counts("dataset:")
    found = reader.select("""SELECT ?id ?name (GROUP_CONCAT(DISTINCT STR(?t); SEPARATOR=" ") AS ?types) WHERE {
          ?d a geodm:Dataset ; dcterms:identifier ?id ; dcterms:title ?name ; geodm:dataType ?t . FILTER(LANG(?name) = "en")
        } GROUP BY ?id ?name""")
    out = [{"id": r["id"], "name": r["name"], "data_types": sorted(concept_id(t) for t in r["types"].split()),
            "papers": used.get(r["id"], 0)} for r in found]
    return sorted(out, key=lambda d: (-d["papers"], d["id"]))


def processes(reader: Reader) -> list[dict[str, Any]]:
    """Natural processes and how many papers study each (narrower processes included)."""
    scheme = SCHEME["process"]
    studied = reader.index.counts(f"{scheme.facet}:")
    found = reader.select(f"SELECT ?x WHERE {{ ?x skos:inScheme {iri(str(scheme.iri))} }}")
    out = []
    for r in found:
        c = reader.concepts.concepts.get(concept_id(r["x"]))
        if c is not None:
            out.append({"id": c.id, "label_en": c.labels.get("en"), "label_zh": c.labels.get("zh"), "papers": studied.get(c.id, 0)})
    return sorted(out, key=lambda x: (-x["papers"], x["id"]))


def journals(reader: Reader) -> list[dict[str, Any]]:
    """Journals with their ISSN and number of papers."""
    published = reader.index.counts("journal:")
    found = reader.select("SELECT ?j ?name ?issn WHERE { ?j a geodm:Journal ; dcterms:title ?name ; prism:issn ?issn }")
    out = [{"id": r["j"].rsplit("/", 1)[-1], "name": r["name"], "issn": r["issn"]} for r in found]
    return sorted(({**j, "papers": published.get(j["id"], 0)} for j in out), key=lambda j: (-j["papers"], j["name"]))
