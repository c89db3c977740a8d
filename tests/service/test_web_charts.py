"""The figures in Chromium: they draw what /figures says, label in full, carry legends, zoom, and
download as PNG, SVG and CSV; networking is off (tests/webpage.py fails on any request elsewhere)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from webpage import drawn

RAIN = "10.1038/s41561-024-01517-y"


def option(page: Page, figure: str, script: str) -> Any:
    """Evaluate ``script`` (an expression over ``o``, the chart's ECharts option) for one figure."""
    return page.evaluate(f"() => {{ const o = document.querySelector('#fig-{figure} .chart').chart.getOption(); return {script}; }}")


def svg_texts(page: Page, figure: str) -> list[str]:
    return page.locator(f"#fig-{figure} .chart svg text").all_text_contents()


def test_heatmap_draws_every_count_with_full_labels(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    drawn(page)
    heat = api.get("/figures/method-family-by-data-type").json()
    shown = option(page, "heatmap", "o.series[0].data.map(d => d.value)")
    rows, columns = [r["id"] for r in heat["rows"]], [c["id"] for c in heat["columns"]]
    assert {(rows[i], columns[j]): n for j, i, n in shown} == {(c["row"], c["column"]): c["papers"] for c in heat["cells"]}
    texts = " ".join(svg_texts(page, "heatmap"))
    for c in heat["columns"]:  # every column label in full, nothing cut with an ellipsis
        assert c["label_en"] in texts, c["label_en"]
    assert "…" not in texts and "..." not in texts
    # every label lies inside the drawing (the old chart clipped the last column at the card's edge)
    box = page.locator("#fig-heatmap .chart").bounding_box()
    for t in page.locator("#fig-heatmap .chart svg text").all():
        b = t.bounding_box()
        if b and b["width"]:
            assert box["x"] - 1 <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"] + 1, t.text_content()
    assert option(page, "heatmap", "o.visualMap.length") == 1  # the colour scale is shown (its legend)


def test_years_bars_and_legend_in_full(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    drawn(page)
    years = api.get("/figures/papers-per-year-by-focus").json()
    series = option(page, "years", "o.series.map(s => ({name: s.name, data: s.data}))")
    assert [s["data"] for s in series] == [s["papers"] for s in years["series"]]
    texts = svg_texts(page, "years")
    for s in years["series"]:  # the legend names each focus in full
        assert f"{s['notation']} {s['label_en']}" in texts
    assert all(f"n={n}" in " ".join(texts) for n in years["papers"])


def test_network_has_a_family_legend_zoom_and_strongest_pairs(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    drawn(page)
    network = api.get("/figures/method-cooccurrence").json()
    nodes = option(page, "network", "o.series[0].data.length")
    links = option(page, "network", "o.series[0].links.length")
    assert nodes == len(network["nodes"]) and links == len(network["edges"])
    legend = option(page, "network", "o.legend[0].data.map(d => d.name)")
    assert legend == [f"{f['notation']} {f['label_en']}" for f in network["families"]]  # colours mean method family
    texts = " ".join(" ".join(svg_texts(page, "network")).split())  # legend labels wrap over lines: each in full
    assert all(name in texts for name in legend), (legend, texts)
    # colour-blind-safe palette: node colours are taken from Paul Tol's muted scheme, one per family
    palette = option(page, "network", "o.color")
    assert palette[:3] == ["#332288", "#88CCEE", "#44AA99"]
    # zoom in and back
    figure = page.locator("#fig-network")
    figure.locator("button.zoom-in").click()
    assert option(page, "network", "o.series[0].zoom") > 1
    figure.locator("button.zoom-reset").click()
    assert option(page, "network", "o.series[0].zoom") == 1
    # fewer, stronger pairs
    figure.get_by_label("Pairs shown").select_option("15")
    assert option(page, "network", "o.series[0].links.length") == 15
    strongest = sorted((e["papers"] for e in network["edges"]), reverse=True)[:15]
    assert sorted(option(page, "network", "o.series[0].links.map(l => l.papers)"), reverse=True) == strongest
    # every pair is in the data table, as links to both methods (the keyboard's way to every node)
    figure.locator("details.chart-data summary").click()
    expect(figure.locator("details.chart-data tbody tr")).to_have_count(len(network["edges"]))
    first = network["edges"][0]
    expect(figure.locator("details.chart-data tbody tr").first.locator("a").first).to_have_attribute("href", f"/concept/{first['source']}")


def test_every_chart_downloads_png_svg_and_csv(page: Page, api: httpx.Client, tmp_path: Path) -> None:
    page.goto("/")
    drawn(page)
    heat = api.get("/figures/method-family-by-data-type").json()
    for figure, name in (("heatmap", "method-family-by-data-type"), ("years", "papers-per-year-by-focus"), ("network", "method-cooccurrence")):
        tools = page.locator(f"#fig-{figure} .chart-tools")
        files = {}
        for kind in ("png", "svg", "csv"):
            with page.expect_download() as download:
                tools.locator(f"button.download-{kind}").click()
            assert download.value.suggested_filename == f"{name}.{kind}"
            files[kind] = Path(download.value.path()).read_bytes()
        assert files["png"].startswith(b"\x89PNG\r\n\x1a\n") and len(files["png"]) > 5000
        assert b"<svg" in files["svg"][:400] and b"</svg>" in files["svg"][-20:]
        table = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
        assert len(table) > 2, figure
        if figure == "heatmap":
            assert table[0][1:] == [c["label_en"] for c in heat["columns"]]
            assert len(table) == len(heat["rows"]) + 1


def test_paper_neighbourhood_draws_the_api_graph(page: Page, api: httpx.Client, shots: Path) -> None:
    page.goto(f"/paper/{RAIN.split('/')[1]}")
    drawn(page)
    figure = api.get(f"/figures/paper-neighbourhood/{RAIN}").json()
    kinds = option(page, "neighbourhood", "o.series[0].data.map(d => d.node.kind)")
    assert kinds == [n["kind"] for n in figure["nodes"]]
    assert option(page, "neighbourhood", "o.series[0].links.length") == len(figure["edges"])
    assert option(page, "neighbourhood", "o.legend[0].data.map(d => d.name)") == \
        ["this paper", "method", "dataset", "process", "related paper"]
    page.locator("#fig-neighbourhood").screenshot(path=shots / "paper-neighbourhood.png")
    box = page.locator("#fig-neighbourhood details.chart-data")
    box.locator("summary").click()
    box.get_by_role("link", name="bootstrap").first.click()  # each node is reachable as a link
    expect(page.locator("h1")).to_have_text("bootstrap")


def test_charts_speak_chinese(page: Page) -> None:
    page.goto("/?lang=zh")
    drawn(page)
    assert option(page, "years", "o.series[0].name").startswith("2.1 复杂自然过程")
    assert option(page, "network", "o.legend[0].data[0].name").startswith("4.1 统计分析")
    expect(page.locator("#fig-network .chart-tools button.download-csv")).to_have_text("数据（CSV）")


def test_home_screenshots(page: Page, shots: Path) -> None:
    page.goto("/")
    drawn(page)
    for name in ("heatmap", "years", "network"):
        page.locator(f"#fig-{name}").screenshot(path=shots / f"chart-{name}.png")
