"""The ``geokg`` command line: thin commands over the library; progress and colour live here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from geokg.errors import GeoKGError, ValidationFailed
from geokg.settings import Settings, get_settings
from geokg.store import BACKENDS, RDF_FORMATS, Store, open_store
from geokg.store.adapters import ADAPTERS

EXPORT_FORMATS = {**RDF_FORMATS, "jsonld": None}
OUTPUT_FORMATS = ("table", "csv", "tsv", "json")


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _open(ctx: click.Context, create: bool = True) -> Store:
    return open_store(_settings(ctx), create=create)


@click.group()
@click.option("--project", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Project folder (default: the current folder or the nearest above it holding geokg-project.yaml, "
                   "else GEOKG_HOME, else the bundled corpus).")
@click.option("--store", envvar="GEOKG_STORE", help="Store folder (oxigraph) or server URL (sparql). [GEOKG_STORE; default: the project's .geokg/store]")
@click.option("--backend", envvar="GEOKG_BACKEND", type=click.Choice(list(BACKENDS)), help="Store backend. [GEOKG_BACKEND]")
@click.option("--engine", envvar="GEOKG_ENGINE", type=click.Choice(list(ADAPTERS)),
              help="The SPARQL server of the sparql backend (its endpoints and quirks). [GEOKG_ENGINE]")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="geokg")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, store: str | None, backend: str | None, engine: str | None,
        verbose: bool) -> None:
    """GeoKG: a validated knowledge graph of geoscience data mining.

    A remote SPARQL server's endpoints, union graph and account are set by GEOKG_QUERY_ENDPOINT,
    GEOKG_UPDATE_ENDPOINT, GEOKG_GRAPH_STORE_ENDPOINT, GEOKG_UNION_GRAPH, GEOKG_STORE_USER and
    GEOKG_STORE_PASSWORD (see the README).
    """
    from geokg import resources

    if project is not None:
        if not (project / resources.PROJECT_FILE).is_file() and not (project / "loaders").is_dir():
            raise click.BadParameter(f"{project} is not a GeoKG project (no {resources.PROJECT_FILE}; `geokg init` makes one)",
                                     param_hint="--project")
        resources.use_project(project)
    overrides: dict[str, Any] = {k: v for k, v in {"store": store, "backend": backend, "engine": engine}.items() if v}
    settings = get_settings().model_copy(update=overrides)
    chosen = resources.project_home()
    if chosen is not None and "store" not in overrides and settings.backend == "oxigraph" and settings.store in ("", Settings.model_fields["store"].default):
        # A project keeps its store inside itself, wherever the command runs from.
        settings = settings.model_copy(update={"store": str(chosen / ".geokg" / "store")})
    ctx.obj = settings
    ctx.meta["verbose"] = verbose


LOADERS_HELP = "Folder with records/, datasets/, venues (default: the project's loaders/)."


@cli.command()
@click.option("--loaders", type=click.Path(exists=True, file_okay=False, path_type=Path), help=LOADERS_HELP)
@click.option("--partial", is_flag=True, help="Load the valid records even if some are invalid (default: all or nothing).")
@click.option("--release", "release_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Load this release folder as it is instead (checksums verified first; see `geokg release`).")
@click.pass_context
def load(ctx: click.Context, loaders: Path | None, partial: bool, release_dir: Path | None) -> None:
    """Validate the records and load them into the store (idempotent; never removes a paper); or load a release folder."""
    if release_dir is not None:
        _load_release(ctx, release_dir)
        return
    _sync(ctx, loaders, partial=partial)


@cli.command()
@click.option("--loaders", type=click.Path(exists=True, file_okay=False, path_type=Path), help=LOADERS_HELP)
@click.option("--status", is_flag=True, help="Only list how the store differs from the folder; change nothing.")
@click.option("--prune", is_flag=True, help="Remove the papers whose record file is gone (listed first).")
@click.option("--overwrite", is_flag=True, help="Replace papers changed through the API with their record files.")
@click.option("--partial", is_flag=True, help="Load the valid records even if some are invalid.")
@click.pass_context
def sync(ctx: click.Context, loaders: Path | None, status: bool, prune: bool, overwrite: bool, partial: bool) -> None:
    """Bring the store in line with the project folder, and say how they differ.

    The folder is the source of truth, but nothing in the store is lost without asking: papers with
    no record file stay until --prune, papers changed through the API stay until --overwrite.
    """
    if status and (prune or overwrite):
        raise click.UsageError("--status changes nothing; leave out --prune and --overwrite")
    _sync(ctx, loaders, partial=partial, prune=prune, overwrite=overwrite, status=status)


def _sync(ctx: click.Context, loaders: Path | None, *, partial: bool = False, prune: bool = False, overwrite: bool = False,
          status: bool = False) -> None:
    from tqdm import tqdm

    from geokg.index.open import open_index
    from geokg.load.build import VALIDATE_BATCH
    from geokg.load.corpus import load_corpus
    from geokg.model.vocab import Iris

    store = _open(ctx, create=not status)
    iris = Iris(_settings(ctx).base_iri)
    try:
        if prune:  # say what goes before it goes
            plan = load_corpus(store, loaders=loaders, iris=iris, partial=True, prune=True, dry_run=True)
            for paper in plan.removed:
                click.echo(f"removing {paper} (its record file is gone)")
        report = load_corpus(
            store,
            loaders=loaders,
            iris=iris,
            partial=partial,
            prune=prune,
            overwrite=overwrite,
            dry_run=status,
            progress=lambda batches: tqdm(batches, desc=f"records (batches of {VALIDATE_BATCH})", unit="batch", disable=None, file=sys.stderr),
            side_index=None if status else open_index(_settings(ctx)),
        )
        if not status:
            _forget_release(store, iris)
    except ValidationFailed as exc:
        _print_rejected(exc.problems)
        raise click.ClickException(f"{len(exc.problems)} problem(s); nothing was loaded (use --partial to load the valid records)") from None
    finally:
        store.close()
    _print_rejected(report.rejected)
    if status:
        for title, papers in (("new or changed in the folder (sync loads them)", report.written),
                              ("changed through the API, differ from their record file (sync --overwrite replaces them)", report.changed_in_store),
                              ("only in the store, no record file (sync --prune removes them)", report.only_in_store)):
            click.echo(f"{title}: {len(papers)}")
            for paper in papers:
                click.echo(f"  {paper}")
        click.echo(f"{len(report.unchanged)} unchanged")
        return
    click.echo(
        f"{len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.rejected)} rejected"
    )
    if report.changed_in_store:
        click.echo(f"{len(report.changed_in_store)} changed through the API kept as they are: {', '.join(report.changed_in_store[:10])}"
                   + (" …" if len(report.changed_in_store) > 10 else "") + " (geokg sync --status)")
    if report.only_in_store and not prune:
        click.echo(f"{len(report.only_in_store)} in the store without a record file kept: {', '.join(report.only_in_store[:10])}"
                   + (" …" if len(report.only_in_store) > 10 else "") + " (geokg sync --prune removes them)")
    if report.rejected:
        ctx.exit(1)


def _print_rejected(problems: list[Any]) -> None:
    for problem in problems:
        click.secho(f"error: {problem}", fg="red", err=True)


@cli.command()
@click.argument("query")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter of a named question.")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True)
@click.option("--server", metavar="URL", help="Ask a running GeoKG server (its /sparql and /ask) instead of opening the store; "
              "automatic when `geokg serve` holds the store.")
@click.option("--create", is_flag=True, help="Create the store if it does not exist (else a missing store is an error).")
@click.pass_context
def query(ctx: click.Context, query: str, params: tuple[str, ...], fmt: str, server: str | None, create: bool) -> None:
    """Run SPARQL: a .rq file, a named question's name, the query text itself, or a question in words
    (understood as /ask understands it, which is shown)."""
    from geokg.model.vocab import Iris
    from geokg.read.questions import query_kind, resolve_query
    from geokg.store.results import write_results

    values = dict(p.split("=", 1) for p in params if "=" in p)
    if len(values) != len(params):
        raise click.BadParameter("use NAME=VALUE", param_hint="--param")
    server = server or _serving(_settings(ctx))
    if query_kind(query) == "words":
        if values:
            raise click.BadParameter("--param only applies to a named question or a .rq file", param_hint="--param")
        ctx.invoke(ask, question=query, fmt="json" if fmt == "json" else "table", server=server)
        return
    text = resolve_query(query, values, Iris(_settings(ctx).base_iri))
    if server:
        write_results(_ask_server(server, text), fmt, sys.stdout)
        return
    store = _open(ctx, create=create)
    try:
        write_results(store.query(text), fmt, sys.stdout)
    finally:
        store.close()


def _ask_server(server: str, text: str) -> Any:
    """Run a query on a GeoKG server's /sparql: its results (or triples) as the embedded store gives them."""
    import httpx
    import pyoxigraph as ox

    try:
        response = httpx.post(f"{server.rstrip('/')}/sparql", data={"query": text}, timeout=120,
                              headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{server} did not answer: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise click.ClickException(f"{server} answered {response.status_code}: {response.text[:500]}")
    if response.headers.get("content-type", "").startswith("application/n-triples"):
        return _triples(response.content)
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    cap = response.headers.get("x-geokg-result-cap")
    if cap and isinstance(results, ox.QuerySolutions):
        rows = list(results)
        if len(rows) >= int(cap):
            click.echo(f"(the server answers at most {cap} rows: there may be more)", err=True)
        results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return results


def _triples(data: bytes) -> Any:
    import pyoxigraph as ox

    scratch = ox.Store()
    scratch.load(data, format=ox.RdfFormat.N_TRIPLES)
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _server_file(settings: Settings) -> Path | None:
    """Where `geokg serve` notes the URL it serves an embedded store at (beside the store folder)."""
    if settings.backend != "oxigraph" or not settings.store:
        return None
    store = Path(settings.store)
    return store.parent / f"{store.name}.server.json"


def _serving(settings: Settings) -> str | None:
    """The URL of a `geokg serve` process holding the embedded store (it is locked meanwhile), if one runs."""
    import json
    import os

    note = _server_file(settings)
    if note is None or not note.is_file():
        return None
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        os.kill(int(data["pid"]), 0)  # still running?
    except (OSError, ValueError, KeyError, TypeError):
        return None
    click.echo(f"(the store is served by process {data['pid']}: asking {data['url']})", err=True)
    return str(data["url"])


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice([*EXPORT_FORMATS, "sssom-tsv", "sssom-json"]), default="nquads", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output).")
@click.option("--graph", help="Export only this named graph.")
@click.option("--mappings", is_flag=True, help="Export the SSSOM mapping tables (formats sssom-tsv, sssom-json).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, graph: str | None, mappings: bool) -> None:
    """Export the store (or one graph) as Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD;
    with --mappings, the mapping tables as SSSOM TSV or JSON."""
    import pyoxigraph as ox

    if mappings or fmt.startswith("sssom"):
        from geokg.validate.links import export_mappings

        export_mappings("json" if fmt == "sssom-json" else "tsv", output)
        return
    rdf_format = RDF_FORMATS.get(fmt) or ox.RdfFormat.JSON_LD
    store = _open(ctx)
    try:
        if output:
            tmp = output.with_name(output.name + ".part")
            with tmp.open("wb") as out:
                store.dump(out, rdf_format, graph)
            tmp.replace(output)  # a reader never sees a half-written export
        else:
            store.dump(sys.stdout.buffer, rdf_format, graph)
    finally:
        store.close()


@cli.command()
@click.option("--host", envvar="GEOKG_HOST", help="Address to bind. [GEOKG_HOST, default 127.0.0.1]")
@click.option("--port", envvar="GEOKG_PORT", type=int, help="Port. [GEOKG_PORT, default 8000]")
@click.option("--no-load", is_flag=True, help="Serve the store as it is, without loading the project's records first.")
@click.option("--workers", envvar="GEOKG_WORKERS", type=click.IntRange(1), default=1,
              help="API processes (sparql backend only: an embedded store has one process). [GEOKG_WORKERS]")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, no_load: bool, workers: int) -> None:
    """Load the project's new and changed records (never removing a paper), then serve the SPARQL endpoint and the API."""
    import atexit
    import json
    import os

    import uvicorn

    from geokg.app import SERVER_OPTIONS, create_app, server_config

    s = _settings(ctx).model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    if workers > 1 and s.backend != "sparql":
        raise click.UsageError("--workers needs the sparql backend: an embedded store is opened by one process only")
    if not no_load:
        ctx.invoke(load)
    note = _server_file(s)
    if note is not None:  # `geokg query` finds the server here while it holds the store's lock
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(json.dumps({"url": f"http://{s.host}:{s.port}", "pid": os.getpid()}), encoding="utf-8")
        atexit.register(lambda: note.unlink(missing_ok=True))
    if workers == 1:
        uvicorn.Server(server_config(create_app(s), host=s.host, port=s.port, log_level="info")).run()
        return
    # Each worker process builds its app from the environment: pass on what the command line set.
    os.environ.update({"GEOKG_STORE": s.store, "GEOKG_BACKEND": s.backend, "GEOKG_ENGINE": s.engine})
    uvicorn.run("geokg.app:app_from_environment", factory=True, host=s.host, port=s.port, workers=workers, log_level="info",
                **SERVER_OPTIONS)  # type: ignore[arg-type]


