"""Papers: by DOI, everything about one, the papers using a concept, side-by-side rows, catalogue lists."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from geokg.errors import NotFound
from geokg.index.text import query_terms, snippet
from geokg.model.vocab import FABIO, GEODM, PRISM, SCHEMES, concept_id
from geokg.read.context import Reader
from geokg.store.sparql import iri, literal

#: A paper in a list: what every list of papers returns for each paper (SPARQL, needs ?paper).
SUMMARY_PATTERN = """?paper dcterms:title ?title ; geodm:publishedIn/dcterms:title ?journal .
    FILTER(LANG(?title) = "en") OPTIONAL { ?paper prism:doi ?doi } OPTIONAL { ?paper dcterms:issued ?issued }"""


def summary(row: Mapping[str, Any], text: str | None = None) -> dict[str, Any]:
    """A paper in a list, from a row of the side index (with a snippet showing why it matched ``text``)."""
    out = {"doi": row["doi"] or "", "identifier": identifier(row["doi"], row["iri"]), "iri": row["iri"], "title": row["title"], "issued": row["issued"], "journal": row["journal"],
           "titles": json.loads(row["titles"])}
    if text:
        parts = json.loads(row["texts"])
        found = next((t for part in ("title", "summary", "findings", "question") for t in parts.get(part, []) if any(
            term in t.casefold() for term in query_terms(text))), None)
        out["snippet"] = snippet(found, text) if found else None
    return out


def papers_using(reader: Reader, cid: str, page: int = 1, per_page: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """One page of the papers using a concept or a narrower one (in any role), newest first, and their total."""
    keys = [f"{s.facet}:{cid}" for s in SCHEMES if s.facet] + [f"section:{cid}", f"derived_section:{cid}"]
    held = [k for k in keys if reader.index.count(k)]  # usually one: the facet of the concept's scheme
    if not held:
        return 0, []
    found = reader.index.search(held[:1], limit=per_page, offset=(page - 1) * per_page) if len(held) == 1 else \
        reader.index.search([], any_keys=held, limit=per_page, offset=(page - 1) * per_page)
    return found.total, [summary(r) for r in found.rows]


def identifier(doi: str | None, paper_iri: str) -> str:
    """What names a paper in URLs and lists: its DOI, else its record id (the last segment of its IRI)."""
    return doi or paper_iri.rsplit("/", 1)[-1]


def paper_for_doi(reader: Reader, doi: str) -> tuple[str, str]:
    """The paper with a DOI (compared ignoring case), or a paper without one by its record id, and its named graph.

    :raises NotFound: no paper has that DOI or id
    """
    row = reader.index.by_doi(doi) if doi.startswith(("10.", "doi:", "http")) else None
    if row is None and "/" not in doi:
        row = reader.index.by_iri(str(reader.iris.paper(doi)))
    if row is not None:
        return row["iri"], row["graph"]
    # Not in the index (a store written around GeoKG): ask the store.
    found = reader.select(f"SELECT ?p ?g WHERE {{ GRAPH ?g {{ ?p prism:doi {literal(doi)} ; a geodm:Paper }} }} LIMIT 1")
    if not found:
        found = reader.select(f"""SELECT ?p ?g WHERE {{ GRAPH ?g {{ ?p prism:doi ?d ; a geodm:Paper }}
            FILTER(LCASE(?d) = {literal(doi.lower())}) }} LIMIT 1""")
    if not found:
        raise NotFound(f"no paper with DOI {doi}")
    return found[0]["p"], found[0]["g"]


def paper_details(reader: Reader, paper: str, graph_iri: str | None = None) -> dict[str, Any]:
    """Everything the graph knows about one paper, with concept labels, as JSON-ready data.
    ``graph_iri``: the paper's graph, when the caller knows it (saves a round trip).

    :raises NotFound: no such paper
    """
    key = (graph_iri, reader.index.checksum(graph_iri)) if graph_iri else None
    if key and key[1] and key in reader.details:
        reader.details.move_to_end(key)
        return reader.details[key]
    details = _read_details(reader, paper, graph_iri)
    if key and key[1]:
        reader.details[key] = details
        while len(reader.details) > DETAILS_CACHE:
            reader.details.popitem(last=False)
    return details


#: How many papers' details a reader keeps.
DETAILS_CACHE = 2000


def paper_json(reader: Reader, paper: str, graph_iri: str) -> bytes:
    """:func:`paper_details` as JSON, kept by the paper graph's checksum like the details (a changed
    paper has a new checksum, so nothing stale is served).

    :raises NotFound: no such paper
    """
    key = (graph_iri, reader.index.checksum(graph_iri))
    found = reader.documents.get(key) if key[1] else None
    if found is not None:
        return found
    body = json.dumps(paper_details(reader, paper, graph_iri), ensure_ascii=False, separators=(",", ":")).encode()
    if key[1]:
        reader.documents[key] = body
        while len(reader.documents) > DETAILS_CACHE:
            reader.documents.popitem(last=False)
    return body


def _read_details(reader: Reader, paper: str, graph_iri: str | None) -> dict[str, Any]:
    try:
        term = iri(paper)
    except ValueError:
        raise NotFound(f"no such paper: {paper!r} is not an IRI") from None
    if graph_iri is None:
        found = reader.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ {term} a geodm:Paper }} }} LIMIT 1")
        if not found:
            raise NotFound(f"nothing is known about {paper}")
        graph_iri = found[0]["g"]
    # The paper's own graph as the store keeps it (a Graph Store read: nothing to plan), plus the
    # labels of the concepts and the titles and types of the datasets it names, from the reader's
    # catalogue (read once): one round trip per paper.
    buffer = io.BytesIO()
    reader.store.dump(buffer, ox.RdfFormat.N_TRIPLES, graph_iri)
    own = list(ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_TRIPLES))
    if not own:
        raise NotFound(f"nothing is known about {paper}")
    named = reader.catalogue_terms
    extra: list[Any] = [ox.Triple(ox.NamedNode(paper), ox.NamedNode(IN_GRAPH), ox.NamedNode(graph_iri))]
    seen: set[str] = set()
    todo = [t.object.value for t in own if isinstance(t.object, ox.NamedNode)]
    while todo:  # the objects the graph names, and what their descriptions name (a dataset's data types)
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for t in named.get(subject, ()):
            extra.append(t)
            if isinstance(t.object, ox.NamedNode):
                todo.append(t.object.value)
    return _as_json(_Triples([*own, *extra]), URIRef(paper))


#: A predicate of the details only: links the paper to its graph, which the graph's own triples
#: (provenance) are about.
IN_GRAPH = "urn:geokg:in-graph"


class _Text(str):
    """A literal's lexical form, with its language tag."""

    language: str | None = None


