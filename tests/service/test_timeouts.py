"""Timeouts on every route: a request that runs over the time limit is answered 503 (problem+json for
API clients, the error page for browsers, plain text for protocol clients) and never 500.

A real server with a tiny time limit: the side index's reads stop at the request's deadline, and the
engine stops a query that runs over its own limit.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import LiveServer, served_settings

RAIN = "10.1038/s41561-024-01517-y"
OTHER = "10.1038/s41561-022-00995-2"
#: Every page and route of issue 18's list (at the bundled corpus), and the catalogue lists.
ROUTES = [
    "/", "/figures/method-family-by-data-type", "/figures/papers-per-year-by-focus", "/figures/method-cooccurrence",
    f"/figures/paper-neighbourhood/{RAIN}", "/stats", "/search?q=bootstrap%20uncertainty%20on%20satellite%20data",
    "/search?q=glacier", "/browse?scheme=method", "/browse?scheme=process", "/concept/statistics-regression", "/concept/bootstrap",
    "/paper/s41561-024-01517-y", "/papers", "/papers?method=statistics-regression",
    "/papers?method=resampling&data_type=remote-sensing&purpose=uncertainty-quantification", "/papers?q=glacier",
    "/papers?method=statistics-regression&page=2&per_page=5", "/ask?q=which%20papers%20use%20bootstrap%20on%20satellite%20data",
    "/ask?q=%E5%93%AA%E4%BA%9B%E8%AE%BA%E6%96%87%E7%94%A8%E6%9C%BA%E5%99%A8%E5%AD%A6%E4%B9%A0%E7%A0%94%E7%A9%B6%E5%86%B0%E5%B7%9D",
    "/concepts?q=random%20forests", f"/compare?doi={RAIN}&doi={OTHER}", f"/comparison?doi={RAIN}&doi={OTHER}", f"/papers/{RAIN}",
    "/datasets", "/journals", "/processes",
]


@pytest.fixture(scope="module")
def hurried(bundled_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live service whose requests may take a microsecond (the engine's own limit is its floor, 1 s)."""
    folder = tmp_path_factory.mktemp("hurried") / "store"
    shutil.copytree(bundled_store_dir, folder)
    for settings in served_settings("embedded", folder, query_timeout=0.000001):
        with LiveServer(settings) as server:
            yield server


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_request_over_the_time_limit_is_a_503_never_a_500(hurried: LiveServer, accept: str) -> None:
    statuses = {}
    with httpx.Client(base_url=hurried.url, timeout=60, headers={"Accept": accept}) as client:
        for path in ROUTES:
            r = client.get(path)
            statuses[path] = r.status_code
            assert r.status_code in (200, 406, 503), (path, r.status_code, r.text[:200])
            if r.status_code == 503:
                assert r.headers["retry-after"] and "time limit" in r.text
                wanted = "application/problem+json" if accept == "application/json" and not path.startswith(("/paper/", "/concept/")) else "text/html"
                assert r.headers["content-type"].startswith(wanted), (path, r.headers["content-type"])
    # the routes that read many index rows did run out of time (so the test can fail)
    stopped = {p for p, s in statuses.items() if s == 503}
    assert {"/stats", "/search?q=glacier"} <= stopped, statuses


def test_a_query_over_the_engines_limit_is_a_503_in_plain_text(hurried: LiveServer) -> None:
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
    r = httpx.post(f"{hurried.url}/sparql", data={"query": slow}, headers={"Accept": "application/sparql-results+json"}, timeout=120)
    # Time or memory, whichever of the engine's limits the query reaches first, and the reason said.
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/plain")
    assert "time limit" in r.text or "memory limit" in r.text, r.text
    assert httpx.get(f"{hurried.url}/health", timeout=60).status_code == 200  # the engine was restarted
