"""``geokg load --release DIR``: a release folder loaded as it is, or not at all.

Every file's checksum is verified first, then the N-Quads are read whole and the description
checked; only then does the store change: it then holds exactly the release's graphs, and the
description in its own graph (which the service shows as its release).
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import VOID

from geokg.load.write import write_graphs
from geokg.model.vocab import Iris
from geokg.release.build import release_version
from geokg.release.describe import check_description
from geokg.release.files import NQUADS, ReleaseError, verify_release
from geokg.release.files import VOID_TTL as VOID_FILE
from geokg.store import Store


@dataclass
class LoadedRelease:
    version: str
    graphs: int
    quads: int
    dropped: int


def read_graphs(path: Path) -> tuple[dict[str, list[str]], int]:
    """Graph IRI → N-Triples lines of a gzipped N-Quads dump; quads in no named graph are refused."""
    graphs: dict[str, list[str]] = defaultdict(list)
    count = 0
    try:
        with gzip.open(path, "rb") as handle:
            for quad in ox.parse(cast(IO[bytes], handle), format=ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise ReleaseError(f"{path.name}: a quad outside any named graph: {quad}")
                graphs[quad.graph_name.value].append(f"{quad.subject} {quad.predicate} {quad.object} .")
                count += 1
    except (OSError, EOFError, SyntaxError, ValueError) as exc:
        raise ReleaseError(f"{path.name}: not readable N-Quads: {exc}") from None
    return graphs, count


def load_release(store: Store, folder: Path, iris: Iris) -> LoadedRelease:
    """Replace the store's content by a release folder's.

    :raises ReleaseError: a file is missing or corrupted (each named), the data or description
        are unreadable, or the release was built for another base IRI; nothing was changed
    """
    problems = verify_release(folder)
    if problems:
        raise ReleaseError(f"{folder} is not an intact release, nothing was loaded:\n  " + "\n  ".join(problems))
    try:
        description = Graph().parse(folder / VOID_FILE, format="turtle")
    except Exception as exc:
        raise ReleaseError(f"{VOID_FILE}: not readable Turtle: {exc}") from None
    shape_problems = check_description(description, VOID_FILE)
    if shape_problems:
        raise ReleaseError(f"{VOID_FILE} breaks shapes/release.ttl, nothing was loaded: " + "; ".join(map(str, shape_problems)))
    spaces = {str(o) for o in description.objects(None, VOID.uriSpace)}
    if spaces and iris.base not in spaces:
        raise ReleaseError(f"the release was built for base IRI {', '.join(sorted(spaces))}, the store uses {iris.base} "
                           "(set GEOKG_BASE_IRI)")
    version = release_version(folder)
    graphs, quads = read_graphs(folder / NQUADS)
    if str(iris.release_graph) in graphs:
        raise ReleaseError(f"{NQUADS}: holds the graph {iris.release_graph}, which is the release description's own")
    texts = {g: "\n".join(lines) + "\n" for g, lines in graphs.items()}
    texts[str(iris.release_graph)] = description.serialize(format="nt")
    existing = store.graph_names()
    stale = sorted(existing - set(texts))
    write_graphs(store, {g: t for g, t in texts.items() if g in existing}, drop=stale)
    # Graphs new to the store are added as N-Quads loads: several times faster than updates.
    fresh = [g for g in texts if g not in existing]
    for start in range(0, len(fresh), ADD_BATCH):
        store.add_graphs({g: texts[g] for g in fresh[start : start + ADD_BATCH]})
    return LoadedRelease(version, len(graphs), quads, len(stale))


#: How many new graphs go into one transaction.
ADD_BATCH = 1000
