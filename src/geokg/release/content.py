"""The contents of a release: the records loaded (and checked) into a scratch store, the
ontology with its version IRI, the dumps, the papers as JSON-LD and JSON, the mappings."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import OWL, Graph, Literal, URIRef

from geokg import resources
from geokg.errors import ValidationFailed
from geokg.load.build import Built, Progress
from geokg.load.corpus import load_corpus
from geokg.model.extension import read_extension
from geokg.model.vocab import ONTOLOGY_IRI, Iris
from geokg.read.context import Reader
from geokg.read.entities import PREFIXES
from geokg.read.papers import paper_details
from geokg.release.files import EXTENSION, MAPPINGS, NQUADS, ONTOLOGY, PAPERS_JSON, PAPERS_JSONLD, TRIG
from geokg.store.embedded import EmbeddedStore
from geokg.store.results import as_bytes, rows
from geokg.store.sparql import iri
from geokg.validate.links import export_mappings


def ontologies(version: str) -> dict[str, Graph]:
    """The ontologies a release carries, by file name: GeoKG's with ``owl:versionIRI`` and
    ``owl:versionInfo`` of the release, and the project's vocabulary extension when it has one.

    :raises ValidationFailed: the extension has problems (each names its file and entry)
    """
    base = versioned(resources.ontology_file(), ONTOLOGY_IRI, version)
    out = {ONTOLOGY: base}
    extension = resources.vocabulary_file()
    if extension is not None:
        added, problems = read_extension(extension, base)
        if problems:
            raise ValidationFailed(problems)
        for prefix, ns in base.namespaces():
            added.bind(prefix, ns)
        out[EXTENSION] = added
    return out


def version_iri(ontology: URIRef, version: str) -> URIRef:
    return URIRef(f"{ontology}/{version}")


def versioned(source: Path, ontology: URIRef, version: str) -> Graph:
    """An ontology file's graph with ``owl:versionIRI`` and ``owl:versionInfo`` of the release."""
    g = Graph().parse(source, format="turtle")
    g.remove((ontology, OWL.versionInfo, None))
    g.remove((ontology, OWL.versionIRI, None))
    g.add((ontology, OWL.versionIRI, version_iri(ontology, version)))
    g.add((ontology, OWL.versionInfo, Literal(version)))
    return g


def data_store(loaders: Path | None, iris: Iris, graphs: dict[str, Graph],
               progress: Callable[[Progress], Iterable[Built]] = lambda it: it) -> EmbeddedStore:
    """The records loaded into a scratch store (every record checked, as ``geokg load`` does:
    an invalid record raises :class:`ValidationFailed`), the ontology graph being the versioned
    ontologies (GeoKG's and the project's extension, as ``geokg load`` puts them together)."""
    store = EmbeddedStore()
    load_corpus(store, loaders=loaders, iris=iris, progress=progress)
    ontology = Graph()
    for g in graphs.values():
        ontology += g
    # The versioned ontology carries no record checksum: a later `geokg load` over a store loaded
    # from the release writes the ontology of its own files again.
    store.replace_graphs({str(ONTOLOGY_IRI): ontology.serialize(format="nt")})
    return store


def write_ontologies(graphs: dict[str, Graph], folder: Path) -> None:
    for name, g in graphs.items():
        (folder / name).write_text(g.serialize(format="turtle"), encoding="utf-8")


def paper_graphs(store: EmbeddedStore, iris: Iris) -> list[str]:
    return sorted(g for g in store.graph_names() if g.startswith(iris.paper_graph_prefix))


def write_dumps(store: EmbeddedStore, folder: Path) -> None:
    for name, fmt in ((NQUADS, ox.RdfFormat.N_QUADS), (TRIG, ox.RdfFormat.TRIG)):
        # mtime 0 and no file name inside: the same data give the same bytes, so the same checksum.
        with (folder / name).open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
            store.dump(cast(IO[bytes], out), fmt)


def compact_iri(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for an IRI in one of the namespaces (the longest that fits), else the IRI."""
    for prefix, ns in sorted(prefixes.items(), key=lambda p: -len(p[1])):
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def compact(node: Any, prefixes: dict[str, str]) -> Any:
    """Expanded JSON-LD with IRIs shortened to compact IRIs of an ``@context`` of prefixes.

    Keys, ``@id`` and ``@type`` values take compact IRIs; JSON-LD expands them back with the same
    context, so the RDF is unchanged (a test compares the two).
    """
    if isinstance(node, list):
        return [compact(x, prefixes) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("@id", "@type"):
            out[key] = [compact_iri(v, prefixes) for v in value] if isinstance(value, list) else compact_iri(value, prefixes)
        elif key.startswith("@"):
            out[key] = compact(value, prefixes)
        else:
            out[compact_iri(key, prefixes)] = compact(value, prefixes)
    return out


def write_papers(store: EmbeddedStore, iris: Iris, folder: Path, version: str) -> dict[str, str]:
    """The papers as JSON-LD (their graphs) and as the REST API's JSON; returns paper IRI → English title."""
    graphs = paper_graphs(store, iris)
    quads = [q for g in graphs for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    # pyoxigraph writes expanded JSON-LD fast; compact IRIs make it readable.
    expanded = json.loads(as_bytes(ox.serialize(quads, format=ox.RdfFormat.JSON_LD)))
    doc = {"@context": dict(PREFIXES), "@graph": compact(expanded, PREFIXES)}
    (folder / PAPERS_JSONLD).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    reader = Reader(store, iris)
    papers = [paper_details(reader, str(iris.paper(g[len(iris.paper_graph_prefix):])), g) for g in graphs]
    listing = {"version": version, "description": "The papers of this release as GET /papers/{doi} returns them", "papers": papers}
    (folder / PAPERS_JSON).write_text(json.dumps(listing, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {p["iri"]: (p["title"] or {}).get("en", "") for p in papers}


def write_mappings(folder: Path) -> None:
    export_mappings("tsv", folder / MAPPINGS)


def sources(store: EmbeddedStore, iris: Iris) -> list[tuple[str, str]]:
    """(IRI, English title) of the source documents in the catalogue (the report)."""
    found = rows(store.query(f"""SELECT ?s ?t WHERE {{ GRAPH {iri(str(iris.catalogue_graph))} {{
        ?s a <http://www.w3.org/ns/prov#Entity> ; <http://purl.org/dc/terms/title> ?t FILTER(LANGMATCHES(LANG(?t), "en")) }} }}
        ORDER BY ?s"""))
    return [(r["s"], r["t"]) for r in found]


def license_of(store: EmbeddedStore) -> str:
    found = rows(store.query(f"SELECT ?l WHERE {{ GRAPH {iri(str(ONTOLOGY_IRI))} {{ {iri(str(ONTOLOGY_IRI))} "
                             "<http://purl.org/dc/terms/license> ?l } } LIMIT 1"))
    return found[0]["l"] if found else "https://creativecommons.org/licenses/by/4.0/"
