"""``geokg init``: a new project folder for a user's own papers.

A project holds only the user's data (see :mod:`geokg.resources` for how commands find it); the
ontology, shapes and GeoKG's named questions come from the package. Nothing existing is
overwritten: init refuses a folder that is already a project and leaves other files alone.
"""

from __future__ import annotations

from pathlib import Path

from geokg.errors import InvalidInput
from geokg.resources import PROJECT_FILE

README = """# {name}

A GeoKG project: paper records, with their own venues, datasets and concepts, checked and served
by GeoKG like the bundled corpus. Every `geokg` command run inside this folder uses it.

| path | what |
| --- | --- |
| `loaders/records/` | one YAML record per paper (`geokg import` and `geokg annotate --accept` write them) |
| `loaders/venues.yaml` | journals and other venues: `id`, `name`, optional `issn` (check digit validated), `publisher`, `url` |
| `loaders/datasets/` | one YAML file per dataset (`id`, `name`, `data_types`, …), as in GeoKG's own catalogue |
| `loaders/sources.yaml` | documents records derive from (a record's `provenance.source`) |
| `vocabulary.yaml` | new methods, purposes, data types and processes (or `vocabulary.ttl`, SKOS Turtle) |
| `queries/` | your own named questions (`.rq` with a `# title:` header), besides GeoKG's |
| `drafts/` | what `geokg import` writes: draft records to annotate and accept |

```bash
geokg import my-library.bib                 # BibTeX, RIS, CSL-JSON or OpenAlex JSON → drafts/
geokg annotate drafts/*.yaml -o annotated/  # suggestions with evidence; set accept: true|false
geokg annotate --accept annotated/*.yaml -o loaders/records/
geokg check                                 # the same checks as GeoKG's CI (also run by .github/workflows)
geokg serve                                 # load new and changed records, serve on http://127.0.0.1:8000
geokg sync --status                         # how the store differs from this folder
```
"""

VOCABULARY = """# New concepts of this project, checked like GeoKG's own (an English label and a definition; a broader
# concept of GeoKG's scheme of that kind; labels in other languages and external matches optional).
#
# methods:
#   - id: vision-transformer
#     label: {en: vision transformer, zh: 视觉Transformer}
#     alt_labels: {en: [ViT]}
#     definition: {en: A transformer network that classifies images from sequences of patches.}
#     broader: deep-learning
#     exact_match: [https://example.org/vision-transformer]
methods: []
purposes: []
data_types: []
processes: []
"""

VENUES = """# Venues of this project's papers: journals, proceedings, book series. An id, a name, and where known
# the ISSN (NNNN-NNNC, check digit validated), electronic ISSN (eissn), publisher and url.
[]
"""

SOURCES = """# Documents this project's records derive from; a record names one as provenance.source.
[]
"""

QUESTION = """# title: Papers of this project by year
# description: Every paper with its DOI (if any), title and year, newest first.
# returns: ?paper ?doi ?title ?issued
PREFIX geodm: <https://w3id.org/geokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prism: <http://prismstandard.org/namespaces/basic/2.0/>
SELECT ?paper ?doi ?title ?issued WHERE {
  ?paper a geodm:Paper ; dcterms:title ?title .
  FILTER(LANG(?title) = "en")
  OPTIONAL { ?paper prism:doi ?doi }
  OPTIONAL { ?paper dcterms:issued ?issued }
}
ORDER BY DESC(?issued) ?title
"""

WORKFLOW = """# Runs GeoKG's checks on every push and pull request: records, SHACL shapes, OWL reasoning, QC queries.
name: geokg check
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: "21"
      - run: pip install geokg
      - run: geokg check --report check-report
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: check-report
          path: check-report/
"""

GITIGNORE = """.geokg/
check-report/
"""


def files(name: str) -> dict[str, str]:
    """The files of a new project (path relative to the folder → text)."""
    return {
        PROJECT_FILE: f"# A GeoKG project (geokg init). Commands run inside this folder use it.\nname: {name}\n",
        "README.md": README.format(name=name),
        "vocabulary.yaml": VOCABULARY,
        "loaders/venues.yaml": VENUES,
        "loaders/sources.yaml": SOURCES,
        "loaders/records/.gitkeep": "",
        "loaders/datasets/.gitkeep": "",
        "drafts/.gitkeep": "",
        "queries/papers-by-year.rq": QUESTION,
        ".github/workflows/geokg-check.yml": WORKFLOW,
        ".gitignore": GITIGNORE,
    }


def init_project(folder: Path) -> list[Path]:
    """Create a project in ``folder`` (made if missing); return the files written.

    :raises InvalidInput: the folder is already a project, or a file init would write exists
    """
    if (folder / PROJECT_FILE).exists():
        raise InvalidInput(f"{folder} is already a GeoKG project ({PROJECT_FILE} exists)")
    planned = {folder / path: text for path, text in files(folder.resolve().name).items()}
    clashes = [str(p) for p in planned if p.exists() and p.name != ".gitkeep"]
    if clashes:
        raise InvalidInput(f"init would overwrite {', '.join(clashes)}; move them away or choose another folder")
    written = []
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
