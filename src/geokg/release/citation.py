"""CITATION.cff of a release (Citation File Format 1.2.0: https://citation-file-format.github.io/)."""

from __future__ import annotations

from typing import Any

import yaml

from geokg.release.describe import Release

#: Licence IRIs GeoKG uses → SPDX identifiers (what CFF's ``license`` takes).
SPDX_IDS = {
    "https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0-1.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC-BY-SA-4.0",
}
REQUIRED = ("cff-version", "message", "title", "authors")


def citation(release: Release, source_titles: list[str]) -> dict[str, Any]:
    """The CFF document (a dict, as YAML would load it)."""
    authors: list[dict[str, str]] = []
    for c in release.creators:
        if c.orcid:
            given, _, family = c.name.rpartition(" ")  # "Ada Lovelace": given names first, family name last
            person = {"family-names": family, "given-names": given}
            authors.append({k: v for k, v in {**person, "orcid": c.orcid}.items() if v})
        else:
            authors.append({"name": c.name})
    doc: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this release of GeoKG, please cite it as below.",
        "type": "dataset",
        "title": f"GeoKG: a knowledge graph of geoscience data mining, release {release.version}",
        "version": release.version,
        "date-released": release.issued,
        "authors": authors,
        "url": str(release.iri),
        "identifiers": [{"type": "url", "value": str(release.iri), "description": "This release"}],
        "keywords": ["knowledge graph", "geoscience", "data mining", "SPARQL", "ontology"],
        "abstract": "Which geoscience papers apply which data-mining methods, for what purpose, on which data: "
                    "a validated RDF knowledge graph with an OWL + SKOS ontology"
                    + (f", derived from: {'; '.join(source_titles)}." if source_titles else "."),
    }
    spdx = SPDX_IDS.get(release.license)
    if spdx:
        doc["license"] = spdx
    else:
        doc["license-url"] = release.license
    return doc


def citation_problems(doc: Any) -> list[str]:
    """What keeps a loaded CITATION.cff from being CFF 1.2.0: the required keys and their forms."""
    if not isinstance(doc, dict):
        return ["not a YAML mapping"]
    problems = [f"missing {key}" for key in REQUIRED if key not in doc]
    if doc.get("cff-version") != "1.2.0":
        problems.append("cff-version must be 1.2.0")
    authors = doc.get("authors")
    if not isinstance(authors, list) or not authors:
        problems.append("authors: a non-empty list")
    else:
        for i, a in enumerate(authors, 1):
            if not isinstance(a, dict) or not (a.get("name") or a.get("family-names") or a.get("given-names")):
                problems.append(f"authors[{i}]: a person (family-names/given-names) or an entity (name)")
    date = str(doc.get("date-released", ""))
    if date and not (len(date) == 10 and date[4] == date[7] == "-" and date.replace("-", "").isdigit()):
        problems.append("date-released must be YYYY-MM-DD")
    if doc.get("type", "software") not in ("software", "dataset"):
        problems.append("type must be software or dataset")
    return problems


def dump(doc: dict[str, Any]) -> str:
    return "# Citation File Format 1.2.0 (https://citation-file-format.github.io/)\n" + yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False, width=100)
