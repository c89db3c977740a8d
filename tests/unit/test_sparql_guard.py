"""The SPARQL guard decides on a real parse, and agrees with the engine's own grammar (issue 15, finding 2).

The oracle is pyoxigraph, the engine's parser and evaluator in-process: a ``SERVICE`` to port 1 of
127.0.0.1 makes it fail with "port 1 is not allowed" (no connection is made), so whether the engine
would call out is observable; LIMIT caps and update semantics are checked by running the texts.
Hypothesis generates the texts: comments ended by CR, LF or CRLF, decoys in strings and comments,
nesting, escapes.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geokg.errors import ProtocolError
from geokg.store.sparql_guard import CACHED_TEXT, MAX_NESTING, Refused, capped_query, check_services, read_query, read_update

PORT1 = "http://127.0.0.1:1/sparql"
SERVICE = f"SERVICE <{PORT1}> {{ ?a ?b ?c }}"
FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: What may separate two tokens: whitespace, comments ended every way, decoys that only look like syntax.
SEPARATORS = st.sampled_from([
    " ", "\n", "\r", "\r\n", "\t", "\u00a0 ", "#c\n", "#c\r", "#\r", "#\r\n", "# } LIMIT 1\r", "#\n",
    f"\n# {SERVICE}\n", f"\r# {SERVICE}\r", "# ' \" < \r", "#<http://x>\r",
])
DECOYS = st.sampled_from([
    "", f'FILTER("{SERVICE}" != "")', f"FILTER('''{SERVICE}\r''' != '')", 'FILTER("a\\"b" != "#")',
    "FILTER(1<2 && 2>1)", "FILTER(?o<?s||?s>?o)", "BIND(<http://x#y> AS ?i)", 'FILTER(CONTAINS(STR(?s), "}#\\r"))',
    "OPTIONAL { ?s ?p ?o2 }", "FILTER NOT EXISTS { ?s <urn:p> ?o }", "VALUES ?z { 1 2 }",
])


def _oracle_store(rows: int = 30) -> ox.Store:
    store = ox.Store()
    for i in range(rows):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i))))
    return store


STORE = _oracle_store()


def engine_calls_out(text: str) -> bool:
    """Whether the engine's own grammar sees a SERVICE to port 1 (it refuses that port before connecting)."""
    try:
        result = STORE.query(text)
        if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
            list(result)
    except OSError as exc:
        return "port 1" in str(exc)
    except (SyntaxError, ValueError, RuntimeError):
        return False
    return False


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A SELECT with the SERVICE clause at some place or not, decoys, and any separators."""
    parts = ["SELECT", "*", "WHERE", "{", "?s ?p ?o", draw(DECOYS)]
    if draw(st.booleans()):
        parts.insert(draw(st.integers(5, 6)), SERVICE)
    parts.append("}")
    if draw(st.booleans()):
        parts.append(f"LIMIT {draw(st.integers(0, 100_000))}")
    out = parts[0]
    for part in parts[1:]:
        out += draw(SEPARATORS) + part
    return out


@FAST
@given(queries())
def test_the_guard_sees_every_service_the_engine_would_call(text: str) -> None:
    try:
        plan = read_query(text)
    except Refused:
        return  # refused: never sent
    # Whenever the engine would call out (on the raw text or on the text it is sent), the guard saw it.
    # (The converse need not hold: the engine's optimiser may skip a SERVICE a FILTER makes useless.)
    if engine_calls_out(text) or engine_calls_out(plan.text):
        assert PORT1 in plan.services, text


@FAST
@given(queries(), st.integers(1, 20))
def test_capped_queries_return_at_most_the_cap_in_the_engine(text: str, cap: int) -> None:
    text = text.replace(SERVICE, "")  # rows only
    try:
        plan = read_query(text)
        sent, _ = capped_query(plan, cap)
    except Refused:
        return
    assert len(list(STORE.query(sent))) <= cap, (text, sent)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p ?o } #\rLIMIT 50000",
    "SELECT * WHERE { ?s ?p ?o } #\r\nLIMIT 50000",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 50000 #\r",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 50000 VALUES ?s { <urn:s1> <urn:s2> }",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 50000 OFFSET 1",
    "SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 2 } ?s ?p ?o } # LIMIT 1\n",
    "CONSTRUCT WHERE { ?s ?p ?o } #\rLIMIT 50000",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
])
def test_result_cap_holds_whatever_hides_the_limit(text: str) -> None:
    sent, changed = capped_query(read_query(text), 3)
    assert changed
    assert len(list(STORE.query(sent))) <= 3


@pytest.mark.parametrize("text", [
    f"SELECT * WHERE {{ #\r{SERVICE}\n}}",
    f"SELECT * WHERE {{ #\r\n{SERVICE}\n}}",
    f"SELECT * WHERE {{ ?s ?p ?o #\r{SERVICE} }}",
    "PREFIX e: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE e:sparql { ?a ?b ?c } }",
    "BASE <http://127.0.0.1:1/> SELECT * WHERE { SERVICE <sparql> { ?a ?b ?c } }",
    f"SELECT * WHERE {{ FILTER(?o<?s) {SERVICE} FILTER(?s>?o) }}",
    f"SELECT * WHERE {{ {{ SELECT * {{ {SERVICE} }} }} }}",
    f"ASK {{ FILTER EXISTS {{ {SERVICE} }} }}",
])
def test_service_is_seen_however_it_is_hidden(text: str) -> None:
    plan = read_query(text)
    assert PORT1 in plan.services
    with pytest.raises(ProtocolError) as refused:
        check_services(plan, [])
    assert refused.value.status == 403


def test_variable_service_and_prefix_allowlist() -> None:
    assert read_query("SELECT * { BIND(<http://a> AS ?e) SERVICE ?e { ?s ?p ?o } }").services == ("?e",)
    with pytest.raises(ProtocolError):
        check_services(read_query("SELECT * { SERVICE ?e { ?s ?p ?o } }"), ["http://a/"])
    check_services(read_query("SELECT * { SERVICE <http://a/x> { ?s ?p ?o } }"), ["http://a/"])


@st.composite
def nested(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 3 * MAX_NESTING))
    opener = draw(st.sampled_from(["(", "{", "[ <urn:p> "]))
    closer = {"(": ")", "{": "}", "[ <urn:p> ": "]"}[opener]
    filler = draw(st.sampled_from(["", " ", "#c\r", "\"(\"", "\n"]))
    inner = "1" if opener == "(" else "?s ?p ?o"
    body = (opener + filler) * depth + inner + (filler + closer) * depth
    return f"ASK {{ FILTER(1<{body}&&2>1) }}" if opener == "(" else f"SELECT * WHERE {body}"


@FAST
@given(nested())
def test_nesting_is_refused_or_parsed_never_a_crash(text: str) -> None:
    try:
        read_query(text)
    except Refused as exc:
        assert "nest" in str(exc) or "malformed" in str(exc)


def test_the_crash_loop_query_is_refused() -> None:
    with pytest.raises(Refused, match="nest"):
        read_query("ASK { FILTER(1<" + "(" * 10_000 + "1" + ")" * 10_000 + "&&2>1) }")
    with pytest.raises(Refused, match="nest"):
        read_query("ASK { FILTER(1<" + "#\r(" * 10_000 + "1" + ")" * 10_000 + "&&2>1) }")


@FAST
@given(st.text(max_size=300))
def test_any_text_is_parsed_or_refused(text: str) -> None:
    for read in (read_query, read_update):
        with contextlib.suppress(Refused):
            read(text)


# --- updates ------------------------------------------------------------------------------

A, B, C = (f"https://w3id.org/geokg/graph/paper/{x}" for x in "abc")
ONT = "https://w3id.org/geokg/ontology"
GRAPHS = [A, B, C, ONT]


def _dataset() -> ox.Store:
    store = ox.Store()
    for n, graph in enumerate(GRAPHS):
        for i in range(3):
            store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode(f"urn:p{n % 2}"), ox.Literal(f"{graph[-1]}{i}"),
                              ox.NamedNode(graph)))
    store.add(ox.Quad(ox.NamedNode("urn:p0"), ox.NamedNode("urn:kind"), ox.Literal("deletable"), ox.NamedNode(ONT)))
    return store


GRAPH_TERM = st.sampled_from([f"<{g}>" for g in GRAPHS] + ["DEFAULT", "ALL", "?g"])
UPDATE_OPS = st.one_of(
    st.builds(lambda g: f"INSERT DATA {{ GRAPH {g} {{ <urn:n> <urn:p0> 'new' }} }}", GRAPH_TERM),
    st.builds(lambda g: f"DELETE DATA {{ GRAPH {g} {{ <urn:s0> <urn:p0> 'a0' }} }}", GRAPH_TERM),
    st.builds(lambda op, s, t: f"{op} {s} TO {t}", st.sampled_from(["ADD", "COPY", "MOVE"]), GRAPH_TERM, GRAPH_TERM),
    st.builds(lambda op, g: f"{op} GRAPH {g}", st.sampled_from(["CLEAR", "DROP", "CLEAR SILENT"]), GRAPH_TERM),
    st.builds(lambda g, r: f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} GRAPH {r} {{ ?p <urn:kind> 'deletable' }} }}",
              GRAPH_TERM, GRAPH_TERM),
    st.builds(lambda g: f"WITH {g} DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 'x' }} WHERE {{ ?s ?p ?o }}", GRAPH_TERM),
    st.builds(lambda g: f"DELETE WHERE {{ GRAPH {g} {{ ?s <urn:p0> ?o }} }}", GRAPH_TERM),
    st.just("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"),
    st.just(f"DELETE {{ GRAPH <{A}> {{ ?s ?p ?o }} }} USING <{ONT}> WHERE {{ ?s ?p ?o }}"),
    st.just(f"INSERT {{ GRAPH <{A}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"),
    st.just("LOAD <http://127.0.0.1:1/x> INTO GRAPH <https://w3id.org/geokg/graph/paper/a>"),
)


def _quads_by_graph(store: ox.Store) -> dict[str, set[ox.Quad]]:
    out: dict[str, set[ox.Quad]] = {}
    for quad in store:
        out.setdefault(str(getattr(quad.graph_name, "value", "")), set()).add(quad)
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(UPDATE_OPS, min_size=1, max_size=3), SEPARATORS)
def test_updates_run_on_their_graphs_alone_mean_what_they_mean_on_the_whole_dataset(ops: list[str], sep: str) -> None:
    """Exact SPARQL 1.1 semantics or a refusal: run on a copy of only the graphs the plan lists, an
    update changes the written graphs exactly as on the whole dataset, and changes nothing else."""
    text = f" ;{sep}\n".join(ops)
    try:
        plan = read_update(text)
    except Refused:
        return
    if plan.loads:
        assert "LOAD" in text
        return
    whole = _dataset()
    try:
        whole.update(text)
    except (OSError, SyntaxError, ValueError, RuntimeError):
        return  # the engine fails it too (e.g. ADD from a graph that does not exist)
    scratch = ox.Store()
    for quad in _dataset():
        if str(getattr(quad.graph_name, "value", "")) in plan.writes | plan.reads:
            scratch.add(quad)
    scratch.update(plan.text)
    before, after, alone = _quads_by_graph(_dataset()), _quads_by_graph(whole), _quads_by_graph(scratch)
    for graph in set(before) | set(after):
        if graph not in plan.writes:
            assert before.get(graph, set()) == after.get(graph, set()), (text, graph, "changed but not listed")
    for graph in plan.writes:
        assert after.get(graph, set()) == alone.get(graph, set()), (text, graph)


@pytest.mark.parametrize("text", [
    "#\rLOAD <http://127.0.0.1:1/x> INTO GRAPH <https://w3id.org/geokg/graph/paper/a>",
    "# x\r\nLOAD <http://127.0.0.1:1/x> INTO GRAPH <https://w3id.org/geokg/graph/paper/a>",
    "CLEAR GRAPH <https://w3id.org/geokg/graph/paper/a> ; #\rLOAD SILENT <http://127.0.0.1:1/x>",
])
def test_a_hidden_load_is_seen(text: str) -> None:
    assert read_update(text).loads == ["http://127.0.0.1:1/x"]


@pytest.mark.parametrize(("text", "message"), [
    ("CLEAR ALL", "all graphs"), ("DROP DEFAULT", "default graph"), ("ADD <urn:a> TO DEFAULT", "default graph"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "default graph"),
    (f"DELETE {{ GRAPH <{A}> {{ ?s ?p ?o }} }} USING <{ONT}> WHERE {{ ?s ?p ?o }}", "USING"),
    ("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", r"GRAPH \?g"),
    (f"INSERT {{ GRAPH <{A}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}", "default graph"),
    (f"INSERT {{ GRAPH <{A}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{PORT1}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("INSERT DATA { GRAPH x:y { <urn:a> <urn:b> <urn:c> } }", "prefix"),
])
def test_updates_that_need_more_than_named_graphs_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        read_update(text)


def test_the_guard_parses_from_many_threads_at_once() -> None:
    """rdflib's grammar is not re-entrant; concurrent requests must still get correct answers."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o != {i}) }} LIMIT {i + 1}" for i in range(200)]
    with ThreadPoolExecutor(16) as pool:
        plans = list(pool.map(read_query, texts))
    assert [plan.limit for plan in plans] == [i + 1 for i in range(200)]


def test_plans_of_short_texts_are_kept_and_long_texts_are_not() -> None:
    """A query asked again is not parsed again; a hostile client sending long texts cannot fill memory."""
    short = "SELECT * WHERE { ?s ?p ?o } LIMIT 7 # kept"
    assert read_query(short) is read_query(short)
    long = "SELECT * WHERE { ?s ?p ?o } LIMIT 7 #" + "x" * CACHED_TEXT
    assert read_query(long) is not read_query(long) and read_query(long) == read_query(long)
