"""The SPARQL editor page (YASGUI in the browser; a form and a server-rendered result table without
JavaScript), and the small JSON helpers its script uses: a named question bound to parameters,
the prefixes and the ontology's terms for autocompletion (so nothing is asked of other sites)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from geokg.errors import NotFound, ProtocolError, QueryError, QueryTimeout, StoreUnavailable
from geokg.model.ontology import default_index
from geokg.model.vocab import GEODM, GKC
from geokg.read.questions import CONCEPT_TYPES, Question, bind, questions
from geokg.store.results import rows, solutions
from geokg.store.sparql_guard import Refused, capped_query, check_services, read_query
from geokg.web.i18n import STRINGS, language
from geokg.web.pages import reader_of, render

router = APIRouter(include_in_schema=False)

#: Rows shown in the page when it runs a query itself (no JavaScript); the full answer is a download away.
PAGE_ROWS = 500
#: Prefixes offered while typing `PREFIX ...` (YASQE's prefix completer reads this instead of prefix.cc).
KNOWN_PREFIXES = {
    "geodm": str(GEODM._NS), "gkc": str(GKC), "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "prov": "http://www.w3.org/ns/prov#", "dcat": "http://www.w3.org/ns/dcat#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#", "foaf": "http://xmlns.com/foaf/0.1/", "schema": "https://schema.org/",
}


def header_value(question: Question, key: str) -> str | None:
    """A header line of the question file the parser does not read (e.g. ``# title-zh:``)."""
    for line in question.text.splitlines():
        if not line.startswith("#"):
            break
        name, _, value = line.lstrip("# ").partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def description(question: Question) -> str:
    """The whole ``# description:`` of the header, with its indented continuation lines."""
    out: list[str] = []
    for line in question.text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# description:"):
            out.append(line.partition(":")[2].strip())
        elif out and line.startswith("#   "):
            out.append(line[1:].strip())
        elif out:
            break
    return " ".join(out) or question.description


def title(question: Question, lang: str) -> str:
    return (header_value(question, f"title-{lang}") if lang != "en" else None) or question.title


def _concept_options(request: Request, ptype: str, lang: str) -> list[dict[str, str]]:
    """The concepts a parameter accepts, as a tree flattened in reading order (indented by depth)."""
    index, labels = default_index(), reader_of(request).concepts.concepts
    scheme = CONCEPT_TYPES[ptype]
    members = index.by_scheme.get(scheme, frozenset()) if scheme else frozenset(index.notation.values())
    children: dict[str, list[str]] = {}
    for c in members:
        for b in index.broader.get(c, ()):
            if b in members:
                children.setdefault(b, []).append(c)
    roots = [c for c in members if not any(b in members for b in index.broader.get(c, ()))]

    def name(c: str) -> str:
        found = labels.get(c)
        text = (found.labels.get(lang) or found.labels.get("en")) if found else None
        return f"{found.notation} {text or c}" if found and found.notation else (text or c)

    def key(c: str) -> tuple[Any, ...]:
        found = labels.get(c)
        notation = found.notation if found else ""
        return (tuple(int(x) for x in notation.split(".") if x.isdigit()) or (999,), name(c).lower())

    out: list[dict[str, str]] = []
    seen: set[str] = set()

    def walk(c: str, depth: int) -> None:
        if c in seen:
            return
        seen.add(c)
        out.append({"value": c, "text": "\u2003" * depth + name(c)})
        for child in sorted(children.get(c, []), key=key):
            walk(child, depth + 1)

    for root in sorted(roots, key=key):
        walk(root, 0)
    return out


def _catalogue(request: Request, kind: str) -> list[dict[str, str]]:
    """Journals or datasets by id and name (cached: the catalogue changes only with a reload)."""
    cache: dict[str, list[dict[str, str]]] = request.app.state.__dict__.setdefault("editor_catalogue", {})
    if kind not in cache:
        cls = "geodm:Journal" if kind == "journal" else "geodm:Dataset"
        found = reader_of(request).select(f"SELECT ?x ?name WHERE {{ ?x a {cls} ; dcterms:title ?name }} ORDER BY LCASE(STR(?name))")
        cache[kind] = [{"value": r["x"].rsplit("/", 1)[-1], "text": r["name"]} for r in found]
    return cache[kind]


def _form(request: Request, question: Question, values: dict[str, str], lang: str) -> list[dict[str, Any]]:
    fields = []
    for p in question.params:
        field: dict[str, Any] = {"name": p.name, "type": p.type, "value": values.get(p.name, p.default or "")}
        if p.type in CONCEPT_TYPES:
            field["options"] = _concept_options(request, p.type, lang)
        elif p.type in ("journal", "dataset"):
            field["options"] = _catalogue(request, p.type)
        fields.append(field)
    return fields


def _bind(request: Request, question: Question, values: dict[str, str]) -> str:
    return bind(question, values, default_index(), reader_of(request).iris)


def _run(request: Request, text: str) -> dict[str, Any]:
    """Run a query for the page itself (the no-JavaScript path): a table of at most PAGE_ROWS rows."""
    reader = reader_of(request)
    try:  # the same guard as /sparql: a real parse, the allowlist, the cap
        plan = read_query(text)
        form = plan.form
        if form not in ("SELECT", "ASK"):
            return {"error": None, "other": True}
        check_services(plan, request.app.state.settings.service_allowlist)
        capped, _ = capped_query(plan, min(PAGE_ROWS, request.app.state.settings.max_rows))
        result = reader.store.query(capped)
    except ProtocolError as exc:
        return {"error": exc.message}
    except (Refused, QueryError, QueryTimeout, StoreUnavailable) as exc:
        return {"error": str(exc)}
    if form == "ASK":
        return {"boolean": bool(result)}
    found = solutions(result)
    names = [v.value for v in found.variables]
    table = []
    for solution in found:
        row: list[dict[str, str | None]] = []
        for n in names:
            term = solution[n]
            if isinstance(term, ox.NamedNode):
                row.append({"text": term.value, "href": reader.iris.local(term.value)})
            else:
                row.append({"text": "" if term is None else term.value,
                            "lang": getattr(term, "language", None) if isinstance(term, ox.Literal) else None})
        table.append(row)
    return {"vars": names, "rows": table, "capped": len(table) >= PAGE_ROWS}


@router.get("/editor", response_class=HTMLResponse)
def editor(request: Request, query: Annotated[str, Query(max_length=100_000)] = "",
           question: str = "", run: bool = False) -> HTMLResponse:
    lang = language(request)
    named = questions()
    chosen = named.get(question) or named.get("papers-by-method-purpose-datatype") or next(iter(named.values()))
    reserved = {"query", "question", "run", "lang"}
    values = {k: v for k, v in request.query_params.items() if k not in reserved and v != ""}
    if question and question in named and not query:
        query = _bind(request, chosen, {k: v for k, v in values.items() if k in {p.name for p in chosen.params}})
    elif not query:
        query = chosen.text
    examples = [{"name": q.name, "title": title(q, lang)} for q in named.values()]
    share = "/editor?" + urlencode({"question": chosen.name, **values, "run": 1}) if question else \
        "/editor?" + urlencode({"query": query, "run": 1})
    return render(request, "editor.html", query=query, question=chosen.name, chosen_title=title(chosen, lang),
                  chosen_description=description(chosen),
                  examples=examples, fields=_form(request, chosen, values, lang),
                  result=_run(request, query) if run else None, share=share,
                  strings={k[len("editor.js."):]: v[lang] for k, v in STRINGS.items() if k.startswith("editor.js.")},
                  config={"question": chosen.name if question else None, "run": run, "prefixes": KNOWN_PREFIXES,
                          "baseIri": reader_of(request).iris.base})


@router.get("/editor/query", response_class=PlainTextResponse)
def bound_question(request: Request, question: str) -> PlainTextResponse:
    """A named question's SPARQL with the given parameters bound (checked and written as terms)."""
    found = questions().get(question)
    if found is None:
        raise NotFound(f"no question {question!r}; see /questions")
    values = {k: v for k, v in request.query_params.items() if k != "question" and v != ""}
    return PlainTextResponse(_bind(request, found, values), media_type="application/sparql-query")


@router.get("/editor/prefixes.json")
def prefixes() -> dict[str, str]:
    return KNOWN_PREFIXES


@router.get("/editor/terms.json")
def terms(request: Request) -> dict[str, list[str]]:
    """Classes and properties of the ontology and the vocabularies the data use, for autocompletion."""
    cache: dict[str, list[str]] = request.app.state.__dict__.setdefault("editor_terms", {})
    store = reader_of(request).store
    if not cache:
        found = rows(store.query("""PREFIX owl: <http://www.w3.org/2002/07/owl#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT DISTINCT ?t ?kind WHERE {
              VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property")
                                     (owl:DatatypeProperty "property") (owl:AnnotationProperty "property") (rdf:Property "property") }
              ?t a ?type FILTER(isIRI(?t)) }"""))
        cache["classes"] = sorted({r["t"] for r in found if r["kind"] == "class"})
        # the predicates the data use beyond the ontology's own (SKOS, Dublin Core, PRISM, PROV), from a
        # sample of papers and the concepts: constant cost however large the graph
        used = reader_of(request).select("""SELECT DISTINCT ?p WHERE {
            { { SELECT ?x WHERE { ?x a geodm:Paper } LIMIT 50 } UNION { SELECT ?x WHERE { ?x skos:inScheme ?scheme } LIMIT 50 } }
            ?x ?p ?o }""")
        cache["properties"] = sorted({r["t"] for r in found if r["kind"] == "property"} | {r["p"] for r in used})
    return cache
