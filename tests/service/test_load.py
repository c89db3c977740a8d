"""Loading: idempotent, atomic per paper, all-or-nothing on bad input, progress and pruning."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geokg.errors import ValidationFailed
from geokg.load.corpus import load_corpus, stored_checksums
from geokg.model.vocab import Iris
from geokg.store.embedded import EmbeddedStore
from support import quads


def _edit(path: Path, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_record(loaders: Path) -> Path:
    return sorted((loaders / "records").glob("*.yaml"))[0]


def test_load_is_idempotent_on_disk(tmp_path: Path, loaders_copy: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    first = load_corpus(store, loaders=loaders_copy)
    before = quads(store)
    second = load_corpus(store, loaders=loaders_copy)
    assert first.written and not first.unchanged
    assert second.written == [] and sorted(second.unchanged) == sorted(first.written)
    assert quads(store) == before
    store.close()
    reopened = EmbeddedStore(tmp_path / "store")
    assert quads(reopened) == before
    reopened.close()


def test_changed_record_replaces_its_graph_and_nothing_else(loaders_copy: Path) -> None:
    store = EmbeddedStore()
    load_corpus(store, loaders=loaders_copy)
    path = first_record(loaders_copy)
    graph = str(Iris().paper_graph(path.stem))
    others_before = {q for q in quads(store) if q.graph_name.value != graph}
    old_title = yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
    _edit(path, title={"en": "A replaced title", "zh": "替换后的标题"})

    report = load_corpus(store, loaders=loaders_copy)

    assert report.written == [path.stem]
    titles = {row["t"].value for row in store.query(f"SELECT ?t WHERE {{ GRAPH <{graph}> {{ ?p <http://purl.org/dc/terms/title> ?t }} }}")}
    assert titles == {"A replaced title", "替换后的标题"}
    assert old_title["en"] not in titles
    assert {q for q in quads(store) if q.graph_name.value != graph} == others_before


def test_invalid_record_rejects_the_whole_load_and_leaves_the_store_unchanged(loaders_copy: Path) -> None:
    store = EmbeddedStore()
    load_corpus(store, loaders=loaders_copy)
    before = quads(store)
    records = sorted((loaders_copy / "records").glob("*.yaml"))
    _edit(records[0], title={"en": "Changed but must not land", "zh": "不应写入"})
    _edit(records[-1], doi="not-a-doi")
    with pytest.raises(ValidationFailed) as caught:
        load_corpus(store, loaders=loaders_copy)
    assert any(p.field == "doi" and records[-1].name in p.source for p in caught.value.problems)
    assert quads(store) == before


def test_batch_load_reports_every_invalid_record(loaders_copy: Path) -> None:
    records = sorted((loaders_copy / "records").glob("*.yaml"))
    _edit(records[0], journal="no-such-journal")
    _edit(records[1], published="last tuesday")
    with pytest.raises(ValidationFailed) as caught:
        load_corpus(EmbeddedStore(), loaders=loaders_copy)
    sources = {Path(p.source).name for p in caught.value.problems}
    assert {records[0].name, records[1].name} <= sources


def test_partial_load_loads_the_valid_records_only(loaders_copy: Path) -> None:
    records = sorted((loaders_copy / "records").glob("*.yaml"))
    _edit(records[0], journal="no-such-journal")
    store = EmbeddedStore()
    report = load_corpus(store, loaders=loaders_copy, partial=True)
    assert records[0].stem not in report.written
    assert len(report.written) == len(records) - 1
    assert [Path(p.source).name for p in report.rejected] == [records[0].name]
    assert str(Iris().paper_graph(records[0].stem)) not in store.graph_names()


def test_removed_record_is_pruned(loaders_copy: Path) -> None:
    store = EmbeddedStore()
    load_corpus(store, loaders=loaders_copy)
    path = first_record(loaders_copy)
    path.unlink()
    kept = load_corpus(store, loaders=loaders_copy)
    assert kept.removed == [] and kept.only_in_store == [path.stem]  # never removed without asking
    assert str(Iris().paper_graph(path.stem)) in stored_checksums(store)
    report = load_corpus(store, loaders=loaders_copy, prune=True)
    assert report.removed == [path.stem]
    assert str(Iris().paper_graph(path.stem)) not in stored_checksums(store)


def test_every_paper_graph_carries_provenance(loaded_store: EmbeddedStore) -> None:
    rows = list(loaded_store.query(
        """SELECT ?g ?src WHERE { GRAPH ?g { ?g a <http://www.w3.org/ns/prov#Entity> ;
              <http://www.w3.org/ns/prov#wasDerivedFrom> ?src ; <http://purl.org/dc/terms/source> ?file } }"""
    ))
    papers = list(loaded_store.query("SELECT ?p WHERE { ?p a <https://w3id.org/geokg/ontology#Paper> }"))
    assert len(rows) == len(papers) > 0


@pytest.mark.parametrize("parallel", [False, True])
def test_graphs_added_before_a_shapes_failure_are_rolled_back(parallel: bool, loaders_copy: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import geokg.load.build
    from geokg.errors import RecordError
    from geokg.validate.shapes import Validator

    monkeypatch.setattr(geokg.load.build, "VALIDATE_BATCH", 5)  # several batches are written before the bad one
    monkeypatch.setattr(geokg.load.build, "PARALLEL_FROM", 0 if parallel else 10**9)
    last = str(sorted((loaders_copy / "records").glob("*.yaml"))[-1])
    check_many = Validator.check_many

    def refuse_the_last(self: Validator, items: list, ntriples: list | None = None) -> list[RecordError]:  # type: ignore[type-arg]
        found = check_many(self, items, ntriples)
        return found + [RecordError(source, "doi", "refused [rule: test]") for _, source, _ in items if source == last]

    monkeypatch.setattr(Validator, "check_many", refuse_the_last)
    store = EmbeddedStore()
    with pytest.raises(ValidationFailed) as caught:
        load_corpus(store, loaders=loaders_copy)
    assert [p.source for p in caught.value.problems] == [last]
    assert quads(store) == set()
    monkeypatch.setattr(Validator, "check_many", check_many)
    report = load_corpus(store, loaders=loaders_copy)
    monkeypatch.setattr(geokg.load.build, "PARALLEL_FROM", 10**9)
    sequential = EmbeddedStore()
    load_corpus(sequential, loaders=loaders_copy)
    assert len(report.written) == 35 and quads(store) == quads(sequential)
