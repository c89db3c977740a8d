// The SPARQL editor on YASGUI (static/vendor/yasgui): GeoKG's endpoint, prefixes and ontology terms
// for autocompletion (never LOV or prefix.cc), named questions run from their parameter form,
// result IRIs of GeoKG entities linked to GeoKG's pages, errors shown with their position marked
// in the editor, and the page's URL updated after each run so that it can be shared.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const S = JSON.parse(document.getElementById("editor-strings").textContent);
  const K = window.GeoKGCharts;
  const { Yasqe, Yasr } = Yasgui;
  const endpoint = new URL("/sparql", location.href).href;
  const area = document.getElementById("query");
  const mount = document.getElementById("yasgui");

  // Autocompletion from this server only.
  let terms = null;
  const getTerms = () => terms || (terms = fetch("/editor/terms.json").then((r) => r.json()));
  Yasqe.forkAutocompleter("class", { name: "geokg-class", bulk: true, autoShow: true, persistenceId: null,
    get: () => getTerms().then((t) => t.classes) }, false);
  Yasqe.forkAutocompleter("property", { name: "geokg-property", bulk: true, autoShow: true, persistenceId: null,
    get: () => getTerms().then((t) => t.properties) }, false);
  Object.assign(Yasqe.defaults, {
    autocompleters: ["variables", "prefixes", "geokg-class", "geokg-property"],
    prefixCcApi: new URL("/editor/prefixes.json", location.href).href,
    persistenceId: null, createShortLink: undefined, consumeShareLink: null, editorHeight: "340px",
    screenReaderLabel: "SPARQL query",
  });

  // Result IRIs of the graph open their GeoKG page, in this tab.
  const Table = Yasr.plugins.table;
  Table.defaults.openIriInNewWindow = false;
  const iriLink = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    const html = iriLink.call(this, binding, prefixes);
    const local = K.localPath(binding.value);
    if (local === binding.value) return html;
    const t = document.createElement("template");
    t.innerHTML = html;
    for (const a of t.content.querySelectorAll("a")) { a.setAttribute("href", local); a.removeAttribute("target"); }
    return t.innerHTML;
  };
  // A shortened (ellipsed) cell expands on its first click, which would swallow the first click on
  // its link: links are followed at once (the expansion stays for clicks beside them).
  mount.addEventListener("click", (e) => { if (e.target.closest && e.target.closest("a.iri")) e.stopPropagation(); }, true);
  Yasr.defaults.pluginOrder = ["table", "pivot", "chart", "response"];
  Yasr.defaults.prefixes = config.prefixes;
  Yasr.defaults.persistenceId = null;

  // Errors: the server's message, and its position (oxigraph says "error at LINE:COLUMN") marked.
  const marks = [];
  function clearMarks() { while (marks.length) marks.pop()(); }
  function errorBox(error) {
    const box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    const head = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = `${S.error}${error.status ? ` (${error.status})` : ""}`;
    head.appendChild(strong);
    box.appendChild(head);
    const text = String(error.text || error.statusText || "");
    const at = /error at (\d+):(\d+)/.exec(text);
    const yasqe = yasgui.getTab().getYasqe();
    if (at) {
      const line = +at[1] - 1, column = +at[2] - 1;
      const where = document.createElement("p");
      where.className = "error-position";
      where.textContent = S.at.replace("{line}", at[1]).replace("{column}", at[2]);
      box.appendChild(where);
      const source = yasqe.getDoc().getLine(line);
      if (source !== undefined) {  // the line, with a caret under the column
        const pre = document.createElement("pre");
        pre.className = "error-excerpt";
        pre.textContent = `${source}\n${" ".repeat(Math.max(0, column))}^`;
        box.appendChild(pre);
        clearMarks();
        const end = { line, ch: Math.min(source.length, column + 1) };
        const mark = yasqe.getDoc().markText({ line, ch: Math.min(column, Math.max(0, source.length - 1)) }, end, { className: "geokg-error-mark" });
        yasqe.addLineClass(line, "background", "geokg-error-line");
        marks.push(() => mark.clear(), () => yasqe.removeLineClass(line, "background", "geokg-error-line"));
      }
    }
    const message = document.createElement("pre");
    message.className = "error-message";
    message.textContent = text;
    box.appendChild(message);
    return box;
  }
  Yasr.defaults.errorRenderers = [async (error) => errorBox(error)];

  const yasgui = new Yasgui(mount, {
    requestConfig: { endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: null, populateFromUrl: false, autofocus: false, copyEndpointOnNewTab: true,
    yasqe: { value: area.value },
  });
  document.getElementById("editor-form").hidden = true;  // YASGUI is the editor now
  const tab = () => yasgui.getTab();
  tab().getYasqe().setValue(area.value);
  tab().getYasqe().on("change", clearMarks);

  // After each run the address bar holds a URL that runs the same query (a named question by its parameters).
  let bound = config.question ? { question: config.question, params: new URLSearchParams(new FormData(document.getElementById("question-form"))) } : null;
  let boundText = bound ? tab().getYasqe().getValue() : null;
  function shareUrl() {
    const text = tab().getYasqe().getValue();
    const params = bound && text === boundText ? bound.params : new URLSearchParams({ query: text });
    params.set("run", "1");
    return `/editor?${params}`;
  }
  yasgui.on("queryResponse", () => {
    const url = shareUrl();
    history.replaceState(null, "", url);
    const link = document.getElementById("share-link");
    link.href = url;
    const server = document.getElementById("server-results");
    if (server) server.remove();  // YASGUI shows the answer now
  });
  yasgui.on("queryBefore", clearMarks);

  // A refused query is shown by the error view; the promise's rejection needs no more handling.
  function run() { tab().getYasqe().query().catch(() => {}); }

  // Named questions: the form binds the parameters on the server (checked, written as terms), the
  // editor gets the bound query and runs it.
  const form = document.getElementById("question-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const params = new URLSearchParams(new FormData(form));
    params.delete("run");
    const response = await fetch(`/editor/query?${params}`);
    const text = await response.text();
    let problem = form.querySelector(".query-error");
    if (!response.ok) {
      if (!problem) { problem = document.createElement("div"); problem.className = "query-error"; problem.setAttribute("role", "alert"); form.appendChild(problem); }
      let detail = text;
      try { detail = JSON.parse(text).detail; } catch (_) { /* plain text */ }
      problem.textContent = `${S.bad_params}: ${detail}`;
      return;
    }
    if (problem) problem.remove();
    bound = { question: params.get("question"), params };
    boundText = text;
    tab().getYasqe().setValue(text);
    run();
  });

  // Accessibility of YASGUI's own controls: names for unlabelled selects and inputs.
  function label(root) {
    for (const el of root.querySelectorAll("select:not([aria-label]), input:not([aria-label]):not([type=hidden])")) {
      if (el.id && document.querySelector(`label[for="${el.id}"]`)) continue;
      if (el.closest("label")) continue;
      const name = el.getAttribute("placeholder") || el.getAttribute("title") || el.className || el.name;
      if (name) el.setAttribute("aria-label", name);
    }
  }
  new MutationObserver(() => label(mount)).observe(mount, { childList: true, subtree: true });
  // the editor's scroll area is reachable by keyboard (Tab), as axe asks of scrollable regions
  for (const scroller of mount.querySelectorAll(".CodeMirror-scroll")) scroller.tabIndex = 0;
  label(mount);

  if (config.run) run();
  mount.yasgui = yasgui;  // for the browser tests and the console
  mount.dataset.ready = "true";
})();
