"""``geokg check``: syntax, SHACL, OWL reasoning and quality-control checks, in one report.

Each check is a function in :data:`CHECKS` returning findings; nothing is registered that does
not run. Exit codes follow pySHACL: 0 all checks pass, 1 errors found (or warnings with
``--strict``), 2 the checker itself failed.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree as ET

import pyoxigraph as ox
from rdflib import Graph

from geokg import resources
from geokg.errors import GeoKGError, ValidationFailed
from geokg.load.corpus import load_corpus
from geokg.model.corpus import Corpus, read_corpus
from geokg.model.extension import read_extension
from geokg.model.ontology import concept_index, read_ontology
from geokg.read.questions import parse_question
from geokg.store.embedded import EmbeddedStore
from geokg.store.results import ntriples, solutions
from geokg.validate.reasoning import reason
from geokg.validate.shapes import validate_graph

ERROR, WARNING = "error", "warning"


@dataclass
class Finding:
    check: str
    severity: str
    where: str
    message: str


@dataclass
class CheckRun:
    name: str
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    crashed: str = ""
    notes: list[str] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class Context:
    """What the checks share: the inputs, and one in-memory store holding every valid part."""

    loaders: Path
    previous_release: Path | None = None
    """A release folder whose concepts must all still exist, or be deprecated (``--previous-release``)."""
    notes: list[str] = field(default_factory=list)
    """Facts a check reports that are not problems (e.g. what reasoning inferred)."""

    @cached_property
    def ontology(self) -> Graph:
        try:
            return read_ontology()
        except ValidationFailed:  # a broken vocabulary extension: the syntax check names its problems
            return read_ontology([resources.ontology_file()])

    @cached_property
    def corpus(self) -> Corpus:
        return read_corpus(self.loaders, concept_index(self.ontology))

    @cached_property
    def store(self) -> EmbeddedStore:
        store = EmbeddedStore()
        # A broken catalogue: the records check reports it; later checks see what loaded.
        with contextlib.suppress(ValidationFailed):
            load_corpus(store, loaders=self.loaders, partial=True)
        return store

    @cached_property
    def whole_graph(self) -> Graph:
        """Union of all graphs in the store, as one rdflib graph (for pySHACL and HermiT)."""
        triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        g = Graph()
        g.parse(data=ntriples(triples), format="nt")
        return g


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(resources.home().resolve()))
    except ValueError:
        return path


def check_syntax(ctx: Context) -> list[Finding]:
    """Ontology, shapes and queries parse."""
    out = []
    for path in [resources.ontology_file(), *sorted(resources.shapes_dir().glob("*.ttl"))]:
        try:
            Graph().parse(path, format="turtle")
        except Exception as exc:
            out.append(Finding("syntax", ERROR, _relative(str(path)), f"not valid Turtle: {exc}"))
    vocabulary = resources.vocabulary_file()
    if vocabulary is not None:
        _, problems = read_extension(vocabulary, read_ontology([resources.ontology_file()]))
        out += [Finding("syntax", ERROR, f"{_relative(p.source)} {p.field}".strip(), p.message) for p in problems]
    project_queries = resources.project_queries_dir()
    for path in [*sorted(resources.queries_dir().rglob("*.rq")), *(sorted(project_queries.glob("*.rq")) if project_queries else [])]:
        try:
            if path.parent in (resources.queries_dir(), project_queries):
                parse_question(path)  # the header of a named question
            ox.Store().query(path.read_text(encoding="utf-8"))  # parses (and runs on nothing)
        except (GeoKGError, SyntaxError) as exc:
            out.append(Finding("syntax", ERROR, _relative(str(path)), str(exc)))
    return out


def check_records(ctx: Context) -> list[Finding]:
    """Every record and catalogue file fits the record model and its references resolve."""
    return [Finding("records", ERROR, _relative(p.source), f"{p.field}: {p.message}" if p.field else p.message)
            for p in ctx.corpus.all_problems]


def check_shacl(ctx: Context) -> list[Finding]:
    """The whole graph (concepts, catalogue, papers) conforms to every shape file."""
    problems = validate_graph(ctx.whole_graph, ("concept", "catalogue", "paper"), "graph")
    return [Finding("shacl", ERROR, p.field or "graph", p.message) for p in problems]


def check_reasoning(ctx: Context) -> list[Finding]:
    """HermiT finds the ontology alone, and with the bundled corpus, consistent and satisfiable."""
    out = []
    for label, graph in (("ontology", ctx.ontology), ("ontology + corpus", ctx.whole_graph)):
        report = reason(graph)
        ctx.notes.append(f"HermiT, {label}: consistent={report.consistent}, {report.inferred_types} type assertions inferred")
        if not report.consistent:
            out.append(Finding("reasoning", ERROR, label, f"inconsistent under HermiT: {report.explanation}"))
        for iri in report.unsatisfiable:
            out.append(Finding("reasoning", ERROR, iri, f"unsatisfiable class ({label})"))
    return out


def check_queries(ctx: Context) -> list[Finding]:
    """The quality-control queries of queries/checks/ return no rows."""
    out = []
    for path in sorted((resources.queries_dir() / "checks").glob("*.rq")):
        severity = ERROR if path.stem.endswith("-violation") else WARNING
        name = path.stem.removesuffix("-violation").removesuffix("-warning")
        for row in solutions(ctx.store.query(path.read_text(encoding="utf-8"))):
            focus, prop, value = (row[v] for v in ("focus", "property", "value"))
            where = f"{getattr(focus, 'value', focus)} {getattr(prop, 'value', '')}".strip()
            detail = f" ({getattr(value, 'value', value)})" if value is not None else ""
            out.append(Finding(f"qc:{name}", severity, where, f"{row['message'].value}{detail}"))
    return out


def check_links(ctx: Context) -> list[Finding]:
    """Mapping tables validate against SSSOM, and every mapped IRI exists, undeprecated, in its ontology."""
    from rdflib.namespace import SKOS

    from geokg.model.records import load_datasets
    from geokg.model.vocab import GKD
    from geokg.resources import ontologies_dir
    from geokg.validate.links import external_index, link_problems, mapping_files, read_table, schema_problems

    files = mapping_files()
    out = [Finding("links", ERROR, _relative(p.source), p.message) for f in files for p in schema_problems(f)]
    folder = ontologies_dir()
    if not folder.is_dir():
        return [*out, Finding("links", WARNING, str(folder), "local copies of the external ontologies not found " "(set GEOKG_ONTOLOGIES): mapped IRIs were not checked")]
    known = {str(s) for s in ctx.ontology.subjects(SKOS.inScheme, None)}
    known |= {str(GKD[d]) for d in ctx.corpus.catalogue.datasets}
    # GeoKG's mapping tables also map the bundled catalogue's datasets, which a project need not hold.
    known |= {str(GKD[d]) for d in load_datasets(resources.package_home() / "loaders" / "datasets", [])}
    tables = [read_table(f) for f in files]
    index = external_index(str(folder))
    ctx.notes.append(f"{sum(len(t.rows) for t in tables)} mapping rows checked against {len(index.terms)} external terms")
    return out + [Finding("links", ERROR, f"{_relative(p.source)} {p.field}", p.message) for p in link_problems(tables, known, index)]


def check_release(ctx: Context) -> list[Finding]:
    """Against a previous release: no concept IRI of it is gone (a retired concept stays, deprecated)."""
    from geokg.release.diff import concept_changes, release_ontology
    from geokg.release.files import ONTOLOGY, verify_release

    if ctx.previous_release is None:
        ctx.notes.append("no previous release given (--previous-release DIR): nothing to compare")
        return []
    path = ctx.previous_release / ONTOLOGY
    if not path.is_file():
        return [Finding("release", ERROR, str(path), "not found: not a release folder")]
    broken = verify_release(ctx.previous_release)
    if broken:
        return [Finding("release", ERROR, str(ctx.previous_release), problem) for problem in broken]
    changes = concept_changes(release_ontology(ctx.previous_release), ctx.ontology)
    ctx.notes.append(f"against {ctx.previous_release.name}: {len(changes.added)} concepts added, {len(changes.moved)} moved, "
                     f"{len(changes.deprecated)} deprecated, {len(changes.vanished)} gone")
    out = [Finding("release", ERROR, iri, "concept of the previous release is gone: keep it with owl:deprecated true "
                   "and dcterms:isReplacedBy") for iri in changes.vanished]
    out += [Finding("release", WARNING, d["iri"], "deprecated without dcterms:isReplacedBy") for d in changes.deprecated
            if not d["replaced_by"]]
    out += [Finding("release", ERROR, iri, "deprecated, and its dcterms:isReplacedBy is no concept") for iri in changes.dangling]
    return out


CHECKS: dict[str, Callable[[Context], list[Finding]]] = {
    "syntax": check_syntax,
    "records": check_records,
    "shacl": check_shacl,
    "reasoning": check_reasoning,
    "queries": check_queries,
    "links": check_links,
    "release": check_release,
}


def run_checks(names: list[str] | None = None, loaders: Path | None = None, previous_release: Path | None = None) -> list[CheckRun]:
    """Run the named checks (all by default); a crashing check is reported, not raised."""
    ctx = Context(loaders or resources.loaders_dir(), previous_release)
    runs = []
    # The release check compares with a previous release: it runs by default only when one is given.
    for name in names or [n for n in CHECKS if n != "release" or previous_release]:
        run = CheckRun(name)
        start = time.perf_counter()
        ctx.notes = []
        try:
            run.findings = CHECKS[name](ctx)
            run.notes = ctx.notes
        except Exception as exc:
            run.crashed = f"{type(exc).__name__}: {exc}"
        run.seconds = round(time.perf_counter() - start, 3)
        runs.append(run)
    return runs


def exit_code(runs: list[CheckRun], strict: bool = False) -> int:
    if any(r.crashed for r in runs):
        return 2
    if any(r.count(ERROR) or (strict and r.count(WARNING)) for r in runs):
        return 1
    return 0


def write_reports(runs: list[CheckRun], folder: Path) -> None:
    """Write ``check-report.json`` and ``check-report.junit.xml`` into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "check-report.json").write_text(json.dumps([asdict(r) for r in runs], ensure_ascii=False, indent=2), encoding="utf-8")
    suites = ET.Element("testsuites", name="geokg check")
    for run in runs:
        suite = ET.SubElement(suites, "testsuite", name=run.name, tests=str(max(1, len(run.findings))),
                              failures=str(run.count(ERROR)), errors=str(int(bool(run.crashed))), time=str(run.seconds))
        if run.crashed:
            case = ET.SubElement(suite, "testcase", classname=f"geokg.{run.name}", name=run.name)
            ET.SubElement(case, "error", message=run.crashed)
        elif not run.findings:
            ET.SubElement(suite, "testcase", classname=f"geokg.{run.name}", name=run.name)
        for i, finding in enumerate(run.findings, 1):
            case = ET.SubElement(suite, "testcase", classname=f"geokg.{finding.check}", name=f"{i}: {finding.where}")
            tag = "failure" if finding.severity == ERROR else "skipped"
            ET.SubElement(case, tag, message=finding.message, type=finding.severity)
    ET.ElementTree(suites).write(folder / "check-report.junit.xml", encoding="utf-8", xml_declaration=True)
