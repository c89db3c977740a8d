"""The review page: a curator accepts, edits or rejects the annotator's suggestions for a paper and
saves the record through the one validated write path, or downloads it as YAML.

It joins three floors, like :mod:`geokg.linked_data`: the annotator (:mod:`geokg.annotate`) makes
and merges the suggestions, the write path (:mod:`geokg.load.write`) stores the record, and the web
pages (:mod:`geokg.web`) render it; none of them may import the others.

Security: opening a draft needs the write token (typed into the form, never echoed back). The
review form then carries a review ticket instead: an HMAC of the write token and an expiry time, so
a save needs either; another site can neither read nor forge it (CSRF). Forms are parsed as
``application/x-www-form-urlencoded`` with the standard library; every value reaches the page
through Jinja's autoescaping and the store only as a validated record. Nothing is stored before
the curator saves and the record is valid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from geokg import resources
from geokg.errors import ProtocolError, RecordError, ValidationFailed
from geokg.load.write import GraphWrite
from geokg.model.corpus import read_catalogue
from geokg.model.ontology import default_index
from geokg.model.records import PaperRecord
from geokg.model.to_rdf import paper_triples
from geokg.settings import Settings
from geokg.web.pages import render

router = APIRouter(include_in_schema=False)

#: How long a review ticket stays valid (a curator may take a while over one paper).
TICKET_SECONDS = 4 * 3600
#: Form fields beyond this many are refused (a draft has a few dozen suggestions).
MAX_FIELDS = 2000
#: Headers of every review response: not cached, not framed by another site.
PRIVATE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'",
           "Referrer-Policy": "no-referrer"}


# -- the ticket ------------------------------------------------------------------------------


def _signature(secret: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"geokg-review:{expires}".encode(), hashlib.sha256).hexdigest()


def issue_ticket(secret: str, now: float | None = None) -> str:
    expires = int(now if now is not None else time.time()) + TICKET_SECONDS
    return f"{expires}.{_signature(secret, expires)}"


def ticket_valid(secret: str, ticket: str, now: float | None = None) -> bool:
    expires, _, signature = ticket.partition(".")
    if not secret or not expires.isdigit() or int(expires) < (now if now is not None else time.time()):
        return False
    return secrets.compare_digest(signature.encode(), _signature(secret, int(expires)).encode())


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _require_token(request: Request, token: str) -> None:
    secret = _settings(request).write_token
    if not secret:
        raise ProtocolError(403, "reviewing and saving records needs writes enabled: set GEOKG_WRITE_TOKEN")
    if not secrets.compare_digest(token.encode(), secret.encode()):
        raise ProtocolError(401, "the write token is not right")


def _require_ticket(request: Request, ticket: str) -> None:
    secret = _settings(request).write_token
    if not secret:
        raise ProtocolError(403, "reviewing and saving records needs writes enabled: set GEOKG_WRITE_TOKEN")
    if not ticket_valid(secret, ticket):
        raise ProtocolError(401, "the review form has expired or did not come from this server; open the draft again with the write token")


# -- forms -----------------------------------------------------------------------------------


async def _form(request: Request) -> dict[str, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise ProtocolError(415, "send the review form as application/x-www-form-urlencoded")
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"unreadable form: {exc}") from None
    return {name: values[-1] for name, values in fields.items()}


def _ids(text: str) -> list[str]:
    """Ids typed into a field, separated by commas or spaces."""
    return [w for w in re.split(r"[\s,;，；]+", text) if w]


# -- drafts ----------------------------------------------------------------------------------

_TEXT_FORMS = (("<", "jats"), ("#", "markdown"))


def open_draft(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record fields and the ``draft:`` section of a pasted draft, record or paper text.

    A draft that already has suggestions keeps them (the curator's earlier decisions); a record
    or a text is annotated first."""
    from geokg.annotate import annotate_document, record_document, text_document, with_draft  # spaCy and jieba: loaded on first use

    if not text.strip():
        raise RecordError("draft", "", "paste a draft or record YAML, or a paper's text")
    data: Any = None
    if not text.lstrip().startswith("<"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
    if isinstance(data, dict):
        draft = data.get("draft")
        if isinstance(draft, dict) and any(draft.get(k) for k in ("method_applications", "processes", "findings")):
            return {k: v for k, v in data.items() if k != "draft"}, draft
        annotated = with_draft(data, annotate_document(record_document(data, "draft")))
    else:
        form = next((f for mark, f in _TEXT_FORMS if text.lstrip().startswith(mark)), "text")
        document = text_document(text, form, "draft")
        title = next((s.text for s in document.sections if s.name == "title"), None)
        annotated = with_draft({"title": {"en": title}} if title else {}, annotate_document(document))
    draft = annotated.pop("draft")
    return annotated, draft


def apply_decisions(draft: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """The draft section with the curator's choices: accept or reject, and the edited ids and texts."""
    out: dict[str, Any] = json.loads(json.dumps(draft))  # a deep copy of plain data
    for i, app in enumerate(out.get("method_applications") or []):
        if f"ma-{i}" in form:
            app["accept"] = form[f"ma-{i}"] == "accept"
            app["method"] = form.get(f"ma-{i}-method", app.get("method", "")).strip()
            app["purposes"] = _ids(form.get(f"ma-{i}-purposes", ""))
            app["inputs"] = _ids(form.get(f"ma-{i}-inputs", ""))
    for i, process in enumerate(out.get("processes") or []):
        if f"p-{i}" in form:
            process["accept"] = form[f"p-{i}"] == "accept"
            process["id"] = form.get(f"p-{i}-id", process.get("id", "")).strip()
    for i, finding in enumerate(out.get("findings") or []):
        if f"f-{i}" in form:
            finding["accept"] = form[f"f-{i}"] == "accept"
            finding["text"] = form.get(f"f-{i}-text", finding.get("text", "")).strip()
    return out


def _evidence(items: Any) -> list[dict[str, str]]:
    """Evidence as the words before, the match and the words after, within its sentence."""
    out = []
    for e in items if isinstance(items, list) else []:
        if not isinstance(e, dict) or not isinstance(e.get("sentence"), str):
            continue
        sentence, at, match_at = e["sentence"], e.get("at") or [0, 0], e.get("match_at") or [0, 0]
        try:
            a, b = int(match_at[0]) - int(at[0]), int(match_at[1]) - int(at[0])
        except (TypeError, ValueError, IndexError):
            a = b = 0
        a, b = max(0, min(a, len(sentence))), max(0, min(b, len(sentence)))
        out.append({"section": str(e.get("section", "")), "before": sentence[:a], "match": sentence[a:b], "after": sentence[b:],
                    "at": f"{at[0]}–{at[1]}" if len(at) == 2 else ""})
    return out


def _view(draft: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a draft section."""
    def listed(key: str) -> list[dict[str, Any]]:
        items = draft.get(key)
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def joined(value: Any) -> str:
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")

    found = draft.get("concepts")
    concepts: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "applications": [{"accept": bool(a.get("accept")), "method": str(a.get("method", "")), "purposes": joined(a.get("purposes")),
                          "inputs": joined(a.get("inputs")), "data_types": joined(a.get("data_types")),
                          "label": str((a.get("why") or {}).get("method", "")) if isinstance(a.get("why"), dict) else "",
                          "confidence": a.get("confidence", ""), "evidence": _evidence(a.get("evidence"))} for a in listed("method_applications")],
        "processes": [{"accept": bool(p.get("accept")), "id": str(p.get("id", "")), "label": str(p.get("label", "")),
                       "confidence": p.get("confidence", ""), "evidence": _evidence(p.get("evidence"))} for p in listed("processes")],
        "findings": [{"accept": bool(f.get("accept")), "text": str(f.get("text", "")), "confidence": f.get("confidence", ""),
                      "evidence": _evidence(f.get("evidence"))} for f in listed("findings")],
        "datasets": [{"id": str(d.get("id", "")), "name": str(d.get("name", "")), "data_types": joined(d.get("data_types")),
                      "confidence": d.get("confidence", ""), "evidence": _evidence(d.get("evidence"))} for d in listed("datasets")],
        "concepts": {str(kind): [{"id": str(c.get("id", "")), "label": str(c.get("label", "")), "confidence": c.get("confidence", ""),
                                  "evidence": _evidence(c.get("evidence"))} for c in items if isinstance(c, dict)]
                     for kind, items in concepts.items() if isinstance(items, list)},
        "new_concepts": [{"text": str(n.get("text", "")), "kind": str(n.get("kind", "")),
                          "closest": joined([c.get("label", c.get("id")) for c in n.get("closest") or [] if isinstance(c, dict)]),
                          "evidence": _evidence(n.get("evidence"))} for n in listed("new_concepts")],
    }


def _review_page(request: Request, record_yaml: str, draft: dict[str, Any], problems: list[str] | None = None,
                 status: int = 200) -> HTMLResponse:
    secret = _settings(request).write_token
    response = render(request, "review.html", status=status, reviewing=True, record_yaml=record_yaml,
                      draft_json=json.dumps(draft, ensure_ascii=False), view=_view(draft), problems=problems or [],
                      ticket=issue_ticket(secret))
    response.headers.update(PRIVATE)
    return response


def _start_page(request: Request, text: str = "", problems: list[str] | None = None, status: int = 200) -> HTMLResponse:
    response = render(request, "review.html", status=status, reviewing=False, text=text, problems=problems or [],
                      writable=bool(_settings(request).write_token))
    response.headers.update(PRIVATE)
    return response


# -- saving ----------------------------------------------------------------------------------


def store_record(writer: GraphWrite, record: PaperRecord) -> str:
    """Write a record's paper graph through the validated write path; returns the graph's IRI."""
    catalogue = read_catalogue(resources.loaders_dir(), [])
    types = {d.id: list(d.data_types) for d in catalogue.datasets.values()}
    graph = str(writer.iris.paper_graph(record.id))
    text = paper_triples(record, default_index(), writer.iris, types).ntriples()

    def replace(scratch: ox.Store) -> None:
        scratch.remove_graph(ox.NamedNode(graph))
        scratch.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))

    writer.write({graph}, replace)
    return graph


# -- routes ----------------------------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
def review_start(request: Request) -> HTMLResponse:
    """The form to open a draft: the write token and the draft (or a record, or a paper's text)."""
    return _start_page(request)


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def _accept(data: dict[str, Any]) -> tuple[PaperRecord, dict[str, Any]]:
    from geokg.annotate.drafts import accept_draft

    return accept_draft(data, "review")


@router.post("/review", response_class=HTMLResponse)
async def review_open(request: Request) -> HTMLResponse:
    """Annotate (if needed) and show a draft for review; needs the write token."""
    form = await _form(request)
    _require_token(request, form.get("token", ""))
    text = form.get("draft", "")
    try:
        record, draft = await run_in_threadpool(open_draft, text)
    except RecordError as exc:
        return _start_page(request, text, [str(exc)], status=422)
    return _review_page(request, dump(record) if record else "", draft)


@router.post("/review/save")
async def review_save(request: Request) -> Response:
    """Merge the curator's decisions, validate, then store the record or send it as YAML."""
    form = await _form(request)
    _require_ticket(request, form.get("ticket", ""))
    record_yaml = form.get("record", "")
    try:
        draft = json.loads(form.get("draft", ""))
    except ValueError:
        draft = None
    if not isinstance(draft, dict):
        raise ProtocolError(400, "the form lost its draft; open the draft again")
    draft = apply_decisions(draft, form)
    try:
        record = yaml.safe_load(record_yaml) if record_yaml.strip() else {}
    except yaml.YAMLError as exc:
        return _review_page(request, record_yaml, draft, [f"record: not valid YAML: {exc}"], status=422)
    if not isinstance(record, dict):
        return _review_page(request, record_yaml, draft, ["record: expected a mapping of fields (id, doi, title, …)"], status=422)
    try:
        paper, merged = await run_in_threadpool(_accept, {**record, "draft": draft})
    except ValidationFailed as exc:
        return _review_page(request, record_yaml, draft, [str(p) for p in exc.problems], status=422)
    if form.get("action") == "download":
        return Response(dump(merged), media_type="application/yaml; charset=utf-8",
                        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="{paper.id}.yaml"'})
    writer: GraphWrite = request.app.state.graph_write
    try:
        await run_in_threadpool(store_record, writer, paper)
    except PermissionError as exc:
        raise ProtocolError(403, str(exc)) from None
    except ValidationFailed as exc:
        return _review_page(request, record_yaml, draft, ["the store refused the record; nothing was changed:", *(str(p) for p in exc.problems)], status=422)
    response = render(request, "review.html", reviewing=False, saved=paper.id, saved_title=paper.title.en,
                      problems=[], text="", writable=True)
    response.headers.update(PRIVATE)
    return response
