"""A fast, conservative SHACL pre-check: proves that data conform, or says it cannot.

pySHACL costs about 10 ms per paper record, a hundred times the rest of a load. Nearly every
record is valid, so the loader first asks this checker, compiled once from the shapes graph:
``conforms`` is True only when every constraint is *positively* satisfied under the same
semantics pySHACL applies. On anything else (a violation, a value it is unsure of, a constraint
component or target it does not implement) it answers False and the caller runs pySHACL, whose
report gives the verdict and the messages. So verdicts and messages are pySHACL's by
construction; this module only has to be sound when it says "conforms"
(tests/test_fastshacl.py compares both on every invalid fixture and the valid corpus).

Supported: targets by ``sh:targetClass``; property shapes with a single predicate path;
minCount, maxCount, datatype, pattern (no flags), languageIn, uniqueLang, class, node, hasValue,
nodeKind IRI, minInclusive, qualifiedValueShape with qualifiedMinCount; SPARQL SELECT
constraints (run with pyoxigraph over the same data).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from geokg.model.to_rdf import Triple, ntriples_of
from geokg.store.results import solutions

SH = Namespace("http://www.w3.org/ns/shacl#")

#: Shape predicates that do not constrain anything (messages, names, annotations).
_IGNORED = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.declare, SH.prefixes}
#: Python value type pySHACL requires of a literal of these datatypes (others: any, if well-typed).
_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: str, XSD.integer: int, XSD.decimal: Decimal, XSD.float: float, XSD.boolean: bool,
    XSD.date: dt.date, XSD.time: dt.time, XSD.dateTime: dt.datetime,
}
_NUMBERS = (int, float, Decimal)

#: Index of a data graph: subject → predicate → objects.
Index = dict[Node, dict[Node, set[Node]]]
#: A compiled constraint: (value nodes or the focus node, data) → surely satisfied.
Check = Callable[[Node, list[Node], "Data"], bool]


class Unsupported(Exception):
    """The shapes use something this checker does not implement: use pySHACL for everything."""


def index_of(triples: Iterable[tuple[Node, Node, Node]]) -> Index:
    out: Index = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        out[s][p].add(o)
    return out


class Context:
    """The fixed part of every data graph, prepared once: its index, the class hierarchy
    (rdfs:subClassOf closure) and a pyoxigraph copy for SPARQL constraints."""

    def __init__(self, graph: Graph) -> None:
        self.index = index_of(graph)
        self.store = ox.Store()
        self.store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        direct = {s: po[RDFS.subClassOf] for s, po in self.index.items() if RDFS.subClassOf in po}
        self.superclasses: dict[Node, set[Node]] = {}
        for start in direct:
            seen: set[Node] = set()
            todo = list(direct[start])
            while todo:
                c = todo.pop()
                if c not in seen:
                    seen.add(c)
                    todo.extend(direct.get(c, ()))
            self.superclasses[start] = seen
        self.instances: dict[Node, list[Node]] = {}  # class → its instances in the context


class Data:
    """The data graph (the context plus the graphs being checked) as subject indexes."""

    def __init__(self, context: Context, extra: Index) -> None:
        self.context, self.extra, self.superclasses = context.index, extra, context.superclasses
        self._typed = [s for s, po in extra.items() if RDF.type in po]
        self._classes: dict[Node, set[Node]] = {}  # node → its types and their superclasses

    def objects(self, s: Node, p: Node) -> set[Node]:
        a, b = self.context.get(s), self.extra.get(s)
        found_a = a.get(p, set()) if a else set()
        found_b = b.get(p, set()) if b else set()
        return found_a | found_b if found_a and found_b else found_a or found_b

    def instances(self, cls: Node, in_context: Iterable[Node]) -> set[Node]:
        """Focus nodes of a class target: the context's instances, and subjects typed in the extra graphs."""
        return set(in_context) | {s for s in self._typed if self.instance_of(s, cls)}

    def instance_of(self, node: Node, cls: Node) -> bool:
        classes = self._classes.get(node)
        if classes is None:
            classes = self._classes[node] = set()
            for t in self.objects(node, RDF.type):
                classes.add(t)
                classes |= self.superclasses.get(t, set())
        return cls in classes


