"""A remote store: any server speaking the SPARQL 1.1 Protocol and Graph Store Protocol.

The location is the server's base URL; the endpoints default to Oxigraph's layout
(``/query``, ``/update``, ``/store``). The server must answer queries over the union of its
named graphs by default (``oxigraph serve --union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``), as the embedded store does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO

import httpx
import pyoxigraph as ox

from geokg.errors import QueryError, QueryTimeout, StoreUnavailable
from geokg.store.protocol import QueryResult, RawResponse
from geokg.store.results import solutions, triples
from geokg.store.sparql import replace_graphs_update

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
#: How Oxigraph's server ends a response whose query it cancelled (it has already sent 200).
_CANCELLED = b"The SPARQL operation has been cancelled"


def _form(sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {"query": sparql}
    if default_graphs:
        form["default-graph-uri"] = list(default_graphs)
    if named_graphs:
        form["named-graph-uri"] = list(named_graphs)
    return form


class RemoteStore:
    """The :class:`geokg.store.Store` interface over HTTP.

    :param base_url: e.g. ``http://127.0.0.1:7878``
    :param timeout: seconds to wait for the server on each request
    :param http: the HTTP client to use (e.g. over a Unix socket); default: a plain one
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0, query_path: str = "/query",
                 update_path: str = "/update", store_path: str = "/store", http: httpx.Client | None = None) -> None:
        base = base_url.rstrip("/")
        self.query_url, self.update_url, self.store_url = base + query_path, base + update_path, base + store_path
        self.timeout = timeout
        self.http = http or httpx.Client(timeout=timeout)

    def _post(self, url: str, *, timeout: float | None = None, data: dict[str, str | list[str]] | None = None,
              content: bytes | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return self.http.post(url, timeout=timeout if timeout is not None else self.timeout, data=data, content=content,
                                  headers=headers)
        except httpx.TimeoutException:
            raise QueryTimeout(f"the query ran over the time limit of {timeout or self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server did not answer: {type(exc).__name__}") from None

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> RawResponse:
        """Send a query as the client asked for it; the body is the server's own serialisation.

        :raises QueryTimeout: the server did not finish within ``timeout`` or cancelled the query
        """
        response = self._post(self.query_url, data=_form(sparql, default_graphs, named_graphs),
                              headers={"Accept": accept}, timeout=timeout)
        body = response.content
        if response.status_code == 200 and body.endswith(_CANCELLED):
            raise QueryTimeout("the query ran over the time limit and was cancelled by the store", stopped=True)
        return RawResponse(response.status_code, response.headers.get("content-type", "").split(";")[0].strip(), body)

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        raw = self.forward_query(sparql, _ACCEPT, default_graphs=default_graphs, named_graphs=named_graphs)
        if raw.status == 400:
            raise QueryError(f"malformed query: {raw.body.decode('utf-8', 'replace').strip()}")
        if raw.status >= 300:
            raise StoreUnavailable(f"the SPARQL server answered {raw.status}")
        if raw.media_type == "application/sparql-results+json":
            return ox.parse_query_results(raw.body, format=ox.QueryResultsFormat.JSON)
        if raw.media_type == "application/n-triples":
            # Give graph results the same type as the embedded store's: a QueryTriples.
            scratch = ox.Store()
            scratch.load(raw.body, format=ox.RdfFormat.N_TRIPLES)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        raise StoreUnavailable(f"the SPARQL server answered with unexpected content type {raw.media_type!r}")

    def update(self, sparql: str) -> None:
        response = self._post(self.update_url, content=sparql.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update"})
        if response.status_code == 400:
            raise QueryError(f"malformed update: {response.text.strip()}")
        if response.status_code >= 300:
            raise StoreUnavailable(f"the SPARQL server refused the update ({response.status_code}): {response.text.strip()[:500]}")

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        self.update(replace_graphs_update(graphs))

    def replace_graphs(self, graphs: Mapping[str, str], drop: Iterable[str] = ()) -> None:
        drop = list(drop)
        if graphs or drop:
            self.update(replace_graphs_update(graphs, drop))

    def graph_names(self) -> set[str]:
        return {row["g"].value for row in solutions(self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))}

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is None and not fmt.supports_datasets:
            triples(self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")).serialize(out, fmt)
            return
        params = {"graph": graph} if graph else {}
        try:
            with self.http.stream("GET", self.store_url, params=params, headers={"Accept": fmt.media_type}) as response:
                if response.status_code >= 300:
                    raise StoreUnavailable(f"Graph Store GET answered {response.status_code}")
                for chunk in response.iter_bytes():
                    out.write(chunk)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server did not answer: {type(exc).__name__}") from None

    def close(self) -> None:
        self.http.close()
