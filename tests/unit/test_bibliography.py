"""``geokg import``: BibTeX, RIS, CSL-JSON and OpenAlex files → draft records of a project."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
import yaml

from geokg.ingest.bibliography import import_files, read_works
from geokg.model.records import JournalRecord, load_list, parse_paper
from geokg.project import init_project
from support import ROOT

DATA = ROOT / "tests" / "data" / "import"
EXPECTED = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    init_project(tmp_path / "review")
    return tmp_path / "review"


def _drafts(project: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((project / "drafts").glob("*.yaml"))}


def test_bibtex_gives_everything_the_file_holds() -> None:
    works, problems = read_works(DATA / "good.bib")
    assert problems == []
    smith, preprint, odd = works
    assert smith.doi == "10.5194/TC-15-1-2021" and smith.title == "Glacier Mass Loss from Satellite Gravimetry"
    assert smith.authors == ["Smith, Anne", "Müller, Hans"] and smith.venue == "The Cryosphere" and smith.issns == ["1994-0424"]
    assert smith.date == (2021, 3) and smith.keywords == ["glaciers", "GRACE"] and smith.url and smith.abstract
    assert smith.key == "Smith2021" and smith.line == 2
    assert preprint.arxiv == "1706.03762" and preprint.doi is None
    assert odd.doi == "10.1016/S0012-821X(02)00123-4" and odd.date == (2002, 5, 30)


def test_ris_csl_and_openalex_are_read_alike() -> None:
    ris, _ = read_works(DATA / "good.ris")
    assert [w.doi for w in ris] == ["10.5194/tc-15-1-2021", "10.1093/gji/ggab123"]
    assert ris[1].date == (2022, 4, 5) and ris[1].issns == ["0956-540X"] and ris[0].keywords == ["glaciers", "ice sheets"]
    csl, _ = read_works(DATA / "good.csl.json")
    assert csl[0].authors == ["García, María", "The InSAR Consortium"] and csl[0].date == (2023, 5, 4)
    assert csl[0].abstract == "We map landslide susceptibility with a convolutional network." and csl[0].keywords == ["landslides", "InSAR"]
    assert csl[1].isbn == "978-3-16-148410-0" and csl[1].venue == "Geo Press"
    (oa,) = read_works(DATA / "good.openalex.json")[0]
    assert oa.doi == "10.1038/s41561-099-00001-X" and oa.authors == ["Ana Silva", "Bo Zhang"] and oa.date == (2024, 2, 29)
    assert oa.abstract == "Permafrost thaws. We model it." and oa.issns == ["1752-0894", "1752-0908"] and oa.venue == "Nature Geoscience"


def test_openalex_snapshot_lines_may_be_gzipped(tmp_path: Path) -> None:
    target = tmp_path / "part_000.gz"
    target.write_bytes(gzip.compress((DATA / "bad.openalex.jsonl").read_bytes()))
    works, problems = read_works(target, "openalex")
    assert [w.title for w in works] == ["A good snapshot line", "Another good snapshot line"] and len(problems) == 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_entry_is_reported_with_its_place_and_the_rest_imported(name: str, project: Path) -> None:
    expected = EXPECTED[name]
    report = import_files([DATA / name], project / "loaders", project / "drafts")
    assert len(report.written) == expected["drafts"], report
    assert len(report.problems) == len(expected["problems"]), [str(p) for p in report.problems]
    for want, got in zip(expected["problems"], report.problems, strict=True):
        assert name in got.source and want["where"] in got.source and want["message"] in got.message, str(got)
    for path in report.written:  # every draft keeps its source
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["draft"]["imported"]["from"] == name


def test_duplicates_across_files_and_in_the_project_are_merged_not_repeated(project: Path) -> None:
    first = import_files([DATA / "good.bib"], project / "loaders", project / "drafts")
    assert len(first.written) == 3 and first.merged == []
    again = import_files([DATA / "good.ris", DATA / "good.bib"], project / "loaders", project / "drafts")
    # RIS has the Cryosphere paper (its DOI in lower case) and one new paper; the BibTeX file is all known.
    assert len(again.written) == 1 and len(again.merged) == 4
    drafts = _drafts(project)
    assert len(drafts) == 4
    cryo = next(d for d in drafts.values() if d.get("doi", "").lower() == "10.5194/tc-15-1-2021")
    assert cryo["doi"] == "10.5194/TC-15-1-2021"  # stored as first written
    assert {"ris1"} <= {s.get("entry") for s in cryo["draft"]["also_imported"]}


def test_same_title_and_year_is_the_same_paper(project: Path, tmp_path: Path) -> None:
    bib = tmp_path / "a.bib"
    bib.write_text("@article{a, title={Ice {Flow} Models}, year=2020, journal={J}}\n@article{b, title={ice flow models.}, year=2020}\n"
                   "@article{c, title={Ice Flow Models}, year=2021}\n", encoding="utf-8")
    report = import_files([bib], project / "loaders", project / "drafts")
    assert len(report.written) == 2 and len(report.merged) == 1


def test_new_venues_join_the_project_catalogue_with_checked_issns(project: Path) -> None:
    report = import_files([DATA / "good.bib", DATA / "good.csl.json", DATA / "bad.csl.json"], project / "loaders", project / "drafts")
    venues = load_list(project / "loaders" / "venues.yaml", JournalRecord)
    assert venues["the-cryosphere"].issn == "1994-0424"
    assert venues["journal-with-a-bad-issn"].issn is None  # 1234-5678 fails its check digit: dropped, noted
    assert set(report.venues_added) == set(venues)
    drafts = _drafts(project)
    bad_issn = next(d for d in drafts.values() if d["title"]["en"] == "Another good CSL item")
    assert any("1234-5678" in n for n in bad_issn["draft"]["imported"]["notes"])
    assert (project / "loaders" / "venues.yaml").read_text(encoding="utf-8").startswith("# Venues")  # comments kept


def test_an_imported_draft_is_a_record_once_curated(project: Path) -> None:
    import_files([DATA / "good.openalex.json"], project / "loaders", project / "drafts")
    (data,) = _drafts(project).values()
    data.pop("draft")
    data.pop("abstract")
    data.update(processes=["permafrost-thaw"], findings=[{"en": "It thaws."}],
                method_applications=[{"method": "random-forest", "purposes": ["prediction"], "inputs": ["permafrost-cores"]}])
    record = parse_paper(data, "d.yaml")
    assert record.doi == "10.1038/s41561-099-00001-X" and record.authors == ["Ana Silva", "Bo Zhang"]
    assert str(record.published) == "2024-02-29" and record.journal == "nature-geoscience"


def test_ids_never_collide(project: Path, tmp_path: Path) -> None:
    bib = tmp_path / "same-suffix.bib"
    bib.write_text("@article{a, title={One}, doi={10.1000/abc}, year=2020}\n@article{b, title={Two}, doi={10.2000/ABC}, year=2020}\n",
                   encoding="utf-8")
    report = import_files([bib], project / "loaders", project / "drafts")
    assert len({p.stem for p in report.written}) == 2
    shutil.rmtree(project / "drafts")
