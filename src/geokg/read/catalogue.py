"""The catalogue: datasets, natural processes and journals, with how many papers use each."""

from __future__ import annotations

from typing import Any

from geokg.model.vocab import SCHEME, concept_id
from geokg.read.context import Reader
from geokg.store.sparql import iri


def datasets(reader: Reader) -> list[dict[str, Any]]:
    """Catalogued datasets with their data types and the number of papers using each."""
    found = reader.select("""SELECT ?d ?id ?name (GROUP_CONCAT(DISTINCT STR(?t); SEPARATOR=" ") AS ?types)
        (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?d a geodm:Dataset ; dcterms:identifier ?id ; dcterms:title ?name ; geodm:dataType ?t . FILTER(LANG(?name) = "en")
          OPTIONAL { ?paper geodm:usesDataset ?d } } GROUP BY ?d ?id ?name ORDER BY DESC(?papers) ?id""")
    return [{"id": r["id"], "name": r["name"], "data_types": sorted(concept_id(t) for t in r["types"].split()),
             "papers": r["papers"]} for r in found]


def processes(reader: Reader) -> list[dict[str, Any]]:
    """Natural processes and how many papers study each (narrower processes included)."""
    scheme = SCHEME["process"]
    found = reader.select(f"""SELECT ?x (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
          ?x skos:inScheme {iri(str(scheme.iri))} .
          OPTIONAL {{ ?y skos:broader* ?x . ?paper {scheme.paper_path} ?y }} }} GROUP BY ?x""")
    out = []
    for r in found:
        c = reader.concepts.concepts.get(concept_id(r["x"]))
        if c is not None:
            out.append({"id": c.id, "label_en": c.labels.get("en"), "label_zh": c.labels.get("zh"), "papers": r["papers"]})
    return sorted(out, key=lambda x: (-x["papers"], x["id"]))


def journals(reader: Reader) -> list[dict[str, Any]]:
    """Journals with their ISSN and number of papers."""
    found = reader.select("""SELECT ?j ?name ?issn (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?j a geodm:Journal ; dcterms:title ?name ; prism:issn ?issn . OPTIONAL { ?paper geodm:publishedIn ?j } }
          GROUP BY ?j ?name ?issn ORDER BY DESC(?papers) ?name""")
    return [{"id": r["j"].rsplit("/", 1)[-1], "name": r["name"], "issn": r["issn"], "papers": r["papers"]} for r in found]