@cli.command()
@click.option("--rebuild", is_flag=True, help="Index every paper anew (else only what differs from the store).")
@click.pass_context
def index(ctx: click.Context, rebuild: bool) -> None:
    """Bring the side index (lists, counts, text search) in line with the store."""
    from tqdm import tqdm

    from geokg.index.open import index_path, open_index
    from geokg.index.sync import reconcile
    from geokg.model.vocab import Iris

    store = _open(ctx, create=False)
    side_index = open_index(_settings(ctx))
    prefix = Iris(_settings(ctx).base_iri).paper_graph_prefix
    try:
        if rebuild:
            side_index.clear()
        with tqdm(desc="papers indexed", unit="paper", disable=None, file=sys.stderr) as bar:
            indexed, dropped = reconcile(store, side_index, prefix, progress=bar.update)
    finally:
        store.close()
    click.echo(f"{indexed} indexed, {dropped} dropped; {side_index.paper_count()} papers in {index_path(_settings(ctx)) or 'memory'}")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder: Path) -> None:
    """Create a project folder: records, datasets, venues, a vocabulary extension, queries, a README and a CI workflow."""
    from geokg.project import init_project

    written = init_project(folder)
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"GeoKG project ready in {folder}: run geokg commands inside it (or with --project {folder})")


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["bibtex", "ris", "csl-json", "openalex"]), help="The files' format (default: from each file's name and content).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Folder for the drafts (default: the project's drafts/).")
def import_(files: tuple[Path, ...], fmt: str | None, output: Path | None) -> None:
    """Import BibTeX, RIS, CSL-JSON or OpenAlex JSON files as draft records of the project.

    A paper already in the project (same DOI, or same title and year) is merged into its draft, not
    duplicated; a broken entry is reported with its line or key and the rest is imported. New venues
    are added to loaders/venues.yaml.
    """
    from geokg import resources
    from geokg.ingest.bibliography import import_files

    project = resources.project_home()
    if project is None:
        raise click.UsageError("import writes into a project: run it inside one (geokg init makes one) or give --project")
    report = import_files(list(files), resources.loaders_dir(), output or project / "drafts", fmt)
    for line in report.merged:
        click.echo(f"duplicate: {line}")
    _print_rejected(report.problems)
    if report.venues_added:
        click.echo(f"{len(report.venues_added)} new venue(s) in loaders/venues.yaml: {', '.join(report.venues_added)}")
    click.echo(f"{len(report.written)} draft(s) written to {output or project / 'drafts'}, {len(report.merged)} duplicate(s) merged, "
               f"{len(report.problems)} entr{'y' if len(report.problems) == 1 else 'ies'} not imported")
    if report.problems:
        raise click.exceptions.Exit(1)