def _term(term: Any) -> str:
    """A pyoxigraph term as a plain value: an IRI as itself, a blank node as ``_:id``, a literal as
    its text with its language (cheaper than an rdflib term, and all the details need)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        text = _Text(term.value)
        text.language = term.language
        return text
    return f"_:{term.value}"


class _Triples:
    """The few rdflib Graph lookups :func:`_as_json` needs (by IRI or rdflib term), over a query's or a
    graph's triples: several times cheaper than parsing them into an rdflib Graph."""

    def __init__(self, triples: Any) -> None:
        self.index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            values = self.index[_term(t.subject)][t.predicate.value]
            o = _term(t.object)
            if o not in values:
                values.append(o)

    def objects(self, s: str, p: str) -> list[str]:
        found = self.index.get(str(s))
        return list(found.get(str(p), ())) if found else []

    def value(self, s: str, p: str) -> str | None:
        found = self.objects(s, p)
        return found[0] if found else None


def _texts(g: _Triples, s: str, p: URIRef) -> dict[str, str]:
    return {(getattr(o, "language", None) or ""): str(o) for o in g.objects(s, p)}


def _labelled(g: _Triples, node: str | None) -> dict[str, Any]:
    labels = _texts(g, node, SKOS.prefLabel) if node is not None else {}
    return {"id": concept_id(str(node)).rsplit("/", 1)[-1], "iri": str(node), "label_en": labels.get("en"), "label_zh": labels.get("zh")}


def _text(g: _Triples, s: str | None, p: URIRef) -> str | None:
    value = g.value(s, p) if s is not None else None
    return str(value) if value is not None else None


