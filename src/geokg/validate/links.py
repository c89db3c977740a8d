"""Links to external ontologies: SSSOM mapping tables, checked against local copies of the targets.

- ``ontology/mappings/*.sssom.tsv`` are read and validated with sssom-py; their prefixes expand
  with curies (GeoKG keeps its own prefix map: bioregistry's SWEET prefixes do not round-trip).
- Every mapped IRI must exist in the local copy of its ontology and not be deprecated there;
  the copies live in ``GEOKG_ONTOLOGIES`` (default: ``shared/ontologies`` beside the checkout).
- Mappings load as ``skos:*Match`` triples in their own named graph.
- :func:`suggest` proposes candidate rows by lexical matching, for a curator to accept.
"""

from __future__ import annotations

import csv
import difflib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import curies
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from geokg import resources
from geokg.errors import RecordError
from geokg.model.text import normalise
from geokg.model.vocab import DEFAULT_BASE, GKC, GKD

log = logging.getLogger(__name__)

NO_TERM = "https://w3id.org/sssom/NoTermFound"
PREDICATES = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
GCMD = "https://gcmd.earthdata.nasa.gov/kms/concept/"
OBO_PURL = "http://purl.obolibrary.org/obo/"
OBO_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)"')


def mapping_files() -> list[Path]:
    return sorted(resources.mappings_dir().glob("*.sssom.tsv"))


@dataclass
class MappingRow:
    line: int
    subject: str
    predicate: str
    object: str
    justification: str
    confidence: float | None
    source: str


@dataclass
class MappingTable:
    path: Path
    converter: curies.Converter
    rows: list[MappingRow] = field(default_factory=list)


def read_table(path: Path) -> MappingTable:
    """Read an embedded-metadata SSSOM/TSV with sssom-py, expanding CURIEs with its own map."""
    from sssom.parsers import parse_sssom_table

    msdf = parse_sssom_table(path)
    converter = curies.Converter.from_prefix_map(msdf.converter.prefix_map)
    header_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")) + 1
    table = MappingTable(path, converter)
    for i, row in enumerate(msdf.df.to_dict("records")):
        def expand(curie: str) -> str:
            return converter.expand(curie) or curie

        confidence = row.get("confidence")
        table.rows.append(MappingRow(
            line=header_lines + i + 1, subject=expand(row["subject_id"]), predicate=expand(row["predicate_id"]),
            object=expand(row["object_id"]), justification=row.get("mapping_justification", ""),
            confidence=float(confidence) if confidence not in (None, "") and confidence == confidence else None,
            source=str(row.get("object_source") or "")))
    return table


def schema_problems(path: Path) -> list[RecordError]:
    """SSSOM schema validation (sssom-py's JSON-schema validator)."""
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    try:
        msdf = parse_sssom_table(path)
        results = validate(msdf, fail_on_error=False)
    except Exception as exc:
        return [RecordError(str(path), "", f"not a valid SSSOM table: {exc}")]
    out = []
    for report in (results or {}).values():
        for result in getattr(report, "results", []) or []:
            out.append(RecordError(str(path), "", f"SSSOM schema: {getattr(result, 'message', result)}"))
    return out


# --- the local copies of the target ontologies ---------------------------------------------


@dataclass
class Vocabulary:
    """IRIs declared by an ontology file, those deprecated, and their labels (for suggestions)."""

    terms: set[str] = field(default_factory=set)
    deprecated: set[str] = field(default_factory=set)
    labels: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # iri → (label, preferred)


