"""A remote store: any server speaking the SPARQL 1.1 Protocol, and the Graph Store Protocol if it has it.

The engine's layout and quirks come from its adapter (:mod:`geokg.store.adapters`): the query,
update and Graph Store endpoints, how its default graph relates to the named graphs (GeoKG reads
the union of all named graphs by default), how a writer authenticates. Without an update endpoint
the store is read-only; without a Graph Store endpoint graphs are read by CONSTRUCT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO

import httpx
import pyoxigraph as ox

from geokg.errors import QueryError, QueryTimeout, StoreUnavailable
from geokg.store.adapters import Adapter, Endpoints, Oxigraph
from geokg.store.protocol import QueryResult, RawResponse
from geokg.store.results import solutions, triples
from geokg.store.sparql import iri, replace_graphs_update

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def _form(sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {"query": sparql}
    if default_graphs:
        form["default-graph-uri"] = list(default_graphs)
    if named_graphs:
        form["named-graph-uri"] = list(named_graphs)
    return form


def http_auth(scheme: str, user: str, password: str) -> httpx.Auth | None:
    """The account GeoKG writes with, sent the way the engine wants it (None: no account)."""
    if not password and not user:
        return None
    if scheme == "bearer":
        return _Bearer(password)
    if scheme == "digest":
        return httpx.DigestAuth(user, password)
    return httpx.BasicAuth(user, password)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class RemoteStore:
    """The :class:`geokg.store.Store` interface over HTTP.

    :param base_url: e.g. ``http://127.0.0.1:7878``
    :param timeout: seconds to wait for the server on each request
    :param adapter: the engine's adapter (default: Oxigraph's layout)
    :param endpoints: the endpoints, when not the adapter's defaults under ``base_url``
    :param auth: the account GeoKG writes with (see :func:`http_auth`)
    :param http: the HTTP client to use (e.g. over a Unix socket); default: a plain one
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0, adapter: Adapter | None = None,
                 endpoints: Endpoints | None = None, auth: httpx.Auth | None = None, http: httpx.Client | None = None) -> None:
        self.adapter = adapter or Oxigraph()
        self.endpoints = endpoints or self.adapter.endpoints(base_url, authenticated=auth is not None)
        self.timeout = timeout
        self.auth = auth
        self.http = http or httpx.Client(timeout=timeout)

    def _request(self, method: str, url: str, *, timeout: float | None = None, auth: bool = False,
                 **kwargs: object) -> httpx.Response:
        limit = timeout if timeout is not None else self.timeout
        try:
            return self.http.request(method, url, timeout=limit, auth=self.auth if auth and self.auth else httpx.USE_CLIENT_DEFAULT,
                                     **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise QueryTimeout(f"the query ran over the time limit of {limit:g} s") from None
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server did not answer: {type(exc).__name__}") from None

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> RawResponse:
        """Send a query as the client asked for it; the body is the server's own serialisation.

        :raises QueryTimeout: the server did not finish within ``timeout`` or cancelled the query
        """
        if not default_graphs and self.endpoints.union_graph:
            default_graphs = [self.endpoints.union_graph]
        # Always a form: the one way every engine takes a query by POST (Virtuoso hangs on a sparql-query body).
        form = {**_form(sparql, default_graphs, named_graphs), **self.adapter.query_params(timeout or self.timeout)}
        # A little more time for the HTTP wait than for the engine, so that the engine stops the query itself.
        response = self._request("POST", self.endpoints.query, data=form,
                                 headers={"Accept": self.adapter.accept_for(sparql, accept), **_FORM},
                                 timeout=None if timeout is None else timeout + 2)
        raw = RawResponse(response.status_code, response.headers.get("content-type", "").split(";")[0].strip(), response.content)
        if raw.status == 200 and self.adapter.cancelled(raw, response.headers):
            raise QueryTimeout("the query ran over the time limit and was cancelled by the store", stopped=True)
        cap = response.headers.get("x-geokg-result-cap")
        if cap:
            # A GeoKG server caps results: a store answering only part of a query would be wrong silently.
            raise QueryError(f"the store answered at most {cap} rows (its GEOKG_MAX_ROWS); raise it there or narrow the query")
        return self.adapter.answer(sparql, accept, raw)

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        raw = self.forward_query(sparql, _ACCEPT, default_graphs=default_graphs, named_graphs=named_graphs)
        if raw.status == 400:
            raise QueryError(f"malformed query: {raw.body.decode('utf-8', 'replace').strip()}")
        if raw.status >= 300:
            raise StoreUnavailable(f"the SPARQL server answered {raw.status}: {raw.body.decode('utf-8', 'replace').strip()[:300]}")
        if raw.media_type == "application/sparql-results+json":
            return ox.parse_query_results(raw.body, format=ox.QueryResultsFormat.JSON)
        if raw.media_type in ("application/n-triples", "text/plain"):
            # Give graph results the same type as the embedded store's: a QueryTriples.
            scratch = ox.Store()
            scratch.load(raw.body, format=ox.RdfFormat.N_TRIPLES)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        raise StoreUnavailable(f"the SPARQL server answered with unexpected content type {raw.media_type!r}")

    def update(self, sparql: str) -> None:
        if self.endpoints.update is None:
            raise StoreUnavailable("this store is read-only: it has no SPARQL Update endpoint")
        response = self._request("POST", self.endpoints.update, data={"update": sparql}, headers=_FORM, auth=True)
        if response.status_code == 400:
            raise QueryError(f"malformed update: {response.text.strip()[:500]}")
        if response.status_code >= 300:
            raise StoreUnavailable(f"the SPARQL server refused the update ({response.status_code}): {response.text.strip()[:500]}")

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        self.replace_graphs(graphs)

    def replace_graphs(self, graphs: Mapping[str, str], drop: Iterable[str] = ()) -> None:
        drop = list(drop)
        if not graphs and not drop:
            return
        if self.adapter.write_by_graph_store and self.endpoints.graph_store:
            # One transaction per graph: each graph is whole or untouched, a batch may be half done.
            for graph in drop:
                self._graph_store("DELETE", graph, ok=(404,))
            for graph, ntriples in graphs.items():
                self._graph_store("PUT", graph, content=ntriples.encode("utf-8"))
            return
        self.update(replace_graphs_update(graphs, drop))

    def _graph_store(self, method: str, graph: str, *, content: bytes | None = None, ok: tuple[int, ...] = ()) -> None:
        if self.endpoints.graph_store is None:
            raise StoreUnavailable("this store has no Graph Store endpoint")
        headers = {"Content-Type": "application/n-triples"} if content is not None else {}
        response = self._request(method, self.endpoints.graph_store, params={"graph": graph}, content=content,
                                 headers=headers, auth=True)
        if response.status_code >= 300 and response.status_code not in ok:
            raise StoreUnavailable(f"the Graph Store refused {method} of {graph} ({response.status_code}): {response.text.strip()[:500]}")

    def graph_names(self) -> set[str]:
        return {row["g"].value for row in solutions(self.query(self.adapter.graph_names_query))
                if isinstance(row["g"], ox.NamedNode) and row["g"].value not in self.adapter.hidden_graphs}

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is None and not fmt.supports_datasets:
            triples(self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")).serialize(out, fmt)
            return
        if self.endpoints.graph_store is None or (graph is None and not self.adapter.dataset_by_graph_store):
            self._dump_by_query(out, fmt, graph)
            return
        params = {"graph": graph} if graph else {}
        try:
            with self.http.stream("GET", self.endpoints.graph_store, params=params, headers={"Accept": fmt.media_type},
                                  auth=self.auth or httpx.USE_CLIENT_DEFAULT) as response:
                if response.status_code >= 300:
                    raise StoreUnavailable(f"Graph Store GET answered {response.status_code}")
                for chunk in response.iter_bytes():
                    out.write(chunk)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server did not answer: {type(exc).__name__}") from None

    def _dump_by_query(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None) -> None:
        if graph is not None:
            found = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
            if fmt.supports_datasets:
                ox.serialize((ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples(found)), out, fmt)
            else:
                triples(found).serialize(out, fmt)
            return
        rows = solutions(self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
        ox.serialize((ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows), out, fmt)

    def close(self) -> None:
        self.http.close()
