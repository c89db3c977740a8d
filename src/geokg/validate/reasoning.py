"""OWL reasoning with HermiT (through owlready2): consistency and unsatisfiable classes.

owlready2 reads RDF/XML, not Turtle, and would follow ``owl:imports`` over the network; the
graph is therefore converted with rdflib and reasoned over offline. Needs a Java runtime.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal

_RDF_TYPE = RDF.type
#: Datatypes outside the OWL 2 datatype map, which HermiT refuses.
_NOT_OWL2 = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.time, XSD.duration}


@dataclass
class ReasoningReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred_types: int = 0
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def owl2_compatible(graph: Graph) -> Graph:
    """A copy whose literals use only OWL 2 datatypes: HermiT refuses xsd:date, so dates become strings.

    No GeoKG axiom constrains dates, so this changes no reasoning result.
    """
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in _NOT_OWL2:
            o = Literal(str(o), datatype=XSD.string)
        out.add((s, p, o))
    return out


def reason(graph: Graph) -> ReasoningReport:
    """Run HermiT over a graph (TBox and, if present, ABox); report what it finds."""
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "geokg.owl"
        owl2_compatible(graph).serialize(path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        before = {(s, o) for s, _, o in world.as_rdflib_graph().triples((None, _RDF_TYPE, None))}
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasoningReport(consistent=False, explanation=str(exc).strip()[:2000])
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        after = {(s, o) for s, _, o in world.as_rdflib_graph().triples((None, _RDF_TYPE, None))}
        return ReasoningReport(consistent=True, unsatisfiable=unsatisfiable, inferred_types=len(after - before))


