"""``geokg release VERSION``: a release folder built from the records, or nothing.

The folder is written beside its destination under a temporary name and renamed when every
file is written and checked, so a failed release leaves no half-written folder behind.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from rdflib import OWL, Graph
from rdflib.namespace import VOID

from geokg.load.build import Built, Progress
from geokg.model.vocab import Iris
from geokg.release import citation, content
from geokg.release.describe import Creator, Release, check_description, description, statistics
from geokg.release.diff import Changes, changes_between, changes_markdown
from geokg.release.files import (
    CHANGES_JSON,
    CHANGES_MD,
    CITATION,
    EXTENSION,
    EXTENSION_PART,
    SUMS,
    ReleaseError,
    verify_release,
    write_sums,
)
from geokg.release.files import VOID_TTL as VOID_FILE

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
DEFAULT_CREATOR = "GeoKG contributors"


def release_version(folder: Path) -> str:
    """The version a release folder describes (its void.ttl's ``owl:versionInfo``)."""
    g = Graph().parse(folder / VOID_FILE, format="turtle")
    for ds in g.subjects(None, VOID.Dataset):
        version = g.value(ds, OWL.versionInfo)
        if version is not None:
            return str(version)
    raise ReleaseError(f"{folder / VOID_FILE}: no void:Dataset with owl:versionInfo")


def build_release(
    version: str,
    out: Path,
    *,
    previous: Path | None = None,
    loaders: Path | None = None,
    iris: Iris | None = None,
    creators: list[str] | None = None,
    issued: str | None = None,
    endpoint: str | None = None,
    progress: Callable[[Progress], Iterable[Built]] = lambda it: it,
    step: Callable[[str], None] = lambda message: None,
) -> Changes:
    """Write release ``version`` of the records to ``out``; returns what changed since ``previous``.

    :raises ReleaseError: a bad version or date, the previous release not intact, concepts of the
        previous release gone without deprecation, or a description that breaks its shapes
    :raises ValidationFailed: a record is invalid (nothing is released)
    """
    iris = iris or Iris()
    if not VERSION.match(version):
        raise ReleaseError(f"version {version!r}: letters, digits, '.', '_', '+' and '-' only (e.g. 1.0.0 or 2026-01-15)")
    issued = issued or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        dt.date.fromisoformat(issued)
    except ValueError:
        raise ReleaseError(f"date {issued!r}: not YYYY-MM-DD") from None
    try:
        people = [Creator.parse(c) for c in (creators or [DEFAULT_CREATOR])]
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    previous_version = None
    if previous is not None:
        problems = verify_release(previous)
        if problems:
            raise ReleaseError(f"the previous release {previous} is not intact: " + "; ".join(problems))
        previous_version = release_version(previous)
        if previous_version == version:
            raise ReleaseError(f"the previous release {previous} is already version {version}")
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} exists and is not empty: a release is never overwritten")

    work = out.with_name(f".{out.name}.part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        step("loading and checking the records")
        ontologies = content.ontologies(version)
        store = content.data_store(loaders, iris, ontologies, progress)
        step("writing the ontology, dumps, papers and mappings")
        content.write_ontologies(ontologies, work)
        content.write_dumps(store, work)
        titles = content.write_papers(store, iris, work, version)
        content.write_mappings(work)
        step("comparing with the previous release" if previous else "listing the first release's contents")
        changes = changes_between(previous, work, version, previous_version)
        if changes.concepts.vanished:
            raise ReleaseError(f"concepts of release {previous_version} are gone without deprecation (keep them with "
                               f"owl:deprecated true and dcterms:isReplacedBy): {', '.join(changes.concepts.vanished)}")
        if changes.concepts.dangling:
            raise ReleaseError(f"deprecated concepts replaced by no concept (dcterms:isReplacedBy): {', '.join(changes.concepts.dangling)}")
        (work / CHANGES_JSON).write_text(changes.as_json(), encoding="utf-8")
        (work / CHANGES_MD).write_text(changes_markdown(changes, titles), encoding="utf-8")
        found = content.sources(store, iris)
        release = Release(version, issued, iris, people, [s for s, _ in found], content.license_of(store),
                          endpoint or f"{iris.base}sparql", previous_version,
                          [EXTENSION_PART] if EXTENSION in ontologies else [])
        cff = citation.citation(release, [t for _, t in found])
        (work / CITATION).write_text(citation.dump(cff), encoding="utf-8")
        cff_problems = citation.citation_problems(yaml.safe_load((work / CITATION).read_text(encoding="utf-8")))
        if cff_problems:
            raise ReleaseError(f"{CITATION}: " + "; ".join(cff_problems))
        step("describing the release (VoID + DCAT) and checking the description")
        graph = description(release, statistics(store, iris), work)
        broken = check_description(graph, VOID_FILE)
        if broken:
            raise ReleaseError(f"{VOID_FILE} breaks shapes/release.ttl: " + "; ".join(str(p) for p in broken))
        (work / VOID_FILE).write_text(graph.serialize(format="turtle"), encoding="utf-8")
        write_sums(work, [p.name for p in work.iterdir() if p.name != SUMS])
        store.close()
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return changes
