// The figures of the home and paper pages, drawn with ECharts from the /figures JSON (chartkit.js
// has the palettes, downloads and data tables). Every figure has a legend or labelled axes, full
// labels (wrapped or rotated; tooltips give the rest), a data table, and PNG/SVG/CSV downloads.
(function () {
  "use strict";
  const K = window.GeoKGCharts;
  const { label, base, lang } = K;
  const T = {
    en: { papers: "papers", family: "method family", year: "year", total: "all papers", methodA: "method", methodB: "used with",
          kind: "kind", name: "name", pairs: "Pairs shown", strongest: "strongest", all: "all",
          kinds: { paper: "this paper", method: "method", dataset: "dataset", process: "process", "related-paper": "related paper" } },
    zh: { papers: "篇论文", family: "方法类别", year: "年份", total: "全部论文", methodA: "方法", methodB: "共同使用", kind: "类型", name: "名称",
          pairs: "显示的组合", strongest: "最强", all: "全部",
          kinds: { paper: "本论文", method: "方法", dataset: "数据集", process: "自然过程", "related-paper": "相关论文" } },
  }[lang];
  const conceptHref = (id) => `/concept/${encodeURIComponent(id)}`;
  const withNotation = (x) => `${x.notation ? x.notation + " " : ""}${label(x)}`;

  function heatmap(box, data) {
    const rowWidth = 300, cell = 46;
    const colLabels = data.columns.map(label);
    const longest = Math.max(...colLabels.map((s) => K.measure(s)));
    const bottom = Math.ceil(longest * Math.sin(Math.PI / 4)) + 30;  // labels at 45°, never cut
    const height = 16 + cell * data.rows.length + bottom;
    const chart = K.mount(box, height);
    const counts = new Map(data.cells.map((c) => [`${c.row}|${c.column}`, c.papers]));
    const max = Math.max(1, ...data.cells.map((c) => c.papers));
    const values = [];
    data.rows.forEach((r, i) => data.columns.forEach((c, j) => {  // empty cells stay grey (the axis' split areas)
      const n = counts.get(`${r.id}|${c.id}`) || 0;
      if (n) values.push({ value: [j, i, n], label: { color: n > max * 0.55 ? "#fff" : "#1d1d28" } });
    }));
    chart.setOption({
      ...base,
      grid: { left: rowWidth + 14, right: 110, top: 16, bottom },
      tooltip: { ...base.tooltip, formatter: (p) => `${K.escapeHtml(withNotation(data.rows[p.value[1]]))}<br>× ${K.escapeHtml(colLabels[p.value[0]])}: <b>${p.value[2]}</b> ${T.papers}` },
      xAxis: { type: "category", data: colLabels, splitArea: { show: true, areaStyle: { color: ["#f1f1f4", "#ececf1"] } },
               axisLabel: { interval: 0, rotate: 45, fontSize: 12 }, axisTick: { show: false } },
      yAxis: { type: "category", inverse: true, data: data.rows.map(withNotation), triggerEvent: true,
               axisLabel: { width: rowWidth, overflow: "break", fontSize: 12, lineHeight: 15 }, axisTick: { show: false } },
      visualMap: { type: "continuous", min: 1, max, calculable: false, orient: "vertical", right: 8, top: 16,
                   itemHeight: Math.min(160, cell * data.rows.length - 40), text: [`${max} ${T.papers}`, "1"],
                   inRange: { color: K.SEQUENTIAL.slice(1) }, outOfRange: { color: "#f1f1f4" }, textStyle: { fontSize: 12 } },
      series: [{ type: "heatmap", name: T.papers, data: values, itemStyle: { borderColor: "#fff", borderWidth: 2 },
                 label: { show: true, formatter: (p) => (p.value[2] ? String(p.value[2]) : "") } }],
    });
    chart.on("click", (e) => {
      if (e.componentType === "yAxis") location.href = conceptHref(data.rows[e.dataIndex ?? data.rows.map(withNotation).indexOf(e.value)].id);
    });
    const head = [T.family, ...colLabels];
    const rows = data.rows.map((r) => [withNotation(r), ...data.columns.map((c) => counts.get(`${r.id}|${c.id}`) || 0)]);
    K.toolbar(box, chart, "method-family-by-data-type", [head, ...rows]);
    K.dataTable(box, head, data.rows.map((r, i) => [{ href: conceptHref(r.id), text: rows[i][0] }, ...rows[i].slice(1)]));
  }

  function years(box, data) {
    const chart = K.mount(box, 360);
    const many = data.years.length * data.series.length > 36;  // at scale, counts move to the tooltip
    chart.setOption({
      ...base,
      color: K.OKABE_ITO,
      legend: { top: 0, left: 0, right: 0, itemGap: 18, textStyle: { fontSize: 12 } },
      grid: { left: 56, right: 16, top: 64, bottom: 48 },
      tooltip: { ...base.tooltip, trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.years.map(String),
               axisLabel: { interval: 0, fontSize: 12, formatter: (y, i) => `${y}\n{n|n=${data.papers[i]}}`, rich: { n: { color: "#5b5b6b", fontSize: 11 } } } },
      yAxis: { type: "value", name: T.papers, minInterval: 1, nameTextStyle: { fontSize: 12, align: "left" } },
      series: data.series.map((s) => ({
        type: "bar", name: withNotation(s), data: s.papers, barMaxWidth: 34,
        label: { show: !many, position: "top", fontSize: 11, formatter: (p) => (p.value ? p.value : "") },
      })),
    });
    const head = [T.year, T.total, ...data.series.map(withNotation)];
    const rows = data.years.map((y, i) => [y, data.papers[i], ...data.series.map((s) => s.papers[i])]);
    K.toolbar(box, chart, "papers-per-year-by-focus", [head, ...rows]);
    K.dataTable(box, head, rows);
  }

  // The co-occurrence network: methods as nodes sized by papers and coloured by family (legend),
  // edges weighted by shared papers; the strongest pairs only, force layout, zoom and pan.
  function network(box, data) {
    const families = [];
    for (const f of data.families || []) families.push(f);
    for (const n of data.nodes) if (!families.some((f) => f.id === n.family)) families.push({ id: n.family, label_en: n.family, label_zh: n.family });
    // a family keeps its colour whichever families a graph shows: colour i is section 4.(i+1)
    const colour = (f, i) => K.TOL_MUTED[((+String(f.notation || "").split(".")[1] || i + 1) - 1) % K.TOL_MUTED.length];
    const chart = K.mount(box, 640);
    const maxNode = Math.max(1, ...data.nodes.map((n) => n.papers));
    const maxEdge = Math.max(1, ...data.edges.map((e) => e.papers));
    const byId = new Map(data.nodes.map((n) => [n.id, n]));
    // A large graph starts from its 30 strongest pairs (the select offers all): fewer lines, clearer clusters.
    let shown = data.nodes.length > 50 ? Math.min(30, data.edges.length) : data.edges.length, zoom = 1;

    function option() {
      const edges = data.edges.slice(0, shown);
      const used = new Set(edges.flatMap((e) => [e.source, e.target]));
      const nodes = data.nodes.filter((n) => used.has(n.id));
      const big = nodes.map((n) => n.papers).sort((a, b) => b - a)[Math.min(nodes.length - 1, 24)] || 0;
      return {
        ...base,
        color: K.TOL_MUTED,
        legend: { orient: "vertical", right: 0, top: "middle", itemGap: 10, textStyle: { fontSize: 12, width: 230, overflow: "break", lineHeight: 15 },
                  data: families.map((f, i) => ({ name: withNotation(f), icon: "circle", itemStyle: { color: colour(f, i) } })) },
        tooltip: { ...base.tooltip, formatter: (p) => p.dataType === "edge"
          ? `${K.escapeHtml(label(byId.get(p.data.source)))} + ${K.escapeHtml(label(byId.get(p.data.target)))}: <b>${p.data.papers}</b> ${T.papers}`
          : `${K.escapeHtml(label(p.data.node))}: <b>${p.data.node.papers}</b> ${T.papers}<br><small>${K.escapeHtml(withNotation(families[p.data.category]))}</small>` },
        series: [{
          type: "graph", layout: "force", roam: true, zoom, draggable: true, top: 20, bottom: 20, left: 20, right: 290,
          categories: families.map((f, i) => ({ name: withNotation(f), itemStyle: { color: colour(f, i) } })),
          // more nodes, less repulsion and more gravity: the picture stays inside its box
          force: { repulsion: 40 + 4000 / Math.max(10, nodes.length), edgeLength: [30, 120], gravity: 0.1 + nodes.length / 400, layoutAnimation: false },
          emphasis: { focus: "adjacency", label: { show: true } },
          labelLayout: { hideOverlap: true },
          label: { position: "right", fontSize: 12, color: "#1d1d28", formatter: (p) => label(p.data.node) },
          lineStyle: { color: "#6e6e82", opacity: 0.45, curveness: 0.12 },
          data: nodes.map((n) => ({ id: n.id, name: n.id, node: n, value: n.papers,
            category: families.findIndex((f) => f.id === n.family),
            symbolSize: 8 + 28 * Math.sqrt(n.papers / maxNode),
            label: { show: n.papers >= big } })),
          links: edges.map((e) => ({ source: e.source, target: e.target, papers: e.papers,
            lineStyle: { width: 0.8 + 5 * (e.papers / maxEdge) } })),
        }],
      };
    }
    chart.setOption(option());
    chart.on("click", (e) => { if (e.dataType === "node") location.href = conceptHref(e.data.id); });

    const head = [T.methodA, T.methodB, T.papers];
    const rows = data.edges.map((e) => [label(byId.get(e.source)), label(byId.get(e.target)), e.papers]);
    const bar = K.toolbar(box, chart, "method-cooccurrence", [head, ...rows], (factor) => {
      zoom = factor ? zoom * factor : 1;
      if (!factor) chart.setOption(option(), true); else chart.setOption({ series: [{ zoom }] });
    });
    if (data.edges.length > 15) {  // fewer, stronger pairs untangle a large graph
      const id = `${box.closest("figure").id}-pairs`;
      const wrap = document.createElement("span");
      wrap.className = "pairs";
      const steps = [15, 30, data.edges.length].filter((v, i, a) => v <= data.edges.length && a.indexOf(v) === i);
      if (!steps.includes(shown)) steps.push(shown);
      wrap.innerHTML = `<label for="${id}">${T.pairs}</label> <select id="${id}">` +
        steps.map((v) => `<option value="${v}"${v === shown ? " selected" : ""}>${v === data.edges.length ? `${T.all} (${v})` : `${T.strongest} ${v}`}</option>`).join("") + "</select>";
      wrap.querySelector("select").addEventListener("change", (e) => { shown = +e.target.value; zoom = 1; chart.setOption(option(), true); });
      bar.appendChild(wrap);
    }
    K.dataTable(box, head, data.edges.map((e, i) => [{ href: conceptHref(e.source), text: rows[i][0] }, { href: conceptHref(e.target), text: rows[i][1] }, e.papers]));
  }

  function neighbourhood(box, data) {
    const kinds = ["paper", "method", "dataset", "process", "related-paper"];
    const chart = K.mount(box, 560);
    const byId = new Map(data.nodes.map((n) => [n.id, n]));
    chart.setOption({
      ...base,
      color: K.OKABE_ITO,
      legend: { top: 0, left: 0, data: kinds.map((k) => ({ name: T.kinds[k], icon: "circle" })), textStyle: { fontSize: 12 } },
      tooltip: { ...base.tooltip, formatter: (p) => p.dataType === "edge" ? K.escapeHtml(p.data.relation)
        : `${K.escapeHtml(T.kinds[p.data.node.kind])}: ${K.escapeHtml(label(p.data.node))}` },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true, top: 40,
        categories: kinds.map((k) => ({ name: T.kinds[k] })),
        force: { repulsion: 260, edgeLength: [70, 150], gravity: 0.1, layoutAnimation: false },
        emphasis: { focus: "adjacency" },
        labelLayout: { hideOverlap: true },
        label: { show: true, position: "right", fontSize: 12, color: "#1d1d28", width: 200, overflow: "truncate",
                 formatter: (p) => label(p.data.node) },
        data: data.nodes.map((n, i) => ({ id: n.id, name: n.id, node: n, category: kinds.indexOf(n.kind),
          symbolSize: n.kind === "paper" ? 28 : n.kind === "related-paper" ? 16 : 13, label: { show: i > 0 } })),
        links: data.edges.map((e) => ({ source: e.source, target: e.target, relation: e.relation,
          lineStyle: { type: e.relation === "shares" ? "dashed" : "solid", color: "#6e6e82", opacity: 0.6 } })),
      }],
    });
    chart.on("click", (e) => { if (e.dataType === "node") location.href = K.localPath(e.data.id); });
    const head = [T.kind, T.name];
    const rows = data.nodes.map((n) => [T.kinds[n.kind], label(n)]);
    K.toolbar(box, chart, "paper-neighbourhood", [head, ...rows]);
    K.dataTable(box, head, data.nodes.map((n, i) => [rows[i][0], { href: K.localPath(n.id), text: rows[i][1] }]));
  }

  const DRAW = { heatmap, years, network, neighbourhood };
  for (const box of document.querySelectorAll(".chart[data-chart]")) {
    fetch(box.dataset.src, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .then((data) => { DRAW[box.dataset.chart](box, data); box.dataset.drawn = "true"; })
      .catch((err) => { box.textContent = `Could not draw this chart: ${err.message}`; box.dataset.drawn = "error"; });
  }
})();
