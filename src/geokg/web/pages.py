"""Server-rendered pages for people: search/ask, concept trees, paper and concept pages, comparison,
the SPARQL editor. They read through :mod:`geokg.read` as the REST API does; charts are drawn in the
browser from the ``/figures`` JSON by the bundled ``static/charts.js`` (no external assets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from geokg import __version__
from geokg.errors import GeoKGError, InvalidInput
from geokg.model.vocab import GKC, SCHEME, SCHEMES
from geokg.read import concepts
from geokg.read.context import Reader
from geokg.read.papers import compare, identifier, paper_details
from geokg.read.release import UNRELEASED, release_label
from geokg.read.stats import counts
from geokg.web.i18n import COOKIE, LANGUAGES, label, language, translator
from geokg.web.localise import journal_names, localise

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

EXAMPLES = ("bootstrap uncertainty on satellite data", "哪些论文用机器学习研究冰川?", "random forest", "地震")


def reader_of(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def render(request: Request, template: str, status: int = 200, lang: str | None = None, **context: Any) -> HTMLResponse:
    lang = lang or language(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = templates.TemplateResponse(request, template, {
        "lang": lang, "t": translator(lang), "label": lambda item: label(item, lang), "version": __version__,
        "release": _release(request, lang),
        "switch": {code: "/language?" + urlencode({"lang": code, "next": here}) for code in LANGUAGES},
        "base_iri": reader_of(request).iris.base, "concept_ns": str(GKC),
        "journal_name": lambda j: journal_names(request).get(j, j), **context,
    }, status_code=status)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


def _release(request: Request, lang: str) -> str:
    """The data release served, for the footer; "" when the store cannot tell (an error page)."""
    try:
        text = release_label(reader_of(request).store, reader_of(request).iris)
    except (GeoKGError, AttributeError):  # AttributeError: the app has not started (no store yet)
        return ""
    return translator(lang)("footer.unreleased") if text == UNRELEASED else text


@router.get("/language")
def switch_language(lang: str, next: str = "/") -> Response:
    """Sets the language cookie and goes back; only local paths are followed (no open redirect)."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", counts=counts(reader_of(request)), examples=EXAMPLES)


@router.get("/browse", response_class=HTMLResponse)
def browse(request: Request, scheme: str = "method") -> HTMLResponse:
    return render(request, "browse.html", scheme=scheme, schemes=[s.key for s in SCHEMES if s.browse],
                  tree=concepts.tree(reader_of(request), scheme))


#: The comparison page lists this many papers to pick from (a large graph is picked from search results).
PICK_LIMIT = 100


def _paper_choices(reader: Reader, chosen: list[str], q: str = "") -> list[dict[str, Any]]:
    """The newest papers (or those matching ``q``), and the chosen ones wherever they are."""
    found = reader.index.search([], text=q or None, sort="relevance" if q else "newest", limit=PICK_LIMIT + 1).rows
    picked: list[Any] = [row for d in chosen if (row := reader.index.by_doi(d) or reader.index.by_iri(str(reader.iris.paper(d)))) is not None]
    return [{"doi": r["doi"], "identifier": identifier(r["doi"], r["iri"]), "title": r["title"], "issued": r["issued"],
             "titles": json.loads(r["titles"])} for r in [*found, *picked]]  # search rows and index rows alike


def _shared(papers: list[dict[str, Any]], ids: Any) -> set[str]:
    sets = [set(ids(p)) for p in papers]
    return set.intersection(*sets) if sets else set()


@router.get("/comparison", response_class=HTMLResponse)
def comparison(request: Request, doi: Annotated[list[str], Query(max_length=10)] = []) -> HTMLResponse:  # noqa: B006
    reader = reader_of(request)
    doi = list(dict.fromkeys(doi))
    papers = [{**p, "href": reader.iris.local(p["iri"])} for p in compare(reader, doi)]
    shared = {
        "methods": _shared(papers, lambda p: [a["method"]["id"] for a in p["method_applications"]]),
        "datasets": _shared(papers, lambda p: [d["id"] for d in p["datasets"]]),
        "processes": _shared(papers, lambda p: [x["id"] for x in p["processes"]]),
    } if len(papers) >= 2 else {"methods": set(), "datasets": set(), "processes": set()}
    query = urlencode([("doi", d) for d in doi])
    unique = list({c["identifier"]: c for c in _paper_choices(reader, doi)}.values())
    others = [c for c in unique if c["identifier"] not in doi]
    choices = localise(request, [c for c in unique if c["identifier"] in doi or c in others[:PICK_LIMIT]], language(request))
    return render(request, "compare.html", papers=papers, shared=shared, choices=choices, chosen=set(doi),
                  more_choices=len(others) > PICK_LIMIT,
                  csv_href=f"/compare?{query}&format=csv", json_href=f"/compare?{query}")


# --- Linked Data pages: the HTML representation of entity IRIs (see geokg.linked_data) ---

def paper_page(request: Request, subject: str, headers: dict[str, str]) -> HTMLResponse:
    reader = reader_of(request)
    details = paper_details(reader, subject)
    applications, datasets = details["method_applications"], details["datasets"]
    names = {a["method"]["iri"]: a["method"] for a in applications}
    names.update({x["iri"]: x for x in details["processes"]})
    names.update({p["iri"]: p for a in applications for p in a["purposes"]})
    names.update({t["iri"]: t for d in datasets for t in d["data_types"]})
    names.update({d["iri"]: {"label_en": d["name"], "id": d["id"]} for d in datasets})
    links = [{**e, "concept": names.get(e["concept"], {"id": e["concept"]})} for e in concepts.external_matches(reader, set(names))]
    response = render(request, "paper.html", paper=details, external=links, dataset_names={d["id"]: d["name"] for d in datasets},
                      href=reader.iris.local, subject=subject)
    response.headers.update(headers)
    return response


def concept_page(request: Request, subject: str, headers: dict[str, str]) -> HTMLResponse:
    reader = reader_of(request)
    page = request.query_params.get("page", "1")
    detail = concepts.detail(reader, subject[len(GKC):], int(page) if page.isdigit() and int(page) > 0 else 1)
    facet = SCHEME[detail["scheme"]].facet if detail["scheme"] in SCHEME else None
    filter_href = "/search?" + urlencode({facet: detail["id"]}) if facet else (
        "/search?" + urlencode({"section": detail["notation"]}) if detail.get("notation") else None)
    response = render(request, "concept.html", concept=detail, subject=subject, filter_href=filter_href,
                      papers=localise(request, [{**p, "href": reader.iris.local(p["iri"])} for p in detail["papers"]], language(request)))
    response.headers.update(headers)
    return response


def entity_page(request: Request, subject: str, statements: list[dict[str, str | None]], headers: dict[str, str]) -> HTMLResponse:
    """Any other entity (dataset, journal, source, the ontology): its statements as a table."""
    iris = reader_of(request).iris
    for row in statements:
        row["href"] = iris.local(row["href"]) if row["href"] else None
    response = render(request, "entity.html", subject=subject, statements=statements)
    response.headers.update(headers)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, code=status, message=message)
