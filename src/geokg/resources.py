"""Where GeoKG's data files live: the one place that knows the layout.

Two kinds of folder matter. The **package home** holds what GeoKG itself defines: ``ontology/``
(with ``mappings/``), ``shapes/`` and the named questions in ``queries/``; in a checkout these are
the top-level folders. A **project** holds a user's own data: ``loaders/`` (records, datasets,
venues, sources), a vocabulary extension and more named questions; it is marked by a
``geokg-project.yaml`` file (``geokg init`` writes one). The bundled corpus is the package home's
own project, used when no other is given.

Which project: the one set with :func:`use_project` (``geokg --project``), else ``GEOKG_HOME``,
else the current folder or the nearest folder above it that holds ``geokg-project.yaml``, else the
bundled corpus. A ``GEOKG_HOME`` with its own ``ontology/geodm.ttl`` replaces the package home too.
"""

from __future__ import annotations

from pathlib import Path

from geokg.settings import get_settings

#: The file that marks a project folder.
PROJECT_FILE = "geokg-project.yaml"
#: A project's vocabulary extension: YAML or Turtle, at the project's top level.
VOCABULARY_FILES = ("vocabulary.yaml", "vocabulary.ttl")

_chosen: Path | None = None


def use_project(folder: Path | None) -> None:
    """Make ``folder`` the project of this process (None: find it as usual)."""
    global _chosen
    _chosen = folder.resolve() if folder else None


def package_home() -> Path:
    """The folder holding GeoKG's own ontology/, shapes/ and queries/ (the checkout, or the bundled copy)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "ontology" / "geodm.ttl").is_file():
            return parent
    return Path.cwd()


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder from ``start`` (default: the current one) upwards that is a project."""
    start = (start or Path.cwd()).resolve()
    return next((folder for folder in (start, *start.parents) if (folder / PROJECT_FILE).is_file()), None)


def project_home() -> Path | None:
    """The user's project folder, or None when the bundled corpus is used."""
    configured = _chosen or get_settings().home
    return configured if configured else find_project()


def home() -> Path:
    """Return the project folder in use: the user's project, else the package home (the bundled corpus)."""
    return project_home() or package_home()


def _schema_home() -> Path:
    """Where ontology/ and shapes/ come from: a home with its own ontology (a full copy), else the package's."""
    project = project_home()
    if project and (project / "ontology" / "geodm.ttl").is_file():
        return project
    return package_home()


def ontology_file() -> Path:
    return _schema_home() / "ontology" / "geodm.ttl"


def vocabulary_file() -> Path | None:
    """The project's vocabulary extension file, if it has one (never for the bundled corpus)."""
    project = project_home()
    if project is None:
        return None
    return next((project / name for name in VOCABULARY_FILES if (project / name).is_file()), None)


def shapes_dir() -> Path:
    return _schema_home() / "shapes"


def queries_dir() -> Path:
    """GeoKG's named questions (and QC checks)."""
    return _schema_home() / "queries"


def project_queries_dir() -> Path | None:
    """The project's own named questions, besides GeoKG's (None for the bundled corpus)."""
    project = project_home()
    if project is None or project.resolve() == _schema_home().resolve():
        return None
    folder = project / "queries"
    return folder if folder.is_dir() else None


def loaders_dir() -> Path:
    return home() / "loaders"


def records_dir() -> Path:
    return loaders_dir() / "records"


def datasets_dir() -> Path:
    return loaders_dir() / "datasets"


def mappings_dir() -> Path:
    return _schema_home() / "ontology" / "mappings"


def ontologies_dir() -> Path:
    """The local copies of external ontologies (``GEOKG_ONTOLOGIES``; default shared/ontologies beside the package home)."""
    return get_settings().ontologies or _schema_home().parent / "shared" / "ontologies"
