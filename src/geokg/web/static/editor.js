// The SPARQL editor: a textarea under a highlighted copy of its text, runs through /sparql
// (SPARQL 1.1 Protocol), results as a table, downloads as CSV or JSON. No external code.
(function () {
  "use strict";
  const KEYWORDS = new Set(("SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX BASE DISTINCT REDUCED FROM NAMED GRAPH OPTIONAL UNION MINUS " +
    "FILTER BIND VALUES SERVICE SILENT GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET AS NOT IN EXISTS COUNT SUM MIN MAX AVG SAMPLE " +
    "GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE " +
    "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID " +
    "STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR " +
    "REPLACE A TRUE FALSE INSERT DELETE DATA WITH USING DEFAULT ALL LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO").split(" "));
  const TOKEN = /(#[^\n]*)|(<[^<>"{}|^`\\\s]*>)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+)|(@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|([A-Za-z][\w-]*)?:([\w.-]*[\w-])?|(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_]+)/g;
  const { baseIri, conceptNs } = document.body.dataset;
  // Entity IRIs of the graph open their page on this server; other IRIs are left as they are.
  const localPath = (iri) => iri.startsWith(conceptNs) ? "/concept/" + iri.slice(conceptNs.length)
    : iri.startsWith(baseIri) ? "/" + iri.slice(baseIri.length) : iri;
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  function highlight(text) {
    let out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escape(text.slice(last, m.index));
      let cls = null;
      if (m[1]) cls = "tok-comment";
      else if (m[2]) cls = "tok-iri";
      else if (m[3]) cls = "tok-string";
      else if (m[4]) cls = "tok-var";
      else if (m[5]) cls = "tok-lang";
      else if (m[0].includes(":")) cls = "tok-pname";
      else if (m[8]) cls = "tok-number";
      else if (m[9] && KEYWORDS.has(m[9].toUpperCase())) cls = "tok-keyword";
      out += cls ? `<span class="${cls}">${escape(m[0])}</span>` : escape(m[0]);
      last = m.index + m[0].length;
    }
    return out + escape(text.slice(last)) + "\n";
  }

  const form = document.getElementById("editor-form");
  const area = document.getElementById("query");
  const code = document.getElementById("highlight");
  const pre = code.parentElement;
  const status = document.getElementById("status");
  const table = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const downloads = { csv: document.getElementById("download-csv"), json: document.getElementById("download-json") };

  function refresh() { code.innerHTML = highlight(area.value); pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; }
  area.addEventListener("input", refresh);
  area.addEventListener("scroll", () => { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
  area.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("examples").addEventListener("change", (e) => {
    if (examples[e.target.value]) { area.value = examples[e.target.value]; refresh(); }
  });

  function post(accept) {
    return fetch("/sparql", {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: area.value }),
    });
  }

  function show(json) {
    table.replaceChildren();
    if (json.boolean !== undefined) { status.textContent = `ASK: ${json.boolean}`; return; }
    const vars = json.head.vars, bindings = json.results.bindings;
    const head = table.createTHead().insertRow();
    for (const v of vars) { const th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); }
    const body = table.createTBody();
    for (const b of bindings) {
      const row = body.insertRow();
      for (const v of vars) {
        const cell = row.insertCell(), term = b[v];
        if (!term) continue;
        if (term.type === "uri") {
          const a = document.createElement("a");
          a.href = localPath(term.value);
          a.textContent = term.value; cell.appendChild(a);
        } else { cell.textContent = term.value; if (term["xml:lang"]) cell.lang = term["xml:lang"]; }
      }
    }
    status.textContent = `${bindings.length} ${bindings.length === 1 ? "row" : "rows"}`;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "…";
    const started = performance.now();
    const response = await post("application/sparql-results+json, text/turtle;q=0.9");
    const type = response.headers.get("content-type") || "";
    if (!response.ok) {
      table.replaceChildren(); status.textContent = `${response.status}: ${await response.text()}`;
      downloads.csv.disabled = downloads.json.disabled = true; return;
    }
    if (type.includes("json")) { show(await response.json()); }
    else { table.replaceChildren(); const cap = table.createCaption(); const p = document.createElement("pre"); p.textContent = await response.text(); cap.appendChild(p); status.textContent = type; }
    status.textContent += ` · ${Math.round(performance.now() - started)} ms`;
    downloads.csv.disabled = downloads.json.disabled = !type.includes("json");
  });

  async function download(kind) {
    const response = await post(kind === "csv" ? "text/csv" : "application/sparql-results+json");
    const blob = await response.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = `results.${kind}`;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  downloads.csv.addEventListener("click", () => download("csv"));
  downloads.json.addEventListener("click", () => download("json"));
  refresh();
})();
