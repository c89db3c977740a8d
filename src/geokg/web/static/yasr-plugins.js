// Two result views for YASR (YASGUI's result pane) beside its table: a pivot table and a bar chart
// (ECharts, as on the other pages). YASR's own chart plugins load Google Charts from the web, which
// this offline service must not, so these are small local ones on YASR's plugin interface.
(function () {
  "use strict";
  const K = window.GeoKGCharts;
  const S = JSON.parse(document.getElementById("editor-strings").textContent);
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
  const isNumber = (b) => b && b.type !== "uri" && NUMERIC.test(b.datatype || "");  // typed numbers only ("4.1" is a section)

  function icon(path) {
    const span = document.createElement("span");
    span.innerHTML = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="${path}" fill="currentColor"/></svg>`;
    return span;
  }
  function numericVars(yasr) {
    const bindings = yasr.results.getBindings() || [];
    return yasr.results.getVariables().filter((v) => bindings.some((b) => b[v]) && bindings.every((b) => !b[v] || isNumber(b[v])));
  }
  function show(yasr, b) {  // a cell as text: prefixed IRI, or the literal
    if (!b) return "";
    if (b.type !== "uri") return b.value;
    const prefixes = yasr.getPrefixes();
    for (const [p, ns] of Object.entries(prefixes)) if (b.value.startsWith(ns)) return `${p}:${b.value.slice(ns.length)}`;
    return b.value;
  }
  function select(id, text, options, value, onChange) {
    const wrap = document.createElement("span");
    wrap.className = "plugin-control";
    const label = document.createElement("label");
    label.htmlFor = id; label.textContent = text;
    const el = document.createElement("select");
    el.id = id;
    for (const [v, t] of options) { const o = document.createElement("option"); o.value = v; o.textContent = t; o.selected = v === value; el.appendChild(o); }
    el.addEventListener("change", () => onChange(el.value));
    wrap.append(label, " ", el);
    return wrap;
  }

  class Pivot {
    constructor(yasr) { this.yasr = yasr; this.label = S.pivot; this.priority = 5; this.conf = {}; }
    canHandleResults() { return !!this.yasr.results && (this.yasr.results.getVariables() || []).length >= 1 && !!this.yasr.results.getBindings(); }
    getIcon() { return icon("M1 1h14v14H1zM2 2v3h3V2zm4 0v3h8V2zM2 6v8h3V6zm4 0v8h8V6z"); }
    defaults() {
      const vars = this.yasr.results.getVariables(), nums = numericVars(this.yasr);
      const cats = vars.filter((v) => !nums.includes(v));
      return { rows: cats[0] || vars[0], columns: cats[1] || "", value: nums[0] ? `sum:${nums[0]}` : "count" };
    }
    compute() {
      const c = this.conf, bindings = this.yasr.results.getBindings();
      const rows = new Map(), cols = new Map(), cells = new Map();
      for (const b of bindings) {
        const r = show(this.yasr, b[c.rows]), col = c.columns ? show(this.yasr, b[c.columns]) : S.value;
        rows.set(r, (rows.get(r) || 0)); cols.set(col, true);
        const v = c.value === "count" ? 1 : +((b[c.value.slice(4)] || {}).value || 0);
        cells.set(`${r}\u0000${col}`, (cells.get(`${r}\u0000${col}`) || 0) + v);
      }
      const colKeys = [...cols.keys()].sort(), rowKeys = [...rows.keys()].sort();
      return { rowKeys, colKeys, at: (r, col) => cells.get(`${r}\u0000${col}`) || 0 };
    }
    table() {
      const { rowKeys, colKeys, at } = this.compute();
      const head = [this.conf.rows, ...colKeys, S.total];
      const body = rowKeys.map((r) => [r, ...colKeys.map((c) => at(r, c)), colKeys.reduce((s, c) => s + at(r, c), 0)]);
      return { head, body };
    }
    draw(persistent) {
      this.conf = { ...this.defaults(), ...(persistent || {}) };
      const vars = this.yasr.results.getVariables(), nums = numericVars(this.yasr);
      const root = document.createElement("div");
      root.className = "geokg-pivot";
      const redraw = (key) => (v) => { this.conf[key] = v; this.yasr.storePluginConfig("pivot", this.conf); this.draw(this.conf); };
      const controls = document.createElement("div");
      controls.className = "plugin-controls";
      controls.append(
        select("pivot-rows", S.rows, vars.map((v) => [v, v]), this.conf.rows, redraw("rows")),
        select("pivot-columns", S.columns, [["", S.none], ...vars.map((v) => [v, v])], this.conf.columns, redraw("columns")),
        select("pivot-value", S.value, [["count", S.count], ...nums.map((v) => [`sum:${v}`, `${S.sum} ${v}`])], this.conf.value, redraw("value")));
      const { head, body } = this.table();
      const wrap = document.createElement("div");
      wrap.className = "scroll";
      const t = document.createElement("table");
      t.className = "pivot-table";
      t.innerHTML = "<thead><tr>" + head.map((h) => `<th scope="col">${K.escapeHtml(h)}</th>`).join("") + "</tr></thead><tbody>" +
        body.map((r) => `<tr><th scope="row">${K.escapeHtml(r[0])}</th>` + r.slice(1).map((v) => `<td class="num">${+v.toFixed(6)}</td>`).join("") + "</tr>").join("") + "</tbody>";
      wrap.appendChild(t);
      root.append(controls, wrap);
      this.yasr.resultsEl.replaceChildren(root);
    }
    download() {
      const { head, body } = this.table();
      return { contentType: "text/csv", filename: "pivot.csv", title: "CSV", getData: () => K.csv([head, ...body]) };
    }
  }

  class Chart {
    constructor(yasr) { this.yasr = yasr; this.label = S.chart; this.priority = 4; this.conf = {}; }
    canHandleResults() { return !!this.yasr.results && !!this.yasr.results.getBindings() && numericVars(this.yasr).length > 0; }
    getIcon() { return icon("M1 15h14v-1H2V1H1zm2-2h2V8H3zm3 0h2V4H6zm3 0h2V6H9zm3 0h2V2h-2z"); }
    draw(persistent) {
      const vars = this.yasr.results.getVariables(), nums = numericVars(this.yasr);
      const cats = vars.filter((v) => !nums.includes(v));
      this.conf = { category: cats[0] || vars[0], value: nums[0], series: "", ...(persistent || {}) };
      const c = this.conf, bindings = this.yasr.results.getBindings();
      const root = document.createElement("div");
      root.className = "geokg-chart";
      const redraw = (key) => (v) => { this.conf[key] = v; this.yasr.storePluginConfig("chart", this.conf); this.draw(this.conf); };
      const controls = document.createElement("div");
      controls.className = "plugin-controls";
      controls.append(
        select("chart-category", S.category, vars.map((v) => [v, v]), c.category, redraw("category")),
        select("chart-value", S.value, nums.map((v) => [v, v]), c.value, redraw("value")),
        select("chart-series", S.series, [["", S.none], ...cats.map((v) => [v, v])], c.series, redraw("series")));
      const box = document.createElement("div");
      box.className = "chart";
      root.append(controls, box);
      this.yasr.resultsEl.replaceChildren(root);
      // sum the value per category (and series), keeping the order of the results
      const categories = [], seriesNames = [], sums = new Map();
      for (const b of bindings) {
        const cat = show(this.yasr, b[c.category]), ser = c.series ? show(this.yasr, b[c.series]) : c.value;
        if (!categories.includes(cat)) categories.push(cat);
        if (!seriesNames.includes(ser)) seriesNames.push(ser);
        sums.set(`${cat}\u0000${ser}`, (sums.get(`${cat}\u0000${ser}`) || 0) + +((b[c.value] || {}).value || 0));
      }
      const longest = Math.max(40, ...categories.map((s) => K.measure(s)));
      const left = Math.min(340, longest + 16), lines = Math.ceil(longest / (left - 12));  // long labels wrap
      const height = Math.max(240, 60 + categories.length * Math.max(15 * lines + 6, 14 + 8 * seriesNames.length)) + (seriesNames.length > 1 ? 40 : 0);
      const chart = K.mount(box, height);
      chart.setOption({
        ...K.base, color: K.OKABE_ITO,
        legend: seriesNames.length > 1 ? { top: 0, left: 0, right: 0 } : undefined,
        grid: { left, right: 40, top: seriesNames.length > 1 ? 48 : 16, bottom: 24 },
        tooltip: { ...K.base.tooltip, trigger: "axis", axisPointer: { type: "shadow" } },
        yAxis: { type: "category", inverse: true, data: categories, axisLabel: { width: left - 12, overflow: "break", lineHeight: 15, fontSize: 12 } },
        xAxis: { type: "value", name: c.value },
        series: seriesNames.map((s) => ({ type: "bar", name: s, barMaxWidth: 22, data: categories.map((cat) => sums.get(`${cat}\u0000${s}`) || 0) })),
      });
      box.dataset.drawn = "true";
      const rows = [[c.category, ...seriesNames], ...categories.map((cat) => [cat, ...seriesNames.map((s) => sums.get(`${cat}\u0000${s}`) || 0)])];
      K.toolbar(box, chart, "query-chart", rows);
    }
  }

  Yasgui.Yasr.registerPlugin("pivot", Pivot);
  Yasgui.Yasr.registerPlugin("chart", Chart);
})();
