"""The files of a release folder, their checksums, and their verification.

``SHA256SUMS`` (the format ``sha256sum -c`` reads) lists every other file; the VoID description
repeats each checksum as ``spdx:checksum`` of its distribution. A release is intact when every
listed file is there with its checksum and both lists agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT

from geokg.errors import GeoKGError

SPDX = Namespace("http://spdx.org/rdf/terms#")

ONTOLOGY = "geokg-ontology.ttl"
EXTENSION = "geokg-vocabulary.ttl"
NQUADS = "geokg-data.nq.gz"
TRIG = "geokg-data.trig.gz"
PAPERS_JSONLD = "geokg-papers.jsonld"
PAPERS_JSON = "geokg-papers.json"
MAPPINGS = "geokg-mappings.sssom.tsv"
VOID_TTL = "void.ttl"
CHANGES_MD = "CHANGES.md"
CHANGES_JSON = "changes.json"
CITATION = "CITATION.cff"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Part:
    name: str
    media_type: str
    title: str
    compression: str | None = None
    """Media type of the compression (DCAT ``dcat:compressFormat``), for compressed files."""


#: What a release holds besides its description and SHA256SUMS (and :data:`EXTENSION_PART`).
PARTS: tuple[Part, ...] = (
    Part(ONTOLOGY, "text/turtle", "The GeoDM ontology and concept schemes (OWL 2 DL + SKOS), versioned"),
    Part(NQUADS, "application/n-quads", "All graphs as N-Quads (one named graph per paper)", "application/gzip"),
    Part(TRIG, "application/trig", "All graphs as TriG (one named graph per paper)", "application/gzip"),
    Part(PAPERS_JSONLD, "application/ld+json", "The papers' graphs as JSON-LD"),
    Part(PAPERS_JSON, "application/json", "The papers as the REST API represents them (GET /papers/{doi})"),
    Part(MAPPINGS, "text/tab-separated-values", "Mappings to other vocabularies (SSSOM/TSV)"),
    Part(CHANGES_MD, "text/markdown", "What changed since the previous release"),
    Part(CHANGES_JSON, "application/json", "What changed since the previous release, machine-readable"),
    Part(CITATION, "application/x-yaml", "How to cite this release (Citation File Format 1.2.0)"),
)


#: The project's vocabulary extension, in the releases of projects that have one.
EXTENSION_PART = Part(EXTENSION, "text/turtle", "The project's vocabulary extension (SKOS concepts)")


class ReleaseError(GeoKGError):
    """A release folder is incomplete, corrupted, or cannot be built."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_sums(folder: Path, names: list[str]) -> None:
    lines = [f"{sha256(folder / name)}  {name}\n" for name in sorted(names)]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def read_sums(folder: Path) -> dict[str, str]:
    """File name → SHA-256 from SHA256SUMS.

    :raises ReleaseError: the file is missing or a line is malformed
    """
    path = folder / SUMS
    if not path.is_file():
        raise ReleaseError(f"{path}: missing (not a release folder?)")
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        name = name.lstrip("*")
        if len(digest) != 64 or not name or "/" in name or name.startswith("."):
            raise ReleaseError(f"{path}:{number}: not a '<sha256>  <file>' line")
        sums[name] = digest
    return sums


def verify_release(folder: Path) -> list[str]:
    """Problems of a release folder: each missing or corrupted file named; [] when intact."""
    try:
        sums = read_sums(folder)
    except ReleaseError as exc:
        return [str(exc)]
    problems = []
    for name, digest in sorted(sums.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: corrupted (its SHA-256 differs from {SUMS})")
    if VOID_TTL not in sums:
        problems.append(f"{VOID_TTL}: not listed in {SUMS}")
    if problems:
        return problems
    try:
        described = described_checksums(folder / VOID_TTL)
    except Exception as exc:  # rdflib raises many kinds of parse errors
        return [f"{VOID_TTL}: not readable Turtle: {exc}"]
    for name in sorted(set(sums) - {VOID_TTL}):
        if described.get(name) != sums[name]:
            problems.append(f"{name}: its checksum in {VOID_TTL} differs from {SUMS}")
    for name in sorted(set(described) - set(sums)):
        problems.append(f"{name}: described in {VOID_TTL} but not listed in {SUMS}")
    return problems


def described_checksums(path: Path) -> dict[str, str]:
    """File name → SHA-256 as a description (void.ttl) states them."""
    g = Graph().parse(path, format="turtle")
    out = {}
    for dist, checksum in g.subject_objects(SPDX.checksum):
        url = g.value(dist, DCAT.downloadURL)
        value = g.value(checksum, SPDX.checksumValue)
        if url is not None and value is not None:
            out[str(url).rsplit("/", 1)[-1]] = str(value)
    return out
