"""Where GeoKG's data files live: the one place that knows the layout.

In a checkout the files are the top-level ``ontology/``, ``shapes/``, ``queries/`` and
``loaders/`` folders; the ``home`` setting (``GEOKG_HOME``) points elsewhere (for an installed
package or a deployment that mounts its own records).
"""

from __future__ import annotations

from pathlib import Path

from geokg.settings import get_settings


def home() -> Path:
    """Return the project folder that holds ontology/, shapes/, queries/ and loaders/."""
    configured = get_settings().home
    if configured:
        return configured
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "ontology" / "geodm.ttl").is_file():
            return parent
    return Path.cwd()


def ontology_file() -> Path:
    return home() / "ontology" / "geodm.ttl"


def shapes_dir() -> Path:
    return home() / "shapes"


def queries_dir() -> Path:
    return home() / "queries"


def loaders_dir() -> Path:
    return home() / "loaders"


def records_dir() -> Path:
    return loaders_dir() / "records"


def datasets_dir() -> Path:
    return loaders_dir() / "datasets"


def mappings_dir() -> Path:
    return home() / "ontology" / "mappings"


def ontologies_dir() -> Path:
    """The local copies of external ontologies (``GEOKG_ONTOLOGIES``; default shared/ontologies beside the home)."""
    return get_settings().ontologies or home().parent / "shared" / "ontologies"
