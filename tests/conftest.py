"""Shared fixtures: the bundled corpus, real stores, the report file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from geokg import resources
from geokg.corpus import Corpus, read_corpus
from geokg.load import load_corpus
from geokg.ontology import ConceptIndex, default_index
from geokg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


def report_path() -> Path:
    """The source report, beside the checkout in shared/seeds (as on every dev machine and CI)."""
    for base in (ROOT.parent / "shared", ROOT / "shared"):
        path = base / "seeds" / "000_aa391dd1f89d3a0a.txt"
        if path.is_file():
            return path
    raise FileNotFoundError("the source report shared/seeds/000_aa391dd1f89d3a0a.txt is not beside the checkout")


@pytest.fixture(scope="session")
def report() -> Path:
    return report_path()


@pytest.fixture(scope="session")
def index() -> ConceptIndex:
    return default_index()


@pytest.fixture(scope="session")
def corpus(index: ConceptIndex) -> Corpus:
    return read_corpus(index=index)


@pytest.fixture(scope="session")
def loaded_store() -> Iterator[EmbeddedStore]:
    """An in-memory store holding the bundled corpus (read-only use)."""
    store = EmbeddedStore()
    load_corpus(store)
    yield store
    store.close()


@pytest.fixture
def loaders_copy(tmp_path: Path) -> Path:
    """A private copy of the loaders folder that a test may edit."""
    target = tmp_path / "loaders"
    shutil.copytree(resources.loaders_dir(), target)
    return target


def quads(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.ox.quads_for_pattern(None, None, None, None))