def _from_graph(graph: Graph, vocab: Vocabulary) -> None:
    for s in set(graph.subjects(RDF.type, None)):
        if isinstance(s, URIRef):
            vocab.terms.add(str(s))
    for s in graph.subjects(OWL.deprecated, Literal(True)):
        vocab.deprecated.add(str(s))
    for prop, preferred in ((RDFS.label, True), (SKOS.prefLabel, True), (SKOS.altLabel, False),
                            (URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"), False)):
        for s, label in graph.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(label, Literal) and (label.language in (None, "en")):
                vocab.labels.setdefault(str(s), []).append((str(label), preferred))


def _from_obo(path: Path, vocab: Vocabulary) -> None:
    """Stanzas of an OBO file (id, name, synonyms, is_obsolete); pronto 2.7 rejects ENVO's release."""
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = None
        elif line.startswith("id: ") and current is None:
            local = line[4:].strip()
            if ":" in local:
                prefix, rest = local.split(":", 1)
                current = f"{OBO_PURL}{prefix}_{rest}"
                vocab.terms.add(current)
        elif current and line.startswith("name: "):
            vocab.labels.setdefault(current, []).append((line[6:].strip(), True))
        elif current and line.startswith("synonym: "):
            match = OBO_SYNONYM.match(line)
            if match:
                vocab.labels.setdefault(current, []).append((match[1], False))
        elif current and line.strip() == "is_obsolete: true":
            vocab.deprecated.add(current)


def _from_gcmd(path: Path, vocab: Vocabulary) -> None:
    with path.open(encoding="utf-8", errors="replace") as handle:
        next(handle)  # the version line
        for row in csv.DictReader(handle):
            uuid = (row.get("UUID") or "").strip()
            if uuid:
                iri = GCMD + uuid
                vocab.terms.add(iri)
                path_parts = [v for k, v in row.items() if k != "UUID" and v]
                if path_parts:
                    vocab.labels.setdefault(iri, []).append((path_parts[-1].title(), True))


def read_vocabulary(path: Path) -> Vocabulary:
    """Index one ontology file: OWL/TTL/RDF-XML (rdflib), OBO, or a GCMD keyword CSV."""
    vocab = Vocabulary()
    if path.suffix == ".obo":
        _from_obo(path, vocab)
    elif path.suffix == ".csv":
        _from_gcmd(path, vocab)
    else:
        graph = Graph()
        graph.parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
        _from_graph(graph, vocab)
    return vocab


#: Files of the local copies that define each vocabulary's terms (stato.owl is OWL/XML: its
#: Turtle derivative and the OBI import are read instead).
SOURCES = ("stato/stato-1.5-dev.derived.ttl", "stato/obi_import.owl", "envo/envo.obo", "edam/EDAM_stable.owl",
           "mls/MLSchema.ttl", "w3c/sosa.ttl", "gcmd/sciencekeywords.csv", "gcmd/platforms.csv", "gcmd/instruments.csv")


@lru_cache(maxsize=2)
def external_index(folder: str) -> Vocabulary:
    """Every term of every local copy, merged (read once per process)."""
    root = Path(folder)
    merged = Vocabulary()
    files = [root / s for s in SOURCES] + sorted((root / "sweet").glob("*.ttl"))
    for path in files:
        if not path.is_file():
            continue
        vocab = read_vocabulary(path)
        merged.terms |= vocab.terms
        merged.deprecated |= vocab.deprecated
        for iri, labels in vocab.labels.items():
            merged.labels.setdefault(iri, []).extend(labels)
    return merged


def link_problems(tables: list[MappingTable], known_subjects: set[str], index: Vocabulary) -> list[RecordError]:
    """Every broken row: unknown prefix, unknown subject, object not in its ontology or deprecated,
    two exact matches of one concept into one vocabulary."""
    out = []
    for table in tables:
        exact: dict[tuple[str, str], MappingRow] = {}
        for row in table.rows:
            where = f"row at line {row.line}"
            for value in (row.subject, row.predicate, row.object):
                if not value.startswith(("http://", "https://")):
                    out.append(RecordError(str(table.path), where, f"{value!r} has a prefix the table's curie_map does not define"))
            if URIRef(row.predicate) not in PREDICATES:
                out.append(RecordError(str(table.path), where, f"predicate {row.predicate} is not a SKOS mapping property"))
            if row.subject not in known_subjects:
                out.append(RecordError(str(table.path), where, f"subject {row.subject} is not a GeoKG concept or dataset"))
            if row.object == NO_TERM or not row.object.startswith(("http://", "https://")):
                continue
            if row.object not in index.terms:
                out.append(RecordError(str(table.path), where, f"object {row.object} does not exist in the local copy of its ontology"))
            elif row.object in index.deprecated:
                out.append(RecordError(str(table.path), where, f"object {row.object} is deprecated in its ontology"))
            if row.predicate == str(SKOS.exactMatch):
                key = (row.subject, row.source)
                if key in exact and exact[key].object != row.object:
                    out.append(RecordError(str(table.path), where, f"{row.subject} already has exactMatch {exact[key].object} "
                                                                   f"in {row.source} (line {exact[key].line})"))
                exact.setdefault(key, row)
    return out


def mapping_graph(tables: list[MappingTable]) -> Graph:
    """The mappings as skos:*Match triples (NoTermFound rows add nothing)."""
    g = Graph()
    for table in tables:
        for row in table.rows:
            if row.object != NO_TERM and URIRef(row.predicate) in PREDICATES:
                g.add((URIRef(row.subject), URIRef(row.predicate), URIRef(row.object)))
    return g


# --- suggestions -------------------------------------------------------------------------


@dataclass
class Suggestion:
    subject: str
    subject_label: str
    object: str
    object_label: str
    confidence: float


def suggest(concepts: dict[str, list[tuple[str, bool]]], vocab: Vocabulary, minimum: float = 0.8) -> list[Suggestion]:
    """Candidate exact matches by label: equal normalised labels (preferred 0.95, synonyms 0.9),
    equal after sorting words (0.85), or close spelling (difflib ratio ≥ 0.92, scaled)."""
    targets: dict[str, list[tuple[str, str, bool]]] = {}
    for iri, labels in vocab.labels.items():
        if iri in vocab.deprecated:
            continue
        for label, preferred in labels:
            norm = normalise(label)
            if len(norm) >= 3:
                targets.setdefault(norm, []).append((iri, label, preferred))
    keys = list(targets)
    out: dict[tuple[str, str], Suggestion] = {}
    for subject, labels in concepts.items():
        for label, preferred in labels:
            norm = normalise(label)
            if len(norm) < 3 or not norm.isascii():
                continue
            candidates: list[tuple[str, float]] = []
            if norm in targets:
                candidates.append((norm, 0.95 if preferred else 0.9))
            sorted_words = " ".join(sorted(norm.split()))
            candidates += [(k, 0.85) for k in keys if k != norm and " ".join(sorted(k.split())) == sorted_words]
            if not candidates:
                candidates += [(k, round(0.8 * difflib.SequenceMatcher(None, norm, k).ratio() / 0.92, 3))
                               for k in difflib.get_close_matches(norm, keys, n=3, cutoff=0.92)]
            for key, score in candidates:
                for iri, target_label, target_preferred in targets[key]:
                    confidence = round(score if target_preferred else score - 0.05, 3)
                    if confidence >= minimum and out.get((subject, iri), Suggestion("", "", "", "", 0)).confidence < confidence:
                        out[(subject, iri)] = Suggestion(subject, label, iri, target_label, confidence)
    return sorted(out.values(), key=lambda s: (-s.confidence, s.subject, s.object))


# --- command-line helpers ----------------------------------------------------------------


def geokg_labels() -> dict[str, list[tuple[str, bool]]]:
    """Every concept and dataset of GeoKG with its English labels (preferred first)."""
    from geokg.model.ontology import read_ontology
    from geokg.model.records import load_datasets

    graph = read_ontology()
    out: dict[str, list[tuple[str, bool]]] = {}
    for prop, preferred in ((SKOS.prefLabel, True), (SKOS.altLabel, False)):
        for s, label in graph.subject_objects(prop):
            if isinstance(label, Literal) and label.language == "en" and (s, SKOS.inScheme, None) in graph:
                out.setdefault(str(s), []).append((str(label), preferred))
    problems: list[RecordError] = []
    for dataset in load_datasets(resources.datasets_dir(), problems).values():
        out.setdefault(str(GKD[dataset.id]), []).append((dataset.name.en, True))
    return out


def suggestions_table(path: Path, minimum: float) -> tuple[str, int]:
    """Candidate mappings against one ontology file, as an SSSOM/TSV text for a curator."""
    found = suggest(geokg_labels(), read_vocabulary(path), minimum)
    converter = curies.Converter.from_prefix_map({"gkc": str(GKC), "gkd": str(GKD)})
    lines = ["# curie_map:", f"#   gkc: {GKC}", f"#   gkd: {GKD}",
             "#   semapv: https://w3id.org/semapv/vocab/", "#   skos: http://www.w3.org/2004/02/skos/core#",
             f"# mapping_set_id: {DEFAULT_BASE}mappings/suggested/{path.name}",
             "# license: https://creativecommons.org/licenses/by/4.0/",
             "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence"]
    for s in found:
        subject = converter.compress(s.subject) or s.subject
        lines.append(f"{subject}\t{s.subject_label}\tskos:exactMatch\t<{s.object}>\t{s.object_label}\tsemapv:LexicalMatching\t{s.confidence}")
    return "\n".join(lines) + "\n", len(found)


def export_mappings(fmt: str, output: Path | None) -> None:
    """Write all mapping tables as one SSSOM TSV or JSON (sssom-py writers)."""
    import sys

    from sssom.parsers import parse_sssom_table
    from sssom.writers import write_json, write_tsv

    msdfs = [parse_sssom_table(p) for p in mapping_files()]
    msdf = msdfs[0]
    for other in msdfs[1:]:
        msdf = msdf.merge(other)
    writer = write_json if fmt == "json" else write_tsv
    if output:
        with output.open("w", encoding="utf-8") as handle:
            writer(msdf, handle)
    else:
        writer(msdf, sys.stdout)
