"""The search page: filters with counts, sort and pages with totals, snippets, what to try when a
conjunction finds nothing, the interface language following the query's script — over HTTP on both
backends, and in a browser."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
from playwright.sync_api import Page, expect

HTML = {"Accept": "text/html"}


def results(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="doi" value="([^"]+)"', html)


def total(html: str) -> int:
    found = re.search(r'id="total">\((\d+)\)', html)
    assert found, "the page shows no total"
    return int(found[1])


def test_a_conjunction_that_finds_nothing_offers_each_part_with_its_count(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "随机森林 遥感"}, headers=HTML)
    assert page.status_code == 200 and total(page.text) == 0
    assert '<html lang="zh"' in page.text  # the interface follows the query's script
    method = client.get("/papers", params={"method": "random-forest"}).json()["total"]
    data = client.get("/papers", params={"data_type": "remote-sensing"}).json()["total"]
    assert method > 0 and data > 0
    assert re.search(rf'href="/search\?method=random-forest">[^<]+</a>[^<]*<span class="n">{method}</span>', page.text)
    assert re.search(rf'href="/search\?data_type=remote-sensing">[^<]+</a>[^<]*<span class="n">{data}</span>', page.text)


def test_filter_counts_equal_the_totals_of_the_filtered_searches(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "bootstrap"}, headers=HTML).text
    assert total(page) == client.get("/papers", params={"method": "bootstrap"}).json()["total"] > 0
    shown = re.findall(r'<li><a href="(/search\?[^"]+)"[^>]*>[^<]+</a> <span class="n">(\d+)</span></li>', page)
    checked = 0
    for href, n in shown[:6]:
        params = [(k, v) for k, v in parse_qsl(urlsplit(href.replace("&amp;", "&")).query) if k != "q"]
        if not params:
            continue
        api = client.get("/papers", params=[("method", "bootstrap"), *params]).json()["total"]
        assert api == int(n), href
        checked += 1
    assert checked >= 3


def test_pages_sort_and_totals(client: httpx.Client) -> None:
    first = client.get("/search", params={"method": "statistics-regression"}, headers=HTML).text
    second = client.get("/search", params={"method": "statistics-regression", "page": 2}, headers=HTML).text
    assert total(first) == total(second) > 20
    assert len(results(first)) == 20 and set(results(first)).isdisjoint(results(second))
    assert 'rel="next"' in first and 'rel="prev"' in second
    oldest = client.get("/search", params={"method": "statistics-regression", "sort": "oldest"}, headers=HTML).text
    api = client.get("/papers", params={"method": "statistics-regression", "sort": "oldest"}).json()
    assert results(oldest) == [p["doi"] for p in api["papers"]]
    assert client.get("/search", params={"q": "x", "sort": "sideways"}, headers=HTML).status_code == 422


def test_words_that_name_no_concept_are_searched_as_text_with_snippets(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "glacier erosion"}, headers=HTML).text
    assert total(page) >= 1
    assert re.search(r'class="snippet">.*<mark>erosion</mark>', page)  # glacier is understood as a process, erosion as a word
    api = client.get("/papers", params={"q": "glacier", "sort": "relevance"}).json()
    assert api["papers"] and all("<mark>" in (p["snippet"] or "") for p in api["papers"])


def test_the_facet_and_named_question_difference_is_explained(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "bootstrap uncertainty on satellite data"}, headers=HTML).text
    strict = re.search(r'id="strict".*?<strong>(\d+)</strong>', page, flags=re.S)
    assert strict
    rows = client.get("/questions/papers-by-method-purpose-datatype",
                      params={"method": "bootstrap", "purpose": "uncertainty-quantification", "dataType": "satellite-data"}).json()["rows"]
    assert int(strict[1]) == len({r["paper"] for r in rows}) <= total(page)


def test_search_text_is_escaped(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": '<script>alert(1)</script> glacier'}, headers=HTML).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_filters_narrow_the_results_in_the_browser(page: Page, shots: Path) -> None:
    page.goto("/search?q=bootstrap")
    before = int(page.locator("#total").inner_text().strip("()"))
    link = page.locator("section.filter[data-facet=data_type] a").first
    expected = int(link.locator("xpath=following-sibling::span").inner_text())
    link.click()
    expect(page.locator("#total")).to_have_text(f"({expected})")
    assert expected <= before
    expect(page.locator("#chosen a")).to_have_count(1)
    page.screenshot(path=shots / "search-filters.png", full_page=True)
    page.locator("#chosen a").click()
    expect(page.locator("#total")).to_have_text(f"({before})")


def test_a_concept_page_pages_its_papers_with_the_total(client: httpx.Client) -> None:
    api = client.get("/concepts/statistics-regression", params={"per_page": 200}).json()
    first = client.get("/concept/statistics-regression", headers=HTML).text
    assert f'id="concept-total">({api["total"]})' in first
    if api["total"] > 50:  # the bundled corpus: one page; at scale the pager appears
        assert 'rel="next"' in first
    assert 'href="/search?method=statistics-regression"' in first or api["total"] <= 50
