// Shared chart helpers on Apache ECharts (static/vendor/echarts): colour-blind-safe palettes, label
// wrapping, the language of the page, and the download bar (PNG, SVG, CSV) under every chart.
// Why ECharts: one bundled file draws every figure here (heatmap, grouped bars, a force-directed
// network with zoom and pan), renders SVG (crisp, exportable), and has ARIA descriptions built in.
(function () {
  "use strict";
  const lang = document.documentElement.lang === "zh" ? "zh" : "en";
  const { baseIri, conceptNs } = document.body.dataset;
  const WORDS = {
    en: { png: "PNG", svg: "SVG", csv: "Data (CSV)", download: "Download", table: "Data table", zoomIn: "Zoom in", zoomOut: "Zoom out", reset: "Reset view" },
    zh: { png: "PNG", svg: "SVG", csv: "数据（CSV）", download: "下载", table: "数据表", zoomIn: "放大", zoomOut: "缩小", reset: "还原视图" },
  }[lang];
  // Okabe & Ito (2008), safe for the common colour-vision deficiencies; black moved last.
  const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  // Paul Tol's "muted" scheme: 9 colour-blind-safe hues plus pale grey, for up to 10 categories.
  const TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499", "#BBBBBB"];
  // A sequential single-hue ramp (light to dark blue): order reads the same without colour vision.
  const SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  // Single quotes: ECharts writes the font into SVG style attributes without escaping double quotes.
  const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

  const label = (x) => (lang === "zh" ? x.label_zh : x.label_en) || x.label_en || x.id;
  const localPath = (iri) => iri.startsWith(conceptNs) ? "/concept/" + iri.slice(conceptNs.length)
    : iri.startsWith(baseIri) ? "/" + iri.slice(baseIri.length) : iri;

  // Text width in px at the charts' font size, to size margins so that no label is cut.
  const measure = (() => {
    const ctx = document.createElement("canvas").getContext("2d");
    return (text, size = 12) => { ctx.font = `${size}px ${FONT}`; return ctx.measureText(String(text)).width; };
  })();

  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function csv(rows) {
    const cell = (v) => { const s = v === null || v === undefined ? "" : String(v); return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
    return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
  }

  function save(blob, filename) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 2000);
  }

  function svgText(chart) {
    return chart.renderToSVGString ? chart.renderToSVGString() : decodeURIComponent(chart.getDataURL({ type: "svg" }).split(",")[1]);
  }

  // PNG from the chart's own SVG, drawn at twice its size on a white canvas.
  function png(chart) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      const width = chart.getWidth(), height = chart.getHeight(), scale = 2;
      image.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = width * scale; canvas.height = height * scale;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png");
      };
      image.onerror = () => reject(new Error("the SVG could not be drawn"));
      image.src = URL.createObjectURL(new Blob([svgText(chart)], { type: "image/svg+xml" }));
    });
  }

  function button(text, onClick, cls) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.className = cls || "";
    b.addEventListener("click", onClick);
    return b;
  }

  // The bar under a chart: downloads (PNG, SVG, the data as CSV) and, for zoomable charts, zoom buttons.
  function toolbar(box, chart, name, rows, zoom) {
    const bar = document.createElement("div");
    bar.className = "chart-tools";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", WORDS.download);
    bar.append(
      button(WORDS.png, () => png(chart).then((b) => save(b, `${name}.png`)), "download-png"),
      button(WORDS.svg, () => save(new Blob([svgText(chart)], { type: "image/svg+xml" }), `${name}.svg`), "download-svg"),
      button(WORDS.csv, () => save(new Blob(["\ufeff" + csv(rows)], { type: "text/csv;charset=utf-8" }), `${name}.csv`), "download-csv"));
    if (zoom) bar.append(button("+", () => zoom(1.25), "zoom-in"), button("−", () => zoom(0.8), "zoom-out"), button(WORDS.reset, () => zoom(0), "zoom-reset"));
    for (const b of bar.querySelectorAll(".zoom-in, .zoom-out")) b.setAttribute("aria-label", b.classList.contains("zoom-in") ? WORDS.zoomIn : WORDS.zoomOut);
    box.after(bar);
    return bar;
  }

  // The chart's data as a table (links where a row is a concept), folded under the chart: readable
  // by screen readers and from the keyboard, and a way to every node of a network.
  function dataTable(box, head, body) {
    const details = document.createElement("details");
    details.className = "chart-data";
    const summary = document.createElement("summary");
    summary.textContent = WORDS.table;
    const wrap = document.createElement("div");
    wrap.className = "scroll";
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr>" + head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("") + "</tr></thead><tbody>" +
      body.map((r) => "<tr>" + r.map((c) => `<td>${c && c.href ? `<a href="${escapeHtml(c.href)}">${escapeHtml(c.text)}</a>` : escapeHtml(c)}</td>`).join("") + "</tr>").join("") +
      "</tbody>";
    wrap.appendChild(table);
    details.append(summary, wrap);
    (box.parentElement.querySelector(".chart-tools") || box).after(details);
  }

  // An ECharts instance in `box`, SVG-rendered, resized with the window, reachable as box.chart.
  function mount(box, height) {
    box.style.height = `${height}px`;
    const chart = echarts.init(box, null, { renderer: "svg", locale: lang === "zh" ? "ZH" : "EN" });
    box.chart = chart;
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  const base = {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 12, color: "#1d1d28" },
    aria: { enabled: true },
    tooltip: { confine: true, textStyle: { fontFamily: FONT } },
  };

  window.GeoKGCharts = { lang, WORDS, OKABE_ITO, TOL_MUTED, SEQUENTIAL, FONT, label, localPath, measure, csv, save, svgText, png,
    toolbar, dataTable, mount, base, escapeHtml };
})();
