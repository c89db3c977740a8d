"""The endpoint's rules, decided on a real parse of the query or update.

The text is first made canonical (line ends as LF: SPARQL ends a ``#`` comment at CR or LF, and
parsers have disagreed on CR), then parsed with rdflib's SPARQL 1.1 grammar. Every decision —
the query form, SERVICE targets, the top-level LIMIT, what an update reads and writes, LOAD — is
read from that parse tree, and the canonical text is what the engine receives. A text the guard
cannot parse is refused, never sent on. Before parsing, nesting deeper than :data:`MAX_NESTING`
(counted on raw characters, so nothing can hide it) is refused: recursive parsers overflow their
stacks on it (Oxigraph's aborts the engine process).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Literal, URIRef, Variable

from geokg.errors import ProtocolError, QueryError
from geokg.store.sparql_text import cap_results

#: Deepest nesting of (), {} and [] accepted (counted on the raw text, strings and comments included).
MAX_NESTING = 128
#: Longest query or update text the guard parses.
MAX_TEXT = 256 * 1024
_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}


class Refused(QueryError):
    """The guard refuses a text (unparsable, too deep, or outside the endpoint's rules); 400."""


def canonical(text: str) -> str:
    """The text with CRLF and CR line ends as LF: then every parser ends a comment where the engine does."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def raw_depth(text: str) -> int:
    """Deepest nesting of brackets counted on every character (an upper bound of any parser's depth)."""
    depth = deepest = 0
    for char in text:
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]" and depth:
            depth -= 1
    return deepest


def _precheck(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise Refused(f"the text is longer than {MAX_TEXT} characters")
    if raw_depth(text) > MAX_NESTING:
        raise Refused(f"the text nests brackets deeper than {MAX_NESTING} levels")
    return canonical(text)


#: rdflib's grammar objects keep parse state: one parse at a time (a parse takes milliseconds).
_PARSE_LOCK = threading.Lock()


def _engine_message(text: str, what: str) -> str | None:
    """The engine grammar's own error message for a text the guard could not parse (its positions are
    the ones users see marked in the editor), or None. Only texts that cannot reach the network when
    run on an empty scratch store are tried (no SERVICE, no LOAD), and a query's results are never read."""
    lowered = text.lower()
    if "service" in lowered or "load" in lowered:
        return None
    try:
        if what == "query":
            ox.Store().query(text)
        else:
            ox.Store().update(text)
    except SyntaxError as exc:
        return str(exc)
    except Exception:  # noqa: S110 - it parsed: only evaluation failed on the empty store
        pass
    return None


def _parse(parse: object, text: str, what: str) -> object:
    try:
        with _PARSE_LOCK:
            return parse(text)  # type: ignore[operator]
    except ParseException as exc:
        message = _engine_message(text, what) or f"error at {exc.lineno}:{exc.col}: {exc.msg}"
        raise Refused(f"malformed {what}: {message}") from None
    except RecursionError:
        raise Refused(f"the {what} nests too deeply to be checked") from None
    except Exception as exc:  # any other parser failure: refuse, never pass the text on
        raise Refused(f"malformed {what}: {exc}") from None


def _get(node: object, key: str) -> object:
    """A value of a parse-tree node, or None (``CompValue.get`` answers the key itself when it is missing)."""
    return dict.get(node, key) if isinstance(node, CompValue) else None


def _nodes(node: object) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, (list, ParseResults)):
        for item in node:
            yield from _nodes(item)


class _Names:
    """Resolves IRIs and prefixed names as the prologue declares them, in order."""

    def __init__(self) -> None:
        self.base = ""
        self.prefixes: dict[str, str] = {}

    def declare(self, prologue: object) -> None:
        for node in _nodes(prologue):
            if node.name == "Base":
                self.base = self.iri(node["iri"])
            elif node.name == "PrefixDecl":
                self.prefixes[str(_get(node, "prefix") or "")] = self.iri(node["iri"])

    def iri(self, term: object) -> str:
        if isinstance(term, CompValue) and term.name == "pname":
            prefix = str(_get(term, "prefix") or "")
            if prefix not in self.prefixes:
                raise Refused(f"undeclared prefix {prefix}:")
            return self.prefixes[prefix] + str(_get(term, "localname") or "")
        if isinstance(term, URIRef):
            value = str(term)
            return urljoin(self.base, value) if self.base and not urlsplit(value).scheme else value
        raise Refused(f"not an IRI: {term}")

    def target(self, term: object) -> str:
        """An IRI, or ``?name`` for a variable."""
        return f"?{term}" if isinstance(term, Variable) else self.iri(term)


@dataclass(frozen=True)
class QueryPlan:
    """What the guard read from a query."""

    text: str
    form: str
    services: tuple[str, ...]
    limit: int | None


#: Parsing is most of the guard's cost (rdflib's parser: ≈14 ms for a named question, twice when capped).
#: Plans of recent texts up to this size are kept, so a query asked again (an example, a named
#: question, a page of the editor) is parsed once; a plan depends on nothing but its text.
CACHED_TEXT = 16_384


def read_query(text: str) -> QueryPlan:
    """Parse a query (:class:`Refused` if it cannot be parsed or is not a query)."""
    return _read_query_kept(text) if len(text) <= CACHED_TEXT else _read_query(text)


@lru_cache(maxsize=256)
def _read_query_kept(text: str) -> QueryPlan:
    return _read_query(text)


def _read_query(text: str) -> QueryPlan:
    text = _precheck(text)
    tree = _parse(parseQuery, text, "query")
    assert isinstance(tree, ParseResults)  # noqa: S101 - the parser's contract
    names = _Names()
    names.declare(tree[0])
    body = tree[1]
    form = _FORMS.get(body.name)
    if form is None:
        raise Refused("not a SPARQL query")
    services = [names.target(node["term"]) for node in _nodes(body) if node.name == "ServiceGraphPattern"]
    limit_clause = _get(body, "limitoffset")
    limit = _get(limit_clause, "limit") if isinstance(limit_clause, CompValue) else None
    return QueryPlan(text, form, tuple(services), int(limit.toPython()) if isinstance(limit, Literal) else None)


def capped_query(plan: QueryPlan, cap: int) -> tuple[str, bool]:
    """The text to send so that a SELECT/CONSTRUCT/DESCRIBE returns at most ``cap`` results, and whether
    it was changed. The capped text is parsed again: it must be the same form with a top-level LIMIT
    within the cap, else the query is refused (never sent uncapped)."""
    if plan.form == "ASK" or (plan.limit is not None and plan.limit <= cap):
        return plan.text, False
    text, _ = cap_results(plan.text, cap)
    again = read_query(text)
    if again.form != plan.form or again.limit is None or again.limit > cap or again.services != plan.services:
        raise Refused(f"the query could not be limited to {cap} results; add LIMIT {cap} yourself")
    return again.text, True


# --- updates -------------------------------------------------------------------------------


@dataclass
class UpdatePlan:
    """What the guard read from an update: the graphs it writes and reads, and what it may not do."""

    text: str
    writes: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    loads: list[str] = field(default_factory=list)


_WHOLE = {"DEFAULT": "the default graph", "ALL": "all graphs", "NAMED": "all named graphs"}


def _graph_ref(names: _Names, term: object, operation: str) -> str:
    if isinstance(term, str) and term.upper() in _WHOLE and not isinstance(term, URIRef):
        raise Refused(f"{operation} of {_WHOLE[term.upper()]} is not allowed: an update must name the graphs it writes (GRAPH <iri>)")
    if isinstance(term, CompValue) and term.name == "GraphRefAll":
        return _graph_ref(names, _get(term, "graphiri"), operation)
    return names.iri(term)


def _quads(names: _Names, quads: object, default: str | None, operation: str) -> set[str]:
    """Graphs an INSERT/DELETE template or data block puts triples in."""
    out: set[str] = set()
    if not isinstance(quads, CompValue):
        return out
    if _get(quads, "triples"):
        if default is None:
            raise Refused(f"{operation} puts triples in the default graph, which is the union of all graphs and cannot be "
                          "written: an update must name the graphs it writes (GRAPH <iri> or WITH <iri>)")
        out.add(default)
    for block in _get(quads, "quadsNotTriples") or []:  # type: ignore[attr-defined]
        term = block["term"]
        if isinstance(term, Variable):
            raise Refused(f"{operation} writes to GRAPH ?{term}: name the graphs it writes")
        out.add(names.iri(term))
    return out


def _where_reads(names: _Names, where: object, default: str | None) -> set[str]:
    """Graphs a WHERE clause reads: GRAPH <iri> blocks, and the WITH graph for patterns outside them."""
    reads: set[str] = set()

    def visit(node: object, inside: bool) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise Refused("SERVICE is not allowed in updates")
            if node.name == "GraphGraphPattern":
                term = node["term"]
                if isinstance(term, Variable):
                    raise Refused(f"GRAPH ?{term} in an update's WHERE would read every graph: name the graphs it reads")
                reads.add(names.iri(term))
                visit(_get(node, "graph"), True)
                return
            if node.name == "TriplesBlock" and not inside:
                if default is None:
                    raise Refused("the WHERE clause reads the default graph (the union of all graphs): "
                                  "put its patterns in GRAPH <iri>, or name the graph with WITH <iri>")
                reads.add(default)
            for value in node.values():
                visit(value, inside)
        elif isinstance(node, (list, ParseResults)):
            for item in node:
                visit(item, inside)

    visit(where, False)
    return reads


def read_update(text: str) -> UpdatePlan:
    """Parse an update and list the graphs it writes and reads (:class:`Refused` for what cannot be
    run with exact SPARQL 1.1 semantics over those graphs alone)."""
    text = _precheck(text)
    tree = _parse(parseUpdate, text, "update")
    assert isinstance(tree, CompValue)  # noqa: S101 - the parser's contract
    plan = UpdatePlan(text)
    names = _Names()
    prologues: list[object] = list(_get(tree, "prologue") or [])  # type: ignore[call-overload]
    requests: list[CompValue] = list(_get(tree, "request") or [])  # type: ignore[call-overload]
    for index, op in enumerate(requests):
        if index < len(prologues):
            names.declare(prologues[index])
        name = op.name
        if name == "Load":
            plan.loads.append(names.iri(op["iri"]))
        elif name in ("Clear", "Drop", "Create"):
            plan.writes.add(_graph_ref(names, _get(op, "graphiri"), name.upper()))
        elif name in ("Add", "Copy", "Move"):
            source, target = (_graph_ref(names, g, name.upper()) for g in op["graph"])
            plan.reads.add(source)
            plan.writes.add(target)
            if name == "Move":
                plan.writes.add(source)
        elif name in ("InsertData", "DeleteData"):
            plan.writes |= _quads(names, _get(op, "quads"), None, "INSERT DATA" if name == "InsertData" else "DELETE DATA")
        elif name == "DeleteWhere":
            graphs = _quads(names, _get(op, "quads"), None, "DELETE WHERE")
            plan.writes |= graphs
            plan.reads |= graphs
        elif name == "Modify":
            if _get(op, "using"):
                raise Refused("USING and USING NAMED are not supported: name the graphs the WHERE clause reads with GRAPH <iri>")
            default = names.iri(op["withClause"]) if _get(op, "withClause") is not None else None
            for clause in ("delete", "insert"):
                if _get(op, clause) is not None:
                    plan.writes |= _quads(names, _get(op[clause], "quads"), default, clause.upper())
            plan.reads |= _where_reads(names, _get(op, "where"), default)
        else:
            raise Refused(f"unsupported update operation {name}")
    if not plan.writes and not plan.loads:
        raise Refused("the update writes no graph")
    return plan



def allowed_target(target: str, allowlist: list[str]) -> bool:
    """Whether a SERVICE target is allowlisted: exact IRI, or under an entry ending in '/'."""
    if target.startswith(("?", "$")):
        return False  # a variable endpoint could go anywhere
    return any(target == entry or (entry.endswith("/") and target.startswith(entry)) for entry in allowlist)


def check_services(plan: QueryPlan, allowlist: list[str]) -> None:
    """Refuse (403) a query whose SERVICE targets are not all allowlisted."""
    for target in plan.services:
        if not allowed_target(target, allowlist):
            raise ProtocolError(403, f"outbound request to {target} refused: not in the SERVICE allowlist (GEOKG_SERVICE_ALLOWLIST)")