@cli.command("import-report")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write draft records to.")
def import_report(report: Path, output: Path) -> None:
    """Turn the report's Markdown appendix table into draft records."""
    from geokg.ingest.report_table import write_drafts

    written = write_drafts(report, output)
    click.echo(f"{len(written)} draft records written to {output}")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-t", "--text", "texts", multiple=True, help="Annotate this text (repeatable) instead of, or besides, files.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Folder to write drafts (or accepted records) to; default: standard output.")
@click.option("--accept", is_flag=True, help="Merge each draft's accepted suggestions into its record and validate it (FILES are drafts).")
def annotate(files: tuple[Path, ...], texts: tuple[str, ...], output: Path | None, accept: bool) -> None:
    """Suggest method applications, datasets, processes, findings and new concepts, with evidence.

    FILES are draft or record YAML files (title, abstract, optional full_text) or texts (.txt, .md,
    JATS .xml). The suggestions go into each draft's `draft:` section; nothing is stored.
    """
    from geokg.annotate import annotate_file, annotate_text, with_draft
    from geokg.annotate.drafts import accept_file, dump

    if not files and not texts:
        raise click.UsageError("give draft or text files, or --text")
    if accept and texts:
        raise click.UsageError("--accept takes draft files, not --text")
    results: list[tuple[str, str]] = []
    failed = 0
    for path in files:
        if accept:
            try:
                _, data = accept_file(path)
            except ValidationFailed as exc:
                _print_rejected(exc.problems)
                failed += 1
                continue
        else:
            _, data = annotate_file(path)
        results.append((path.stem, dump(data)))
    for i, text in enumerate(texts, 1):
        results.append((f"text-{i}", dump(with_draft({}, annotate_text(text)))))
    for name, body in results:
        if output is None:
            click.echo(body if len(results) == 1 else f"# {name}\n---\n{body}")
        else:
            output.mkdir(parents=True, exist_ok=True)
            (output / f"{name}.yaml").write_text(body, encoding="utf-8")
    if output is not None:
        click.echo(f"{len(results)} {'record' if accept else 'draft'}(s) written to {output}", err=True)
    if failed:
        raise click.ClickException(f"{failed} draft(s) not accepted; fix the fields named above")


