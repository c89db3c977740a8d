"""What differs between SPARQL servers, in one small adapter per engine; everything else is standard.

:class:`geokg.store.remote.RemoteStore` speaks the SPARQL 1.1 Protocol (queries as forms, updates)
and, when the server has one, the Graph Store Protocol. An adapter names where an engine keeps
those endpoints, how its default graph relates to its named graphs, how it authenticates writers,
and rewrites the few places where it departs from the standard. ``generic`` assumes nothing: its
endpoints come from the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

import pyoxigraph as ox

from geokg.store.protocol import RawResponse
from geokg.store.sparql_text import query_form

_JSON = ox.QueryResultsFormat.JSON
_NTRIPLES = ox.RdfFormat.N_TRIPLES
_GRAPH_FORMATS = {f.media_type.split(";")[0]: f for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD,
                                            ox.RdfFormat.RDF_XML)}
_RESULT_FORMATS = {f.media_type.split(";")[0]: f for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                             ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)}


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one server's standard endpoints."""

    query: str
    update: str | None
    """SPARQL Update endpoint; None: the store is read-only."""
    graph_store: str | None
    """Graph Store Protocol endpoint (indirect graph identification); None: graphs are written by
    SPARQL Update and read by CONSTRUCT."""
    union_graph: str | None = None
    """An IRI the engine reads as the union of its named graphs, sent as ``default-graph-uri`` when the
    caller names no graph (Jena: ``urn:x-arq:UnionGraph``); None: the default graph already is the union."""


@dataclass(frozen=True)
class Adapter:
    """One engine's layout and departures from the standard; the base class is a plain SPARQL 1.1 server."""

    name: str = "generic"
    query_path: str = ""
    update_path: str | None = None
    graph_store_path: str | None = None
    union_graph: str | None = None
    auth_scheme: str = "basic"
    """How the account of ``GEOKG_STORE_USER``/``GEOKG_STORE_PASSWORD`` is sent: basic, digest or bearer."""
    graph_names_query: str = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
    dataset_by_graph_store: bool = False
    """A Graph Store GET without ``graph`` returns the whole dataset as quads."""
    hidden_graphs: tuple[str, ...] = field(default=())
    """The engine's own graphs, which are no part of GeoKG's dataset."""
    write_by_graph_store: bool = False
    """Write graphs by Graph Store PUT/DELETE (one request per graph) rather than in one SPARQL Update
    per batch (one transaction): for engines whose update parser cannot take large INSERT DATA."""

    def endpoints(self, base_url: str, *, query: str = "", update: str = "", graph_store: str = "",
                  union_graph: str = "", authenticated: bool = False) -> Endpoints:
        """Resolve the endpoints: settings given (URLs, or paths under the base URL) win over the adapter's.

        ``graph_store="none"`` means the server has no Graph Store endpoint; ``union_graph="default"``
        means its default graph is the union of its named graphs.
        """
        base = base_url.rstrip("/") + "/"

        def resolve(given: str, default: str | None) -> str | None:
            path = given or default
            if path is None or path == "none":
                return None
            return urljoin(base, path.lstrip("/")) if "://" not in path else path

        paths = self.authenticated_paths() if authenticated else (self.update_path, self.graph_store_path)
        union = None if union_graph == "default" else (union_graph or self.union_graph)
        return Endpoints(resolve(query, self.query_path) or base_url, resolve(update, paths[0]),
                         resolve(graph_store, paths[1]), union)

    def authenticated_paths(self) -> tuple[str | None, str | None]:
        """Update and Graph Store paths to use when the store has an account for GeoKG."""
        return self.update_path, self.graph_store_path

    def prepare_query(self, sparql: str) -> str:
        """The query as this engine must be sent it (the text is already checked by the caller)."""
        return sparql

    def accept_for(self, sparql: str, accept: str) -> str:
        """The media type to ask the engine for (it may be converted back by :meth:`answer`)."""
        return accept

    def answer(self, sparql: str, accept: str, raw: RawResponse) -> RawResponse:
        """The engine's response turned into a standard one."""
        return raw

    def query_params(self, timeout: float) -> dict[str, str]:
        """Form parameters that ask the engine itself to stop the query after ``timeout`` seconds."""
        return {}

    def cancelled(self, raw: RawResponse, headers: Mapping[str, str]) -> bool:
        """Whether a 200 response is really a query the engine cancelled half-way (never to be served)."""
        return False


@dataclass(frozen=True)
class Oxigraph(Adapter):
    """``oxigraph serve --union-default-graph``: the reference layout of GeoKG's managed engine."""

    name: str = "oxigraph"
    query_path: str = "/query"
    update_path: str | None = "/update"
    graph_store_path: str | None = "/store"
    dataset_by_graph_store: bool = True

    #: How Oxigraph's server ends a response whose query it cancelled (it has already sent 200).
    CANCELLED = b"The SPARQL operation has been cancelled"

    def cancelled(self, raw: RawResponse, headers: Mapping[str, str]) -> bool:
        return raw.body.endswith(self.CANCELLED)


#: Graphs every Virtuoso database holds for itself (its mapping schema, LDP, the endpoint's description).
VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                   "http://localhost:8890/sparql", "http://localuriqaserver/sparql")


