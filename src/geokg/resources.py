"""Where GeoKG's data files live: the one place that knows the layout.

In a checkout the files are the top-level ``ontology/``, ``shapes/``, ``queries/`` and
``loaders/`` folders; ``GEOKG_HOME`` points elsewhere (for an installed package or a
deployment that mounts its own records).
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Return the project folder that holds ontology/, shapes/, queries/ and loaders/."""
    configured = os.environ.get("GEOKG_HOME")
    if configured:
        return Path(configured)
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