@cli.command()
@click.option("--only", "only", multiple=True, type=click.Choice(["syntax", "records", "shacl", "reasoning", "queries", "links", "release"]), help="Run only these checks (repeatable).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), help="Write check-report.json and check-report.junit.xml here.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--loaders", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of records to check (default: the bundled corpus).")
@click.option("--previous-release", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A release folder: its concepts must all still exist (or be deprecated).")
@click.pass_context
def check(ctx: click.Context, only: tuple[str, ...], report_dir: Path | None, strict: bool, loaders: Path | None,
          previous_release: Path | None) -> None:
    """Run the consistency checks: syntax, records, SHACL, OWL reasoning, QC queries.

    Exit code 0: all pass; 1: errors (or warnings with --strict); 2: the checker failed.
    """
    from geokg.checks import ERROR, WARNING, exit_code, run_checks, write_reports

    runs = run_checks(list(only) or None, loaders, previous_release)
    for run in runs:
        errors, warnings = run.count(ERROR), run.count(WARNING)
        if run.crashed:
            click.secho(f"✗ {run.name}: the check itself failed: {run.crashed}", fg="red")
        elif errors:
            click.secho(f"✗ {run.name}: {errors} error(s), {warnings} warning(s) ({run.seconds:.1f} s)", fg="red")
        else:
            click.secho(f"✓ {run.name}: ok, {warnings} warning(s) ({run.seconds:.1f} s)", fg="yellow" if warnings else "green")
        for note in run.notes:
            click.echo(f"    {note}")
        for finding in run.findings:
            click.echo(f"    {finding.severity:7} {finding.where}: {finding.message}")
    if report_dir:
        write_reports(runs, report_dir)
        click.echo(f"reports written to {report_dir}")
    ctx.exit(exit_code(runs, strict))


@cli.group()
def link() -> None:
    """Links to external ontologies."""


@link.command("suggest")
@click.argument("ontology_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="SSSOM TSV to write (default: standard output).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.8, show_default=True)
def link_suggest(ontology_file: Path, output: Path | None, min_confidence: float) -> None:
    """Suggest SSSOM rows by lexical matching of GeoKG labels against an ontology file (OWL, TTL, OBO, GCMD CSV)."""
    from geokg.validate.links import suggestions_table

    text, count = suggestions_table(ontology_file, min_confidence)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{count} suggestions written to {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("question")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--server", metavar="URL", help="Ask a running GeoKG server's /ask instead of opening the store.")
@click.pass_context
def ask(ctx: click.Context, question: str, fmt: str, server: str | None = None) -> None:
    """Ask in English or Chinese (as /ask does): shows what was understood and the papers found."""
    import json

    server = server or _serving(_settings(ctx))
    if server:
        import httpx

        response = httpx.get(f"{server.rstrip('/')}/ask", params={"q": question}, timeout=60)
        if response.status_code != 200:
            raise click.ClickException(f"{server} answered {response.status_code}: {response.text[:300]}")
        result = response.json()
    else:
        from geokg.model.vocab import Iris
        from geokg.read.ask import ask as answer
        from geokg.read.context import Reader

        store = _open(ctx, create=False)
        try:
            result = answer(Reader(store, Iris(_settings(ctx).base_iri)), question)
        finally:
            store.close()
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    understood = ", ".join(f"{u['kind']} {u.get('id') or u.get('matched')}" for u in result["understood"] if u["kind"] != "years")
    click.echo(f"understood: {understood or 'nothing'}")
    if result["ignored"]:
        click.echo(f"ignored: {' '.join(result['ignored'])}")
    for p in result["papers"]:
        click.echo(f"{p['doi'] or p.get('identifier', '')}\t{p['issued'] or ''}\t{p['title']}")
    click.echo(f"({result['total']} paper{'s' if result['total'] != 1 else ''})")


@cli.command("questions")
def list_questions() -> None:
    """List the named questions and their parameters."""
    from geokg.read.questions import questions

    for q in questions().values():
        params = " ".join(f"{p.name}:{p.type}={p.default}" for p in q.params)
        click.echo(f"{q.name}\t{q.title}\t{params}")


# --- releases (issue 22) ----------------------------------------------------------------------

@cli.command("release")
@click.argument("version")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write (default: ./geokg-VERSION); never overwritten.")
@click.option("--previous", type=click.Path(exists=True, file_okay=False, path_type=Path), help="The previous release folder, to compare with (CHANGES.md, changes.json).")
@click.option("--loaders", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder with the records to release (default: the bundled corpus).")
@click.option("--creator", "creators", multiple=True, metavar="NAME[ <ORCID IRI>]", help="A creator (repeatable; default: GeoKG contributors).")
@click.option("--date", "issued", metavar="YYYY-MM-DD", help="Release date (default: today, UTC).")
@click.option("--endpoint", help="The public SPARQL endpoint (default: BASE_IRI + sparql).")
@click.pass_context
def release(ctx: click.Context, version: str, out: Path | None, previous: Path | None, loaders: Path | None,
            creators: tuple[str, ...], issued: str | None, endpoint: str | None) -> None:
    """Write a citable release: versioned ontology, dumps (N-Quads, TriG), papers (JSON-LD, JSON), SSSOM
    mappings, a VoID + DCAT description with checksums, CHANGES.md + changes.json, CITATION.cff."""
    from tqdm import tqdm

    from geokg.load.build import VALIDATE_BATCH
    from geokg.model.vocab import Iris
    from geokg.release import build_release
    from geokg.release.files import ReleaseError

    folder = out or Path(f"geokg-{version}")
    try:
        changes = build_release(
            version, folder, previous=previous, loaders=loaders, iris=Iris(_settings(ctx).base_iri), creators=list(creators),
            issued=issued, endpoint=endpoint, step=lambda message: click.echo(message, err=True),
            progress=lambda batches: tqdm(batches, desc=f"records (batches of {VALIDATE_BATCH})", unit="batch", disable=None, file=sys.stderr))
    except ValidationFailed as exc:
        _print_rejected(exc.problems)
        raise click.ClickException(f"{len(exc.problems)} problem(s) in the records; nothing was released") from None
    except ReleaseError as exc:
        raise click.ClickException(f"{exc}\nnothing was released") from None
    k = changes.concepts
    click.echo(f"release {version} written to {folder}: papers +{len(changes.papers_added)} -{len(changes.papers_removed)} "
               f"~{len(changes.papers_changed)}; concepts +{len(k.added)} moved {len(k.moved)} deprecated {len(k.deprecated)}; "
               f"mapping rows +{len(changes.mappings_added)} -{len(changes.mappings_removed)} ~{len(changes.mappings_changed)}")


def _load_release(ctx: click.Context, folder: Path) -> None:
    from geokg.index.open import open_index
    from geokg.index.sync import reconcile
    from geokg.model.vocab import Iris
    from geokg.release import load_release
    from geokg.release.files import ReleaseError

    iris = Iris(_settings(ctx).base_iri)
    store = _open(ctx)
    try:
        try:
            loaded = load_release(store, folder, iris)
        except ReleaseError as exc:
            raise click.ClickException(str(exc)) from None
        reconcile(store, open_index(_settings(ctx)), iris.paper_graph_prefix)
    finally:
        store.close()
    click.echo(f"release {loaded.version} loaded: {loaded.graphs} graphs, {loaded.quads} quads; {loaded.dropped} other graphs dropped")


def _forget_release(store: Store, iris: Any) -> None:
    """After loading records, the store no longer holds a release: drop the release's description."""
    if str(iris.release_graph) in store.graph_names():
        store.replace_graphs({}, drop=[str(iris.release_graph)])


def main() -> None:
    """Entry point: known errors become one clear line and exit code 2."""
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of exiting.
        code = cli(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GeoKGError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
