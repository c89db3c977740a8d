"""Papers without a DOI (an arXiv preprint, a book by ISBN) are served like the others, by their record id."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
import yaml

from geokg.index.open import open_index
from geokg.load.corpus import load_corpus
from geokg.settings import Settings
from geokg.store import open_store
from support import LiveServer, served_settings

BASE = "s41561-024-01517-y"
NEW = {
    "a-preprint": {"arxiv": "2101.00001v2", "title": {"en": "A preprint on lake ice", "de": "Ein Preprint über Seeeis"}},
    "a-book": {"isbn": "978-3-16-148410-0", "title": {"en": "A book on glaciers"}, "year": 2019},
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from geokg import resources

    folder = tmp_path_factory.mktemp("nodoi")
    loaders = folder / "loaders"
    shutil.copytree(resources.loaders_dir(), loaders)
    base = yaml.safe_load((loaders / "records" / f"{BASE}.yaml").read_text(encoding="utf-8"))
    for record_id, fields in NEW.items():
        record = {k: v for k, v in base.items() if k not in ("doi", "url", "published", "report_sections", "report_positions", "provenance")}
        record.update(id=record_id, **fields)
        (loaders / "records" / f"{record_id}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    store_dir = folder / "store"
    settings = Settings(backend="oxigraph", store=str(store_dir))
    store = open_store(settings)
    try:
        load_corpus(store, loaders=loaders, side_index=open_index(settings))
    finally:
        store.close()
    for served in served_settings("embedded", store_dir):
        with LiveServer(served) as server:
            yield server


@pytest.mark.parametrize("record_id", sorted(NEW))
def test_a_paper_without_doi_has_its_api_page_figure_and_listing(live: LiveServer, record_id: str) -> None:
    details = httpx.get(f"{live.url}/papers/{record_id}")
    assert details.status_code == 200, details.text
    body = details.json()
    assert body["doi"] is None and body["identifier"] == record_id and body["title"]["en"] == NEW[record_id]["title"]["en"]
    page = httpx.get(f"{live.url}/paper/{record_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and NEW[record_id]["title"]["en"] in page.text and "doi-link" not in page.text
    assert f'href="/papers/{record_id}"' in page.text
    assert httpx.get(f"{live.url}/figures/paper-neighbourhood/{record_id}").status_code == 200
    listed = httpx.get(f"{live.url}/papers", params={"q": NEW[record_id]["title"]["en"], "per_page": 50}).json()
    assert any(p["identifier"] == record_id and p["doi"] == "" for p in listed["papers"])


def test_identifiers_show_and_compare(live: LiveServer) -> None:
    preprint = httpx.get(f"{live.url}/paper/a-preprint", headers={"Accept": "text/html"}).text
    assert "https://arxiv.org/abs/2101.00001v2" in preprint
    book = httpx.get(f"{live.url}/papers/a-book").json()
    assert book["isbn"] == "978-3-16-148410-0" and book["year"] == 2019 and book["issued"] == "2019"
    compared = httpx.get(f"{live.url}/comparison", params=[("doi", "a-book"), ("doi", "10.1038/S41561-024-01517-Y")])
    assert compared.status_code == 200 and "A book on glaciers" in compared.text