def _boolean(truth: bool) -> ox.QueryBoolean:
    """A boolean result (pyoxigraph builds none by hand: an empty store answers the ASK wanted)."""
    answer = ox.Store().query("ASK {}" if truth else "ASK { FILTER(false) }")
    if not isinstance(answer, ox.QueryBoolean):
        raise TypeError("ASK gave no boolean")
    return answer


@dataclass(frozen=True)
class Virtuoso(Adapter):
    """OpenLink Virtuoso (open source 7.x).

    - Without a dataset its default graph is every graph: the union GeoKG wants, plus its own few
      system graphs (:data:`VIRTUOSO_GRAPHS`, about 2,500 triples of its own vocabularies), which no
      GeoKG query matches. They are left out of the graph names; ``input:default-graph-exclude``
      cannot hide them from queries, as that pragma also empties every ``GRAPH <iri>`` pattern (7.2).
    - Writes need an account: SPARQL Update and the Graph Store go to ``/sparql-auth`` and
      ``/sparql-graph-crud-auth`` with HTTP digest authentication (or grant SPARQL_UPDATE to the
      anonymous ``SPARQL`` user and use ``/sparql`` and ``/sparql-graph-crud``).
    - Its update parser runs out of memory on an INSERT DATA of a few thousand triples: graphs are
      written by Graph Store PUT, one request (one transaction) per graph.
    - Over a time limit (the ``timeout`` parameter GeoKG sends) it returns the partial result with
      ``X-SQL-State: S1TAT``: treated as a stopped query, never served.
    - ASK answers a result set with one ``__ASK_RETVAL`` binding (7.2): turned into a boolean.
    - Its CSV (quoted header, LF line ends) and Turtle differ from the standard's: results are asked
      for as JSON or N-Triples and written in the client's format here.
    - A ``*`` property path answers once per path, not once per pair: the named questions take
      closures as ``SELECT DISTINCT`` tables, which every engine answers alike.
    - A POST with ``application/sparql-query`` hangs: queries are always sent form-encoded.
    """

    name: str = "virtuoso"
    query_path: str = "/sparql"
    update_path: str | None = "/sparql"
    graph_store_path: str | None = "/sparql-graph-crud"
    auth_scheme: str = "digest"
    write_by_graph_store: bool = True
    # GRAPH ?g {} matches nothing there, and DISTINCT ?g over all quads takes 30 s on 15k quads: GROUP BY is instant.
    graph_names_query: str = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    hidden_graphs: tuple[str, ...] = VIRTUOSO_GRAPHS

    def authenticated_paths(self) -> tuple[str | None, str | None]:
        return "/sparql-auth", "/sparql-graph-crud-auth"

    def query_params(self, timeout: float) -> dict[str, str]:
        return {"timeout": str(max(1, int(timeout * 1000)))}

    def cancelled(self, raw: RawResponse, headers: Mapping[str, str]) -> bool:
        # Over its time limit it answers 200 with what it found so far ("anytime query"), flagged here.
        return headers.get("x-sql-state") == "S1TAT"

    def accept_for(self, sparql: str, accept: str) -> str:
        # Its CSV, TSV and Turtle are not quite the standard's: ask for JSON or N-Triples, write the rest here.
        return _NTRIPLES.media_type if query_form(sparql) in ("CONSTRUCT", "DESCRIBE") else _JSON.media_type

    def answer(self, sparql: str, accept: str, raw: RawResponse) -> RawResponse:
        if raw.status == 400:
            # Its message repeats the query (with the pragmas above): keep the message only.
            return RawResponse(400, raw.media_type, raw.body.split(b"\n\nSPARQL query:")[0])
        if raw.status != 200:
            return raw
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            graph_format = _GRAPH_FORMATS.get(accept, _NTRIPLES)
            found = ox.parse(raw.body, format=_NTRIPLES)
            return RawResponse(200, graph_format.media_type, ox.serialize(found, format=graph_format) or b"")
        if raw.media_type != _JSON.media_type:
            return raw
        parsed = ox.parse_query_results(raw.body, format=_JSON)
        if query_form(sparql) == "ASK" and isinstance(parsed, ox.QuerySolutions):
            rows = list(parsed)
            parsed = _boolean(bool(rows) and str(getattr(rows[0][0], "value", "0")) not in ("0", "false"))
        fmt = _RESULT_FORMATS.get(accept, _JSON)
        return RawResponse(200, fmt.media_type.split(";")[0], parsed.serialize(format=fmt) or b"")


@dataclass(frozen=True)
class GeoKG(Adapter):
    """Another GeoKG server (a read replica in front of a primary): ``/sparql`` and ``/store``.

    Without a password (its write token) the primary refuses writes, so the replica is read-only.
    """

    name: str = "geokg"
    query_path: str = "/sparql"
    update_path: str | None = "/sparql"
    graph_store_path: str | None = "/store"
    auth_scheme: str = "bearer"


#: Adapters by engine name (settings, CLI choices).
ADAPTERS: dict[str, Adapter] = {a.name: a for a in (Adapter(), Oxigraph(), Virtuoso(), GeoKG())}


def adapter(name: str) -> Adapter:
    """The adapter of an engine by name.

    :raises ValueError: no such engine
    """
    if name not in ADAPTERS:
        raise ValueError(f"unknown SPARQL engine {name!r}; choose one of: {', '.join(ADAPTERS)}")
    return replace(ADAPTERS[name])
