"""A remote store: any server speaking the SPARQL 1.1 Protocol and Graph Store Protocol.

The location is the server's base URL; the endpoints default to Oxigraph's layout
(``/query``, ``/update``, ``/store``). The server must answer queries over the union of its
named graphs by default (``oxigraph serve --union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``), as the embedded store does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

import httpx
import pyoxigraph as ox

from geokg.errors import QueryError, QueryTimeout, StoreUnavailable
from geokg.store import QueryResult, replace_graphs_update

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
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0, query_path: str = "/query",
                 update_path: str = "/update", store_path: str = "/store") -> None:
        base = base_url.rstrip("/")
        self.query_url, self.update_url, self.store_url = base + query_path, base + update_path, base + store_path
        self.http = httpx.Client(timeout=timeout)

    def _post(self, url: str, **kwargs: object) -> httpx.Response:
        try:
            return self.http.post(url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"SPARQL server at {url} unreachable: {exc}") from None

    def query(
        self, sparql: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> QueryResult:
        form = _form(sparql, default_graphs, named_graphs)
        response = self._post(self.query_url, data=form, headers={"Accept": _ACCEPT})
        if response.status_code == 400:
            raise QueryError(f"malformed query: {response.text.strip()}")
        if response.status_code >= 300:
            raise StoreUnavailable(f"SPARQL server answered {response.status_code}: {response.text.strip()[:500]}")
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if media == "application/sparql-results+json":
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
        if media == "application/n-triples":
            # Give graph results the same type as the embedded store's: a QueryTriples.
            scratch = ox.Store()
            scratch.load(response.content, format=ox.RdfFormat.N_TRIPLES)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        raise StoreUnavailable(f"SPARQL server answered with unexpected content type {media!r}")

    def forward_query(
        self, sparql: str, accept: str, *, default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None, timeout: float | None = None,
    ) -> tuple[int, str, bytes]:
        """Send a query as the client asked for it; return the server's status, media type and body.

        The body is the server's own serialisation, passed on unchanged.
        :raises QueryTimeout: the server did not finish within ``timeout`` or cancelled the query
        """
        form = _form(sparql, default_graphs, named_graphs)
        try:
            response = self.http.post(self.query_url, data=form, headers={"Accept": accept},
                                      timeout=timeout if timeout is not None else self.http.timeout)
        except httpx.TimeoutException:
            raise QueryTimeout(f"the query ran over the time limit of {timeout:g} s and was stopped") from None
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"SPARQL server at {self.query_url} unreachable: {exc}") from None
        body = response.content
        if response.status_code == 200 and body.endswith(_CANCELLED):
            raise QueryTimeout("the query ran over the time limit and was cancelled by the store")
        return response.status_code, response.headers.get("content-type", ""), body

    def update(self, sparql: str) -> None:
        response = self._post(self.update_url, content=sparql.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update"})
        if response.status_code == 400:
            raise QueryError(f"malformed update: {response.text.strip()}")
        if response.status_code >= 300:
            raise StoreUnavailable(f"SPARQL server refused the update ({response.status_code}): {response.text.strip()[:500]}")

    def add_graphs(self, graphs: Mapping[str, str]) -> None:
        self.update(replace_graphs_update(graphs))

    def graph_names(self) -> set[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {row["g"].value for row in rows}  # type: ignore[union-attr]

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph is None and not fmt.supports_datasets:
            triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            triples.serialize(out, fmt)  # type: ignore[union-attr]
            return
        params = {"graph": graph} if graph else {}
        try:
            with self.http.stream("GET", self.store_url, params=params, headers={"Accept": fmt.media_type}) as response:
                if response.status_code >= 300:
                    raise StoreUnavailable(f"Graph Store GET answered {response.status_code}")
                for chunk in response.iter_bytes():
                    out.write(chunk)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"SPARQL server at {self.store_url} unreachable: {exc}") from None

    def close(self) -> None:
        self.http.close()
