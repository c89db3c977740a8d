"""Shared fixtures: the bundled corpus, real stores, the report file, the artifacts folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geokg import resources
from geokg.ingest.report_table import DraftPaper, parse_report
from geokg.load.corpus import load_corpus
from geokg.model.corpus import Corpus, read_corpus
from geokg.model.ontology import ConceptIndex, default_index
from geokg.store.embedded import EmbeddedStore
from support import ROOT, report_path

#: The browser tests' fixtures (a live site, Chromium, pages that fail on requests leaving the server).
pytest_plugins = ["webpage"]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave files for people to look at (screenshots, executed notebooks); kept after the run."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def report() -> Path:
    return report_path()


@pytest.fixture(scope="session")
def report_papers(report: Path) -> list[DraftPaper]:
    """The report's appendix table, parsed once."""
    return parse_report(report)


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


@pytest.fixture(scope="session")
def bundled_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the bundled corpus, loaded once (copied by tests that serve it)."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    store = EmbeddedStore(path)
    load_corpus(store)
    store.close()
    return path
