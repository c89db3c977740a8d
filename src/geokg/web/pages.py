"""Server-rendered pages for people: search/ask, concept trees, paper and concept pages, comparison,
the SPARQL editor. They read through the same functions as the REST API; charts are drawn in the
browser from the ``/figures`` JSON by the bundled ``static/charts.js`` (no external assets)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from geokg import __version__
from geokg.api.deps import ProtocolError, StoreDep
from geokg.api.facets import PREFIXES
from geokg.api.papers_query import paper_details, paper_for_doi
from geokg.api.results import iri, literal, rows
from geokg.api.routers.ask import ask
from geokg.api.routers.concepts import get_concept, lookup, search_concepts
from geokg.api.routers.figures import section_key
from geokg.lookup import CONCEPT_NS
from geokg.web.i18n import COOKIE, LANGUAGES, label, language, translator
from geokg.web.localise import journal_names, localise

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

#: The trees of the concept browser: scheme IRI and the path from a paper to a concept of it.
TREES = {
    "method": ("methods", "geodm:hasMethodApplication/geodm:method"),
    "purpose": ("purposes", "geodm:hasMethodApplication/geodm:purpose"),
    "data-type": ("data-types", "geodm:usesDataset/geodm:dataType"),
    "process": ("processes", "geodm:studiesProcess"),
}
EXAMPLES = ("bootstrap uncertainty on satellite data", "哪些论文用机器学习研究冰川?", "random forest", "地震")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = templates.TemplateResponse(request, template, {
        "lang": lang, "t": translator(lang), "label": lambda item: label(item, lang), "version": __version__,
        "switch": {code: "/language?" + urlencode({"lang": code, "next": here}) for code in LANGUAGES},
        "base_iri": request.app.state.settings.base_iri, "concept_ns": CONCEPT_NS,
        "journal_name": lambda j: journal_names(request).get(j, j), **context,
    }, status_code=status)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


def local_path(iri_text: str, base: str) -> str:
    """Where an entity IRI of the graph is served by this app (its Linked Data page)."""
    if iri_text.startswith(CONCEPT_NS):
        return "/concept/" + iri_text[len(CONCEPT_NS):]
    return "/" + iri_text[len(base):] if iri_text.startswith(base) else iri_text


@router.get("/language")
def switch_language(lang: str, next: str = "/") -> Response:
    """Sets the language cookie and goes back; only local paths are followed (no open redirect)."""
    if lang not in LANGUAGES:
        raise ProtocolError(422, f"language must be one of {', '.join(LANGUAGES)}")
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _counts(store: StoreDep) -> dict[str, int]:
    found = rows(store.query(PREFIXES + """SELECT
        (COUNT(DISTINCT ?p) AS ?papers) (COUNT(DISTINCT ?ma) AS ?applications) (COUNT(DISTINCT ?m) AS ?methods) (COUNT(DISTINCT ?d) AS ?datasets)
        WHERE { ?p a geodm:Paper . OPTIONAL { ?p geodm:hasMethodApplication ?ma . ?ma geodm:method ?m } OPTIONAL { ?p geodm:usesDataset ?d } }"""))
    return found[0]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    return render(request, "home.html", counts=_counts(store), examples=EXAMPLES)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, store: StoreDep, q: Annotated[str, Query(max_length=300)] = "") -> HTMLResponse:
    if not q.strip():
        return RedirectResponse("/", status_code=303)  # type: ignore[return-value]
    answer = ask(request, store, q)
    concepts = search_concepts(request, q=q, scheme=None, iri_=None, limit=8)
    base = request.app.state.settings.base_iri
    return render(request, "search.html", q=q, answer=answer, concepts=concepts,
                  papers=localise(request, [{**p.model_dump(), "href": local_path(p.iri, base)} for p in answer.papers], language(request)),
                  editor_href="/editor?" + urlencode({"query": answer.sparql}))


def concept_tree(request: Request, store: StoreDep, kind: str) -> list[dict[str, Any]]:
    """The concepts of one scheme as a forest, each node with the papers using it or a narrower concept."""
    scheme, path = TREES[kind]
    scheme_iri = iri(CONCEPT_NS + scheme)
    links = rows(store.query(PREFIXES + f"SELECT ?c ?b WHERE {{ ?c skos:inScheme {scheme_iri} OPTIONAL {{ ?c skos:broader ?b }} }}"))
    counts = {r["c"]: r["n"] for r in rows(store.query(PREFIXES + f"""SELECT ?c (COUNT(DISTINCT ?paper) AS ?n) WHERE {{
        ?c skos:inScheme {scheme_iri} . ?x skos:broader* ?c . ?paper {path} ?x }} GROUP BY ?c"""))}
    index = lookup(request)
    nodes: dict[str, dict[str, Any]] = {}
    for r in links:
        cid = r["c"][len(CONCEPT_NS):]
        concept = index.concepts.get(cid)
        labels = concept.labels if concept else {}
        nodes.setdefault(r["c"], {"id": cid, "label_en": labels.get("en", cid), "label_zh": labels.get("zh"),
                                  "notation": concept.notation if concept else "", "papers": counts.get(r["c"], 0),
                                  "children": [], "parents": []})
        if "b" in r:
            nodes[r["c"]]["parents"].append(r["b"])
    roots = []
    for key, node in nodes.items():
        parents = [p for p in node["parents"] if p in nodes]
        for p in parents:
            nodes[p]["children"].append(node)
        if not parents:
            roots.append(node)

    def order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items.sort(key=lambda n: (section_key(n["notation"]) if n["notation"] else (999,),
                                  -n["papers"], n["label_en"].lower()))
        for n in items:
            order(n["children"])
        return items

    return order(roots)


@router.get("/browse", response_class=HTMLResponse)
def browse(request: Request, store: StoreDep, scheme: str = "method") -> HTMLResponse:
    if scheme not in TREES:
        raise ProtocolError(404, f"no concept tree {scheme!r}; choose one of {', '.join(TREES)}")
    return render(request, "browse.html", scheme=scheme, schemes=list(TREES), tree=concept_tree(request, store, scheme))


#: The comparison page lists this many papers to pick from (a large graph is picked from search results).
PICK_LIMIT = 100


def _paper_choices(store: StoreDep, chosen: list[str]) -> list[dict[str, Any]]:
    """The newest papers, and the chosen ones wherever they are."""
    values = " ".join(literal(d) for d in chosen)
    return rows(store.query(PREFIXES + f"""SELECT ?doi ?title ?issued WHERE {{
        {{ SELECT ?p ?issued WHERE {{ ?p a geodm:Paper OPTIONAL {{ ?p dcterms:issued ?issued }} }} ORDER BY DESC(?issued) ?p LIMIT {PICK_LIMIT + 1} }}
        UNION {{ VALUES ?doi {{ {values} }} ?p prism:doi ?doi OPTIONAL {{ ?p dcterms:issued ?issued }} }}
        ?p prism:doi ?doi ; dcterms:title ?title . FILTER(LANG(?title) = "en") }} ORDER BY DESC(?issued) ?doi"""))


def _shared(papers: list[dict[str, Any]], ids: Any) -> set[str]:
    sets = [set(ids(p)) for p in papers]
    return set.intersection(*sets) if sets else set()


@router.get("/comparison", response_class=HTMLResponse)
def comparison(request: Request, store: StoreDep, doi: Annotated[list[str], Query(max_length=10)] = []) -> HTMLResponse:  # noqa: B006
    papers = []
    for d in doi:
        found = paper_for_doi(store, d)
        if found is None:
            raise ProtocolError(404, f"no paper with DOI {d}")
        papers.append({**paper_details(store, *found), "href": local_path(found[0], request.app.state.settings.base_iri)})
    shared = {
        "methods": _shared(papers, lambda p: [a["method"]["id"] for a in p["method_applications"]]),
        "datasets": _shared(papers, lambda p: [d["id"] for d in p["datasets"]]),
        "processes": _shared(papers, lambda p: [x["id"] for x in p["processes"]]),
    } if len(papers) >= 2 else {"methods": set(), "datasets": set(), "processes": set()}
    query = urlencode([("doi", d) for d in doi])
    unique = list({c["doi"]: c for c in _paper_choices(store, doi)}.values())
    others = [c for c in unique if c["doi"] not in doi]
    choices = localise(request, [c for c in unique if c["doi"] in doi or c in others[:PICK_LIMIT]], language(request))
    return render(request, "compare.html", papers=papers, shared=shared, choices=choices, chosen=set(doi),
                  more_choices=len(others) > PICK_LIMIT,
                  csv_href=f"/compare?{query}&format=csv", json_href=f"/compare?{query}")


# --- Linked Data pages: the HTML representation of entity IRIs (see geokg.api.routers.ld) ---

def paper_page(request: Request, store: StoreDep, subject: str, headers: dict[str, str]) -> HTMLResponse:
    details = paper_details(store, subject)
    if not details:
        raise ProtocolError(404, f"nothing is known about {subject}")
    base = request.app.state.settings.base_iri
    concepts = {a["method"]["iri"] for a in details["method_applications"]} | {x["iri"] for x in details["processes"]} \
        | {p["iri"] for a in details["method_applications"] for p in a["purposes"]} \
        | {t["iri"] for d in details["datasets"] for t in d["data_types"]} | {d["iri"] for d in details["datasets"]}
    external = rows(store.query(PREFIXES + f"""SELECT ?c ?rel ?target WHERE {{
        VALUES ?c {{ {' '.join(iri(c) for c in sorted(concepts))} }}
        VALUES ?rel {{ skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }}
        ?c ?rel ?target }} ORDER BY ?c ?rel ?target""")) if concepts else []
    names = {a["method"]["iri"]: a["method"] for a in details["method_applications"]}
    names.update({x["iri"]: x for x in details["processes"]})
    names.update({p["iri"]: p for a in details["method_applications"] for p in a["purposes"]})
    names.update({t["iri"]: t for d in details["datasets"] for t in d["data_types"]})
    names.update({d["iri"]: {"label_en": d["name"], "id": d["id"]} for d in details["datasets"]})
    links = [{"concept": names.get(e["c"], {"id": e["c"]}), "relation": e["rel"].rsplit("#", 1)[-1], "target": e["target"]}
             for e in external]
    dataset_names = {d["id"]: d["name"] for d in details["datasets"]}
    response = render(request, "paper.html", paper=details, external=links, dataset_names=dataset_names,
                      href=lambda x: local_path(x, base), subject=subject)
    response.headers.update(headers)
    return response


def concept_page(request: Request, store: StoreDep, subject: str, headers: dict[str, str]) -> HTMLResponse:
    detail = get_concept(request, store, subject[len(CONCEPT_NS):])
    base = request.app.state.settings.base_iri
    response = render(request, "concept.html", concept=detail, subject=subject,
                      papers=localise(request, [{**p.model_dump(), "href": local_path(p.iri, base)} for p in detail.papers], language(request)))
    response.headers.update(headers)
    return response


def entity_page(request: Request, subject: str, statements: list[dict[str, str | None]], headers: dict[str, str]) -> HTMLResponse:
    """Any other entity (dataset, journal, source, the ontology): its statements as a table."""
    base = request.app.state.settings.base_iri
    for row in statements:
        row["href"] = local_path(row["href"], base) if row["href"] else None
    response = render(request, "entity.html", subject=subject, statements=statements)
    response.headers.update(headers)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, code=status, message=message)
