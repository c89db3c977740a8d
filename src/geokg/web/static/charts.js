// Charts drawn as SVG from the /figures JSON: every element carries its data (data-* attributes)
// and a <title>, and every node links to its page, so charts can be read, tested and used by keyboard.
// No external code: a few small layouts are all these figures need.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const lang = document.documentElement.lang;
  const { baseIri, conceptNs } = document.body.dataset;
  const label = (x) => (lang === "zh" ? x.label_zh : x.label_en) || x.label_en || x.id;
  const localPath = (iri) => iri.startsWith(conceptNs) ? "/concept/" + iri.slice(conceptNs.length)
    : iri.startsWith(baseIri) ? "/" + iri.slice(baseIri.length) : iri;
  const COLOURS = { paper: "#b5179e", method: "#3a0ca3", dataset: "#2a9d8f", process: "#e76f51", "related-paper": "#8d99ae" };
  const KINDS = { en: { paper: "this paper", method: "method", dataset: "dataset", process: "process", "related-paper": "related paper" },
    zh: { paper: "本论文", method: "方法", dataset: "数据集", process: "自然过程", "related-paper": "相关论文" } }[lang === "zh" ? "zh" : "en"];
  const SERIES = ["#264653", "#e9c46a", "#e76f51", "#2a9d8f", "#8d99ae"];

  function el(name, attrs, parent, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function svg(box, width, height, title) {
    // Natural size, shrunk to fit narrow screens, never blown up.
    const root = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title }, box);
    el("title", {}, root, title);
    return root;
  }
  const tip = (node, text) => el("title", {}, node, text);
  const link = (parent, href) => el("a", { href }, parent);
  const truncate = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  function heatmap(box, data) {
    const cellW = 58, cellH = 28, left = 320, top = 140;
    const width = left + cellW * data.columns.length + 10, height = top + cellH * data.rows.length + 10;
    const root = svg(box, width, height, box.closest("figure").querySelector("strong").textContent);
    const counts = new Map(data.cells.map((c) => [`${c.row}|${c.column}`, c.papers]));
    const max = Math.max(1, ...data.cells.map((c) => c.papers));
    data.columns.forEach((c, j) => {
      const x = left + j * cellW + cellW / 2;
      el("text", { x, y: top - 6, transform: `rotate(-40 ${x} ${top - 6})`, class: "axis-label column-label" }, root, truncate(label(c), 24));
    });
    data.rows.forEach((r, i) => {
      const y = top + i * cellH;
      const a = link(root, `/concept/${r.id}`);
      el("text", { x: left - 8, y: y + cellH * 0.65, "text-anchor": "end", class: "axis-label row-label" }, a,
        `${r.notation ? r.notation + " " : ""}${truncate(label(r), 36)}`);
      data.columns.forEach((c, j) => {
        const n = counts.get(`${r.id}|${c.id}`) || 0;
        const shade = n ? 0.15 + 0.85 * (n / max) : 0;
        const rect = el("rect", { x: left + j * cellW, y, width: cellW - 2, height: cellH - 2, class: "cell",
          "data-row": r.id, "data-column": c.id, "data-papers": n,
          fill: n ? `rgba(58, 12, 163, ${shade.toFixed(3)})` : "#f1f1f4" }, root);
        tip(rect, `${label(r)} × ${label(c)}: ${n}`);
        if (n) el("text", { x: left + j * cellW + cellW / 2 - 1, y: y + cellH * 0.65, "text-anchor": "middle",
          class: "cell-label", fill: shade > 0.5 ? "#fff" : "#222" }, root, n);
      });
    });
  }

  function years(box, data) {
    const left = 40, bottom = 40, top = 10, right = 230, groupW = 90, height = 260;
    const width = left + groupW * data.years.length + right;
    const root = svg(box, width, height, box.closest("figure").querySelector("strong").textContent);
    const max = Math.max(1, ...data.papers, ...data.series.flatMap((s) => s.papers));
    const y = (v) => height - bottom - (height - bottom - top) * (v / max);
    for (let t = 0; t <= max; t += Math.max(1, Math.ceil(max / 5))) {
      el("line", { x1: left, x2: left + groupW * data.years.length, y1: y(t), y2: y(t), class: "grid" }, root);
      el("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "axis-label" }, root, t);
    }
    const barW = (groupW - 16) / data.series.length;
    data.years.forEach((year, i) => {
      const x0 = left + i * groupW + 8;
      el("text", { x: x0 + (groupW - 16) / 2, y: height - bottom + 18, "text-anchor": "middle", class: "axis-label year-label" }, root, year);
      data.series.forEach((s, k) => {
        const n = s.papers[i];
        const bar = el("rect", { x: x0 + k * barW, y: y(n), width: barW - 2, height: y(0) - y(n), fill: SERIES[k % SERIES.length],
          class: "bar", "data-series": s.id, "data-year": year, "data-papers": n }, root);
        tip(bar, `${year} · ${label(s)}: ${n}`);
      });
      const total = el("text", { x: x0 + (groupW - 16) / 2, y: height - bottom + 32, "text-anchor": "middle", class: "axis-note" }, root,
        `n=${data.papers[i]}`);
      total.setAttribute("data-total", data.papers[i]);
    });
    data.series.forEach((s, k) => {
      const ly = top + 14 + k * 20, lx = left + groupW * data.years.length + 14;
      const a = link(root, `/concept/${s.id}`);
      el("rect", { x: lx, y: ly - 10, width: 12, height: 12, fill: SERIES[k % SERIES.length], class: "legend-swatch" }, a);
      el("text", { x: lx + 18, y: ly, class: "legend-label" }, a, truncate(`${s.notation || ""} ${label(s)}`, 34));
    });
  }

  function network(box, data) {
    const size = 820, cx = size / 2, cy = size / 2, ring = 230;
    const root = svg(box, size, size, box.closest("figure").querySelector("strong").textContent);
    const nodes = [...data.nodes].sort((a, b) => (a.family || "").localeCompare(b.family || "") || a.id.localeCompare(b.id));
    const pos = new Map(nodes.map((n, i) => {
      const angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      return [n.id, { x: cx + ring * Math.cos(angle), y: cy + ring * Math.sin(angle), angle }];
    }));
    const maxEdge = Math.max(1, ...data.edges.map((e) => e.papers));
    const edges = el("g", { class: "edges" }, root);
    for (const e of data.edges) {
      const a = pos.get(e.source), b = pos.get(e.target);
      const line = el("path", { d: `M${a.x},${a.y} Q${cx},${cy} ${b.x},${b.y}`, class: "edge", fill: "none",
        "stroke-width": 0.8 + 4 * (e.papers / maxEdge), "data-source": e.source, "data-target": e.target, "data-papers": e.papers }, edges);
      tip(line, `${e.source} + ${e.target}: ${e.papers}`);
    }
    const maxNode = Math.max(1, ...nodes.map((n) => n.papers));
    const families = [...new Set(nodes.map((n) => n.family))];
    for (const n of nodes) {
      const p = pos.get(n.id);
      const a = link(root, `/concept/${n.id}`);
      a.setAttribute("class", "node");
      a.setAttribute("data-id", n.id);
      a.setAttribute("data-papers", n.papers);
      const c = el("circle", { cx: p.x, cy: p.y, r: 4 + 10 * Math.sqrt(n.papers / maxNode),
        fill: SERIES[families.indexOf(n.family) % SERIES.length] }, a);
      tip(c, `${label(n)}: ${n.papers}`);
      const outside = Math.cos(p.angle) >= 0;
      const lx = cx + (ring + 18) * Math.cos(p.angle), ly = cy + (ring + 18) * Math.sin(p.angle);
      const deg = (p.angle * 180) / Math.PI + (outside ? 0 : 180);
      el("text", { x: lx, y: ly + 3, "text-anchor": outside ? "start" : "end", transform: `rotate(${deg} ${lx} ${ly})`,
        class: "node-label" }, a, truncate(label(n), 28));
    }
  }

  function neighbourhood(box, data) {
    const size = 780, cx = size / 2, cy = size / 2;
    const root = svg(box, size, size, box.closest("figure").querySelector("strong").textContent);
    const [centre, ...rest] = data.nodes;
    const inner = rest.filter((n) => n.kind !== "related-paper"), outer = rest.filter((n) => n.kind === "related-paper");
    const pos = new Map([[centre.id, { x: cx, y: cy }]]);
    inner.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / inner.length - Math.PI / 2;
      pos.set(n.id, { x: cx + 150 * Math.cos(angle), y: cy + 150 * Math.sin(angle), angle });
    });
    // Each related paper sits beyond the middle of what it shares, then neighbours are pushed
    // apart to at least GAP radians so that no two overlap.
    const GAP = 0.42;
    const wanted = outer.map((n) => {
      const shared = data.edges.filter((e) => e.source === n.id).map((e) => pos.get(e.target)).filter(Boolean);
      const mx = shared.reduce((s, p) => s + p.x, 0) - cx * shared.length, my = shared.reduce((s, p) => s + p.y, 0) - cy * shared.length;
      return { n, angle: Math.atan2(my, mx) };
    }).sort((a, b) => a.angle - b.angle);
    wanted.forEach((w, i) => { if (i > 0) w.angle = Math.max(w.angle, wanted[i - 1].angle + GAP); });
    for (const w of wanted) pos.set(w.n.id, { x: cx + 235 * Math.cos(w.angle), y: cy + 235 * Math.sin(w.angle), angle: w.angle });
    const edges = el("g", { class: "edges" }, root);
    for (const e of data.edges) {
      const a = pos.get(e.source), b = pos.get(e.target);
      const line = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: `edge ${e.relation === "shares" ? "shares" : ""}`,
        "data-relation": e.relation }, edges);
      tip(line, e.relation);
    }
    for (const n of data.nodes) {
      const p = pos.get(n.id);
      const a = link(root, localPath(n.id));
      a.setAttribute("class", `node ${n.kind}`);
      a.setAttribute("data-kind", n.kind);
      el("circle", { cx: p.x, cy: p.y, r: n.kind === "paper" ? 14 : 8, fill: COLOURS[n.kind] }, a);
      tip(a, `${KINDS[n.kind]}: ${label(n)}`);
      if (n.kind !== "paper") {
        const right = Math.cos(p.angle) >= 0;
        el("text", { x: p.x + (right ? 11 : -11), y: p.y + 4, "text-anchor": right ? "start" : "end", class: "node-label" }, a,
          truncate(label(n), n.kind === "related-paper" ? 22 : 26));
      }
    }
    const legend = el("g", { class: "legend" }, root);
    Object.entries(COLOURS).forEach(([kind, colour], i) => {
      el("circle", { cx: 12, cy: 14 + i * 18, r: 6, fill: colour }, legend);
      el("text", { x: 24, y: 18 + i * 18, class: "legend-label" }, legend, KINDS[kind]);
    });
  }

  const DRAW = { heatmap, years, network, neighbourhood };
  for (const box of document.querySelectorAll(".chart[data-chart]")) {
    fetch(box.dataset.src, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .then((data) => { DRAW[box.dataset.chart](box, data); box.dataset.drawn = "true"; })
      .catch((err) => { box.textContent = `Could not draw this chart: ${err.message}`; box.dataset.drawn = "error"; });
  }
})();