def _literal_ok(v: Node, datatype: URIRef) -> bool:
    if not isinstance(v, Literal):
        return False
    if datatype == RDF.langString:  # a language-tagged string, whatever rdflib names its datatype
        return v.language is not None
    if v.datatype is None and v.language is None and datatype == XSD.string:
        return isinstance(v.value, str)
    if v.datatype != datatype or getattr(v, "ill_typed", None) is True:
        return False
    wanted = _VALUE_TYPES.get(datatype)
    if wanted is None:
        return True
    if wanted is int and isinstance(v.value, bool):
        return False
    if wanted is dt.date and isinstance(v.value, dt.datetime):
        return False
    return isinstance(v.value, wanted)


def _string(v: Node) -> str | None:
    """The text a pattern is matched against: SPARQL's STR(), an IRI or a literal's lexical form
    (a date's too). None for a blank node, which no pattern matches."""
    if isinstance(v, (URIRef, Literal)):
        return str(v)
    return None


class CompiledShapes:
    """Shapes compiled to Python checks. :raises Unsupported: see the module docstring."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.sparql: list[tuple[Node, str]] = []  # (target class, SELECT with ?this)
        self.targets: list[tuple[Node, list[Check]]] = []
        self._compiled: dict[Node, list[Check]] = {}
        for kind in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            if any(shapes.subject_objects(kind)):
                raise Unsupported(str(kind))
        targeted = set(shapes.subjects(SH.targetClass))
        if any(shape not in targeted for shape in shapes.subjects(SH.sparql)):
            raise Unsupported("a SPARQL constraint on a shape without sh:targetClass")
        for shape, cls in shapes.subject_objects(SH.targetClass):
            self.targets.append((cls, self._node_shape(shape)))
            for constraint in shapes.objects(shape, SH.sparql):
                self.sparql.append((cls, self._select(constraint)))

    # --- compiling --------------------------------------------------------------------------

    def _one(self, node: Node, predicate: URIRef) -> Node:
        values = list(self.shapes.objects(node, predicate))
        if len(values) != 1:
            raise Unsupported(f"{predicate} given {len(values)} times")
        return values[0]

    def _node_shape(self, shape: Node) -> list[Check]:
        """Checks of a node shape; each gets the focus node as its only value."""
        if shape in self._compiled:
            return self._compiled[shape]
        checks: list[Check] = []
        self._compiled[shape] = checks  # before recursing: a shape may refer to itself
        checks.extend(self._constraints(shape, on_focus=True))
        for prop in self.shapes.objects(shape, SH.property):
            checks.append(self._property_shape(prop))
        return checks

    def _property_shape(self, prop: Node) -> Check:
        path = self._one(prop, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported("a property path other than one predicate")
        constraints = self._constraints(prop, on_focus=False)

        def check(focus: Node, _: list[Node], data: Data) -> bool:
            values = list(data.objects(focus, path))
            return all(c(focus, values, data) for c in constraints)

        return check

    def _constraints(self, shape: Node, on_focus: bool) -> list[Check]:
        g = self.shapes
        checks: list[Check] = []
        handled = {SH.property, SH.path, SH.targetClass, SH.sparql, SH.qualifiedMinCount}
        for p, o in g.predicate_objects(shape):
            if p == RDF.type or p in _IGNORED or p in handled or not str(p).startswith(str(SH)):
                continue
            checks.append(self._component(shape, p, o, on_focus))
        return checks

    def _component(self, shape: Node, p: Node, o: Node, on_focus: bool) -> Check:
        """One constraint component; every check returns True only when surely satisfied."""
        each: Callable[[Node, Data], bool] | None = None
        if p == SH.minCount and not on_focus:
            n = int(str(o))
            return lambda f, vs, d: len(vs) >= n
        if p == SH.maxCount and not on_focus:
            n = int(str(o))
            return lambda f, vs, d: len(vs) <= n
        if p == SH.datatype:
            each = lambda v, d: _literal_ok(v, o)  # type: ignore[arg-type]  # noqa: E731
        elif p == SH.pattern and not any(g for g in self.shapes.objects(shape, SH.flags)):
            regex = re.compile(str(o))
            each = lambda v, d: (s := _string(v)) is not None and regex.search(s) is not None  # noqa: E731
        elif p == SH.languageIn:
            langs = {str(x).lower() for x in Collection(self.shapes, o)}
            if "*" in langs:
                raise Unsupported("languageIn *")
            each = lambda v, d: isinstance(v, Literal) and bool(v.language) and v.language.lower() in langs  # type: ignore[union-attr]  # noqa: E731
        elif p == SH.uniqueLang and not on_focus:
            if o != Literal(True):
                raise Unsupported("uniqueLang other than true")

            def unique(f: Node, vs: list[Node], d: Data) -> bool:
                tags = [v.language.lower() for v in vs if isinstance(v, Literal) and v.language]
                return len(tags) == len(set(tags))

            return unique
        elif p == SH["class"]:
            each = lambda v, d: isinstance(v, (URIRef, BNode)) and d.instance_of(v, o)  # noqa: E731
        elif p == SH.node:
            nested = self._node_shape(o)
            each = lambda v, d: all(c(v, [v], d) for c in nested)  # noqa: E731
        elif p == SH.hasValue:
            return lambda f, vs, d: o in vs
        elif p == SH.nodeKind and o == SH.IRI:
            each = lambda v, d: isinstance(v, URIRef)  # noqa: E731
        elif p == SH.minInclusive and isinstance(o, Literal) and isinstance(o.value, _NUMBERS) and not isinstance(o.value, bool):
            low = o.value
            each = lambda v, d: (isinstance(v, Literal) and isinstance(v.value, _NUMBERS)  # noqa: E731
                                 and not isinstance(v.value, bool) and v.value >= low)
        elif p == SH.qualifiedValueShape and not on_focus:
            if any(self.shapes.objects(shape, SH.qualifiedMaxCount)) or any(self.shapes.objects(shape, SH.qualifiedValueShapesDisjoint)):
                raise Unsupported("qualifiedMaxCount / qualifiedValueShapesDisjoint")
            nested = self._node_shape(o)
            least = int(str(self._one(shape, SH.qualifiedMinCount)))
            return lambda f, vs, d: sum(all(c(v, [v], d) for c in nested) for v in vs) >= least
        if each is None:
            raise Unsupported(f"{p} {o}")
        test = each
        return lambda f, vs, d: all(test(v, d) for v in vs)

    def _select(self, constraint: Node) -> str:
        g = self.shapes
        if any(p not in (RDF.type, SH.select, SH.message, SH.prefixes) and str(p).startswith(str(SH))
               for p in g.predicates(constraint)):
            raise Unsupported("a SPARQL constraint option")
        prefixes = "".join(f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
                           for holder in g.objects(constraint, SH.prefixes) for d in g.objects(holder, SH.declare))
        text = str(self._one(constraint, SH.select))
        if re.search(r"\$(?!this\b)\w+|\bSERVICE\b|\{\s*SELECT\b", text, re.I):
            raise Unsupported("a SPARQL constraint with other pre-bound variables or subqueries")
        return prefixes + text.replace("$this", "?this")

    # --- checking ---------------------------------------------------------------------------

    def conforms(self, context: Context, extra: Iterable[Iterable[Triple]], ntriples: list[str] | None = None) -> bool:
        """Whether the context plus ``extra`` surely conform to the shapes (False: ask pySHACL).
        ``ntriples``: the same graphs already serialised, if the caller has them."""
        graphs = list(extra)
        data = Data(context, index_of(t for g in graphs for t in g))
        if any(RDFS.subClassOf in po for po in data.extra.values()):
            return False  # the graphs change the class hierarchy: leave it to pySHACL
        for cls, checks in self.targets:
            if cls not in context.instances:
                context.instances[cls] = [s for s in context.index if Data(context, {}).instance_of(s, cls)]
            for focus in data.instances(cls, context.instances[cls]):
                if not all(c(focus, [focus], data) for c in checks):
                    return False
        if not self.sparql:
            return True
        texts = ntriples if ntriples is not None else [ntriples_of(g) for g in graphs]
        return self._sparql_conforms(data, context, texts)

    def _sparql_conforms(self, data: Data, context: Context, ntriples: list[str]) -> bool:
        # The graphs go into a graph of their own beside the context's copy (copying the context
        # for every call would cost more than the check), queried together, then removed.
        graph = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
        context.store.load("".join(ntriples), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        try:
            for cls, select in self.sparql:
                for row in solutions(context.store.query(select, default_graph=[ox.DefaultGraph(), graph])):
                    this = row["this"]
                    node = URIRef(this.value) if isinstance(this, ox.NamedNode) else None
                    if node is None or data.instance_of(node, cls):
                        return False
            return True
        finally:
            context.store.remove_graph(graph)


def compile_shapes(shapes: Graph) -> CompiledShapes | None:
    """The compiled shapes, or None when they use anything unsupported."""
    try:
        return CompiledShapes(shapes)
    except (Unsupported, ValueError, TypeError):
        return None