def _as_json(g: _Triples, paper: URIRef) -> dict[str, Any]:
    def order(node: str) -> int:
        value = g.value(node, GEODM.order)
        return int(str(value)) if value is not None else 0

    def sorted_nodes(s: str, p: URIRef) -> list[str]:
        return sorted(g.objects(s, p), key=str)

    applications = [{
        "order": order(ma),
        "method": _labelled(g, g.value(ma, GEODM.method)),
        "purposes": [_labelled(g, p) for p in sorted_nodes(ma, GEODM.purpose)],
        "inputs": sorted(str(d).rsplit("/", 1)[-1] for d in g.objects(ma, GEODM.input)),
        "note": _text(g, ma, RDFS.comment),
    } for ma in sorted(g.objects(paper, GEODM.hasMethodApplication), key=order)]
    datasets = [{"id": str(d).rsplit("/", 1)[-1], "iri": str(d), "name": _texts(g, d, DCTERMS.title).get("en"),
                 "data_types": [_labelled(g, t) for t in sorted_nodes(d, GEODM.dataType)]}
                for d in sorted_nodes(paper, GEODM.usesDataset)]
    other = []
    for use in sorted_nodes(paper, GEODM.hasDatasetUse):
        dataset = g.value(use, GEODM.dataset)
        if dataset is not None:
            other.append({"dataset": str(dataset).rsplit("/", 1)[-1], "iri": str(dataset), "name": _texts(g, dataset, DCTERMS.title).get("en"),
                          "role": _labelled(g, g.value(use, GEODM.role)), "note": _text(g, use, RDFS.comment)})
    positions = {}
    for listing in g.objects(paper, GEODM.hasListing):
        category, order_value = g.value(listing, GEODM.category), g.value(listing, GEODM.order)
        if category is not None and order_value is not None:
            positions[str(g.value(category, SKOS.notation))] = int(str(order_value))
    question = g.value(paper, GEODM.addresses)
    graph = g.value(paper, URIRef(IN_GRAPH))
    journal = g.value(paper, GEODM.publishedIn)
    row = g.value(paper, GEODM.reportRow)
    return {
        "iri": str(paper),
        "doi": _text(g, paper, PRISM.doi),
        "identifier": identifier(_text(g, paper, PRISM.doi), str(paper)),
        "arxiv": _text(g, paper, FABIO.hasArXivId),
        "isbn": _text(g, paper, PRISM.isbn),
        "handle": _text(g, paper, FABIO.hasHandle),
        "links": sorted(str(o) for o in g.objects(paper, RDFS.seeAlso)),
        "url": _text(g, paper, FABIO.hasURL),
        "title": _texts(g, paper, DCTERMS.title),
        "authors": _sequence(g, g.value(paper, DCTERMS.creator)),
        "keywords": sorted(str(k) for k in g.objects(paper, DCTERMS.subject)),
        "journal": str(journal).rsplit("/", 1)[-1] if journal else None,
        "issued": _text(g, paper, DCTERMS.issued),
        "year": int(str(issued)[:4]) if (issued := _text(g, paper, DCTERMS.issued)) and str(issued)[:4].isdigit() else None,
        "summary": _texts(g, paper, GEODM.summary),
        "research_question": _texts(g, question, GEODM.text) if question else {},
        "method_applications": applications,
        "datasets": datasets,
        "processes": [_labelled(g, x) for x in sorted_nodes(paper, GEODM.studiesProcess)],
        "other_datasets": other,
        "time_periods": [_labelled(g, x) for x in sorted_nodes(paper, GEODM.studiesPeriod)],
        "bodies": [_labelled(g, x) for x in sorted_nodes(paper, GEODM.studiesBody)],
        "findings": [_texts(g, f, GEODM.text) for f in sorted(g.objects(paper, GEODM.hasFinding), key=order)],
        "report": {
            "asserted": sorted(str(g.value(c, SKOS.notation)) for c in g.objects(paper, GEODM.listedUnder)),
            "derived": sorted(str(g.value(c, SKOS.notation)) for c in g.objects(paper, GEODM.derivedCategory)),
            "positions": positions,
        },
        "provenance": {
            "source": _text(g, paper, PROV.wasDerivedFrom) or "",
            "appendix_row": int(str(row)) if row is not None else None,
            "graph": str(graph) if graph else None,
            "record_file": _text(g, graph, DCTERMS.source) if graph else None,
            "corrections": [{"field": _text(g, c, GEODM.field), "note": _text(g, c, GEODM.text)}
                            for c in sorted_nodes(paper, GEODM.hasCorrection)],
        },
    }


def _sequence(g: _Triples, node: str | None) -> list[str]:
    """The members of an rdf:Seq in order (rdf:_1, rdf:_2, …)."""
    if node is None:
        return []
    members = []
    for i in range(1, 10_000):
        found = g.value(node, RDF[f"_{i}"])
        if found is None:
            break
        members.append(str(found))
    return members


COMPARE_COLUMNS = ("doi", "title", "journal", "issued", "question", "methods", "datasets", "processes", "findings")


def compare_row(p: dict[str, Any]) -> dict[str, str]:
    """One paper's details as one row of text cells (for side-by-side tables and CSV)."""
    return {
        "doi": p["doi"], "title": p["title"].get("en", ""), "journal": p["journal"] or "", "issued": p["issued"] or "",
        "question": p["research_question"].get("en", ""),
        "methods": "; ".join(f"{a['method']['label_en']} ({', '.join(x['label_en'] or x['id'] for x in a['purposes'])})"
                             for a in p["method_applications"]),
        "datasets": "; ".join(f"{d['name']} [{', '.join(t['label_en'] or t['id'] for t in d['data_types'])}]" for d in p["datasets"]),
        "processes": "; ".join(x["label_en"] or x["id"] for x in p["processes"]),
        "findings": " | ".join(f.get("en", "") for f in p["findings"]),
    }


def compare(reader: Reader, dois: list[str]) -> list[dict[str, Any]]:
    """The details of several papers, in the order given.

    :raises NotFound: a DOI is unknown
    """
    return [paper_details(reader, *paper_for_doi(reader, d)) for d in dois]
