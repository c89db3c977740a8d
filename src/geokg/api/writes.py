"""Writes through the API: SPARQL Update and Graph Store Protocol, validated like ``geokg load``.

A write may only touch paper graphs (the ontology and catalogue come from files). The new
content of each touched graph is computed on a scratch copy, validated against the shapes
(and DOI uniqueness in the store), and only then written in one atomic update.
"""

from __future__ import annotations

import threading
from functools import cached_property

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response
from rdflib import Graph

from geokg.api.deps import ProtocolError
from geokg.errors import RecordError
from geokg.load import doi_taken
from geokg.sparql_text import outbound_targets, update_graphs
from geokg.store import Store, replace_graphs_update
from geokg.to_rdf import Iris
from geokg.validation import Validator
from geokg.vocab import ONTOLOGY_IRI, PRISM

#: One writer at a time: a write reads graphs, then replaces them.
_WRITE_LOCK = threading.Lock()


class WriteGate:
    """Validation context read from the store once (types, subclasses, scheme membership)."""

    def __init__(self, store: Store, iris: Iris) -> None:
        self.store, self.iris = store, iris

    @cached_property
    def validator(self) -> Validator:
        result = self.store.query(f"""
            CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(?g IN (<{ONTOLOGY_IRI}>, <{self.iris.catalogue_graph}>))
              FILTER(?p IN (<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>,
                            <http://www.w3.org/2000/01/rdf-schema#subClassOf>,
                            <http://www.w3.org/2004/02/skos/core#inScheme>))
            }}""")
        context = Graph()
        context.parse(data=result.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")  # type: ignore[union-attr]
        return Validator(context)

    def check_writable(self, graphs: set[str]) -> None:
        for graph in sorted(graphs):
            if not graph.startswith(self.iris.paper_graph_prefix) or graph == self.iris.paper_graph_prefix:
                raise ProtocolError(403, f"graph {graph} cannot be written through the API: only paper graphs "
                                         f"({self.iris.paper_graph_prefix}<id>) can; the ontology and catalogue are loaded from files")

    def current(self, graphs: set[str]) -> ox.Store:
        scratch = ox.Store()
        for graph in graphs:
            triples = self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            data = triples.serialize(format=ox.RdfFormat.N_TRIPLES)  # type: ignore[union-attr]
            scratch.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        return scratch

    def problems(self, scratch: ox.Store, graphs: set[str]) -> list[RecordError]:
        out: list[RecordError] = []
        for graph in sorted(graphs):
            data = scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            if not data:
                continue  # the write deletes this paper
            g = Graph()
            g.parse(data=data, format="nt")
            out += self.validator.check_graph(g, graph)
            for doi in g.objects(None, PRISM.doi):
                out += doi_taken(self.store, str(doi), graph, graph)
        return out

    def commit(self, scratch: ox.Store, graphs: set[str]) -> None:
        new = {g: scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)).decode("utf-8") for g in graphs}
        keep = {g: nt for g, nt in new.items() if nt}
        self.store.update(replace_graphs_update(keep, drop=[g for g, nt in new.items() if not nt]))

    def write(self, graphs: set[str], change: "callable[[ox.Store], None]") -> Response:  # type: ignore[valid-type]
        """Apply ``change`` to a scratch copy of the graphs; validate; write; 204 or 422."""
        self.check_writable(graphs)
        with _WRITE_LOCK:
            scratch = self.current(graphs)
            change(scratch)
            problems = self.problems(scratch, graphs)
            if problems:
                raise ProtocolError(422, "the write was refused; nothing was changed:\n" + "\n".join(f"- {p}" for p in problems))
            self.commit(scratch, graphs)
        return Response(status_code=204)


def gate(request: Request) -> WriteGate:
    app = request.app
    if getattr(app.state, "write_gate", None) is None:
        app.state.write_gate = WriteGate(app.state.store, Iris(app.state.settings.base_iri))
    return app.state.write_gate  # type: ignore[no-any-return]


def apply_update(request: Request, text: str) -> Response:
    """Run a SPARQL Update that names the paper graphs it writes."""
    if outbound_targets(text):
        raise ProtocolError(403, "LOAD and SERVICE are not allowed in updates; send data with the Graph Store Protocol (/store)")
    graphs, unnamed = update_graphs(text)
    if unnamed or not graphs:
        raise ProtocolError(400, "an update must name the graphs it writes (GRAPH <iri> or WITH <iri>): "
                                 "the default graph is the union of all graphs and cannot be written")

    def change(scratch: ox.Store) -> None:
        try:
            scratch.update(text)
        except SyntaxError as exc:
            raise ProtocolError(400, f"malformed update: {exc}") from None
        stray = {g.value for g in scratch.named_graphs() if isinstance(g, ox.NamedNode)} - graphs
        if stray or any(True for _ in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            raise ProtocolError(400, "the update writes to graphs it does not name")

    return gate(request).write(graphs, change)
