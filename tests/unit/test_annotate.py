"""Assisted annotation with the real ontology, catalogue and records: English, Chinese and mixed
text, JATS and Markdown input, new-term candidates, drafts and the accept step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from geokg import resources
from geokg.annotate import (
    Annotation,
    accept_draft,
    annotate_file,
    annotate_text,
    build_knowledge,
    default_annotator,
    record_document,
    segment,
    text_document,
    with_draft,
)
from geokg.annotate.documents import read_document
from geokg.annotate.knowledge import listed_terms
from geokg.annotate.sentences import sentence_spans
from geokg.cli import cli
from geokg.errors import RecordError, ValidationFailed
from geokg.model.records import read_yaml

MIXED = "哪些论文在卫星数据上使用bootstrap进行不确定性分析"
JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
  <front><article-meta>
    <title-group><article-title>Glacier lakes mapped with <italic>random forests</italic></article-title></title-group>
    <abstract><p>We classify Sentinel-1 SAR imagery with a random forest classifier.</p>
      <p>Our results show that lake area grew by 15% since 2000.</p></abstract>
  </article-meta></front>
  <body><sec><title>Methods</title><p>Uncertainty was estimated by bootstrap resampling <xref ref-type="bibr" rid="b1">1</xref>.</p></sec></body>
  <back><ref-list><ref id="b1"><mixed-citation>Smith, A. Kriging of ERA5 winds. J. Geo. 2001.</mixed-citation></ref></ref-list></back>
</article>"""


def concept(annotation: Annotation, kind: str, cid: str):  # type: ignore[no-untyped-def]
    return next(s for s in annotation.concepts[kind] if s.id == cid)


def check_evidence(annotation: Annotation, texts: dict[str, str]) -> None:
    """Every piece of evidence points at the words it quotes, in the sentence it quotes."""
    for suggestions in annotation.concepts.values():
        for s in suggestions:
            for e in s.evidence:
                text = texts[e.section]
                assert text[e.start : e.end] == e.sentence
                if s.how != "catalogue words":
                    assert text[e.match_start : e.match_end] == e.match


# -- segmentation ---------------------------------------------------------------------------


def test_mixed_script_question_keeps_the_latin_method_apart() -> None:
    words = segment(MIXED)
    assert "bootstrap" in words
    assert not any("bootstrap" in w and w != "bootstrap" for w in words)
    assert "".join(words) == MIXED  # nothing lost but spaces


def test_segmenter_gives_offsets_and_drops_joining_marks() -> None:
    from geokg.annotate.knowledge import default_segmenter

    text = "用 rolling-window regression 和随机森林"
    tokens = default_segmenter().tokens(text)
    assert [t.text for t in tokens][:3] == ["用", "rolling", "window"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_sentences_of_english_chinese_and_lists() -> None:
    text = "Winds come from ERA5 (Hersbach et al. 2020). 结果表明升温显著。**1. 方法** 随机森林 **2. 数据** ERA5"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Winds come from ERA5 (Hersbach et al. 2020).", "结果表明升温显著。", "**1. 方法** 随机森林", "**2. 数据** ERA5"]


# -- annotation -----------------------------------------------------------------------------


def test_mixed_question_finds_method_data_and_purpose_with_offsets() -> None:
    a = annotate_text(MIXED)
    assert a.ids("method") == ["bootstrap"]
    assert a.ids("data type") == ["satellite-data"]
    assert a.ids("purpose") == ["uncertainty-quantification"]
    evidence = concept(a, "method", "bootstrap").evidence[0]
    assert MIXED[evidence.match_start : evidence.match_end] == "bootstrap"
    check_evidence(a, {"text": MIXED})
    (app,) = a.applications
    assert app.method == "bootstrap" and app.purposes[0].id == "uncertainty-quantification"
    assert "satellite-data" in app.data_types


def test_english_abstract() -> None:
    text = ("Global ocean heat content is reconstructed from ERA5 and GLORYS reanalyses. "
            "We trained Random Forests for the classification of marine heatwaves and used SHAP values to rank the drivers. "
            "We find that heatwave frequency doubled since 1990.")
    a = annotate_text(text)
    assert {"random-forest", "shap"} <= set(a.ids("method"))
    assert {"era5", "glorys"} <= set(a.ids("dataset"))
    assert concept(a, "dataset", "era5").data_types == ["reanalysis"]
    assert "reanalysis" in a.ids("data type")
    assert [f.text for f in a.findings] == ["We find that heatwave frequency doubled since 1990."]
    check_evidence(a, {"text": text})
    rf = next(app for app in a.applications if app.method == "random-forest")
    assert "classification" in [p.id for p in rf.purposes]


def test_chinese_text() -> None:
    text = "本研究利用GRACE重力卫星数据和随机森林模型分析陆地水储量变化，并用Bootstrap重采样估计不确定性。结果表明干旱导致储量显著减少。"
    a = annotate_text(text)
    assert {"random-forest", "bootstrap"} <= set(a.ids("method"))
    assert "uncertainty-quantification" in a.ids("purpose")
    assert "grace-grace-fo-gravimetry" in a.ids("dataset")
    assert any("结果表明" in f.text for f in a.findings)
    check_evidence(a, {"text": text})


def test_jats_article_reads_title_abstract_and_body_but_not_references() -> None:
    doc = text_document(JATS, "jats")
    assert [s.name for s in doc.sections] == ["title", "abstract", "body"]
    assert doc.sections[0].text == "Glacier lakes mapped with random forests"
    a = default_annotator().annotate(doc)
    assert {"random-forest", "bootstrap"} <= set(a.ids("method"))
    assert "sentinel-1-sar" in a.ids("dataset")
    assert "kriging" not in a.ids("method") and "era5" not in a.ids("dataset")  # only cited
    check_evidence(a, {s.name: s.text for s in doc.sections})


def test_markdown_file_and_bad_inputs_name_the_file(tmp_path: Path) -> None:
    md = tmp_path / "paper.md"
    md.write_text("# Lakes from space\n\n## Abstract\nWe used principal component analysis on MODIS data.\n\n## Methods\nMore.\n", encoding="utf-8")
    doc = read_document(md)
    assert [s.name for s in doc.sections] == ["title", "abstract", "body"]
    assert "pca" in default_annotator().annotate(doc).ids("method")
    bad = tmp_path / "broken.xml"
    bad.write_text("<article><front>", encoding="utf-8")
    with pytest.raises(RecordError, match=r"broken\.xml: not well-formed XML"):
        read_document(bad)
    bad.write_text('<!DOCTYPE article [<!ENTITY a "aaaaaaaaaa">]><article><front>&a;</front></article>', encoding="utf-8")
    with pytest.raises(RecordError, match=r"broken\.xml: refused XML"):
        read_document(bad)  # entities could expand without bound
    with pytest.raises(RecordError, match=r"paper\.pdf: cannot annotate a \.pdf file"):
        read_document(tmp_path / "paper.pdf")
    with pytest.raises(RecordError, match=r"d\.yaml: abstract: must be text"):
        record_document({"title": "T", "abstract": 3}, "d.yaml")


def test_unknown_method_and_dataset_terms_become_candidates_with_closest_concepts() -> None:
    # Sentinel-2 is catalogued (as a dataset other papers mention); GaoFen-7 is not.
    text = "We trained a vision transformer and a U-Net++ on GaoFen-7 imagery to map glacial lakes."
    a = annotate_text(text)
    new = {t.text: t for t in a.new_terms}
    assert new["vision transformer"].kind == "method"
    assert {"neural-networks", "deep-learning"} & {c for c, _, _ in new["vision transformer"].closest}
    assert new["U-Net++"].kind == "method" and new["U-Net++"].closest[0][0] == "u-net"
    assert "u-net" not in a.ids("method")  # U-Net++ is not U-Net
    sentinel = next(t for name, t in new.items() if name.startswith("GaoFen-7"))
    assert sentinel.kind == "dataset" and sentinel.closest
    assert text[sentinel.evidence.match_start : sentinel.evidence.match_end] == sentinel.text


# -- knowledge --------------------------------------------------------------------------------


def test_held_out_papers_leave_examples_and_their_own_datasets() -> None:
    full = build_knowledge()
    glacial = "s41561-025-01747-8"
    reduced = build_knowledge(exclude_papers=[glacial])
    assert "glacial-erosion-rate-compilation" in full.datasets
    assert "glacial-erosion-rate-compilation" not in reduced.datasets
    assert reduced.example_papers == full.example_papers - 1
    assert reduced.uses_of["elastic-net"] < full.uses_of["elastic-net"]
    assert reduced.label("elastic-net") == "elastic net regression"  # ontology labels stay
    assert {t.id for t in reduced.terms} >= {"elastic-net", "glacial-erosion"}
    strict = build_knowledge(exclude_papers=[glacial], drop_their_concepts=True)
    only_glacial = {"elastic-net", "glacial-erosion"}  # no other paper uses these
    assert not only_glacial & {t.id for t in strict.terms}
    assert {"bootstrap", "random-forest"} <= {t.id for t in strict.terms}  # others use these


def test_term_list_errors_name_the_file_and_entry(tmp_path: Path) -> None:
    knowledge = build_knowledge()
    path = tmp_path / "terms.yaml"
    path.write_text("method:\n  no-such-method: [foo]\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"terms\.yaml: method\.no-such-method: no method 'no-such-method'"):
        listed_terms(path, knowledge.kind_of, knowledge.datasets)
    path.write_text("colour:\n  red: [x]\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"terms\.yaml: colour: unknown kind"):
        listed_terms(path, knowledge.kind_of, knowledge.datasets)


# -- drafts and the accept step -------------------------------------------------------------------


def real_record(name: str = "s41561-025-01747-8") -> dict:  # type: ignore[type-arg]
    return read_yaml(resources.records_dir() / f"{name}.yaml")  # type: ignore[no-any-return]


def test_a_record_annotated_and_accepted_is_an_ordinary_valid_record() -> None:
    data = real_record()
    data["abstract"] = "Elastic net regression on a global compilation of glacial erosion rates, with bootstrap confidence intervals."
    doc = record_document(data, "s41561-025-01747-8.yaml")
    annotation = default_annotator().annotate(doc)
    draft = with_draft(data, annotation)
    assert yaml.safe_load(yaml.safe_dump(draft, allow_unicode=True)) == draft  # plain YAML a curator edits
    suggested = draft["draft"]["method_applications"]
    assert suggested and all({"accept", "method", "purposes", "inputs", "confidence", "evidence"} <= set(s) for s in suggested)
    for s in suggested:
        s["accept"] = False
    suggested[0].update(accept=True, inputs=["glacial-erosion-rate-compilation"])
    record, merged = accept_draft(draft, "draft.yaml")
    assert "draft" not in merged and "abstract" not in merged
    accepted = {"method": suggested[0]["method"], "purposes": suggested[0]["purposes"], "inputs": ["glacial-erosion-rate-compilation"]}
    assert accepted in merged["method_applications"]
    assert merged["method_applications"][: len(data["method_applications"])] == data["method_applications"]
    assert {ma.method for ma in record.method_applications} >= {accepted["method"]}


def test_accepting_a_new_paper_from_text_builds_the_record() -> None:
    data = {k: v for k, v in real_record().items() if k not in ("method_applications", "processes", "findings")}
    data["abstract"] = "We fit an elastic net regression to the glacial erosion rate compilation and assess uncertainty by bootstrap resampling."
    annotation = default_annotator().annotate(record_document(data, "new.yaml"))
    draft = with_draft(data, annotation)
    with pytest.raises(ValidationFailed, match=r"new\.yaml: processes: required field is missing"):
        accept_draft({**draft, "draft": {**draft["draft"], "processes": []}}, "new.yaml")
    for app in draft["draft"]["method_applications"]:
        app["accept"] = app["method"] in ("elastic-net", "bootstrap")
        app["inputs"] = app["inputs"] or ["glacial-erosion-rate-compilation"]
    draft["draft"]["processes"] = [{"accept": True, "id": "glacial-erosion"}]
    draft["draft"]["findings"] = [{"accept": True, "text": "Erosion rates scale with sliding speed."}]
    record, merged = accept_draft(draft, "new.yaml")
    assert {ma.method for ma in record.method_applications} == {"elastic-net", "bootstrap"}
    assert record.processes == ["glacial-erosion"] and record.findings[0].en == "Erosion rates scale with sliding speed."
    assert "draft" not in merged and "abstract" not in merged


def test_accept_refuses_an_invalid_draft_with_a_clear_message() -> None:
    data = real_record()
    draft = {**data, "draft": {"method_applications": [
        {"accept": True, "method": "random-forest", "purposes": ["classification"], "inputs": ["no-such-dataset"]},
        {"accept": True, "method": "bootstrap", "purposes": ["uncertainty-quantification"], "inputs": []},
    ]}}
    with pytest.raises(ValidationFailed) as caught:
        accept_draft(draft, "draft.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "draft.yaml: draft.method_applications[2].inputs: an accepted application needs input datasets (catalogue ids); add them or set accept: false"]
    draft["draft"]["method_applications"].pop()
    with pytest.raises(ValidationFailed) as caught:
        accept_draft(draft, "draft.yaml")
    n = len(data["method_applications"]) + 1
    assert [str(p) for p in caught.value.problems] == [f"draft.yaml: method_applications[{n}].inputs[1]: unknown dataset 'no-such-dataset'"]
    draft["draft"]["method_applications"][0]["accept"] = "yes"
    with pytest.raises(ValidationFailed, match=r"draft\.method_applications\[1\]\.accept: must be true or false"):
        accept_draft(draft, "draft.yaml")


def test_cli_annotates_files_and_accepts_drafts(tmp_path: Path) -> None:
    paper = tmp_path / "paper.xml"
    paper.write_text(JATS, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["annotate", str(paper), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((tmp_path / "out" / "paper.yaml").read_text(encoding="utf-8"))
    assert draft["title"]["en"] == "Glacier lakes mapped with random forests"
    assert "random-forest" in [a["method"] for a in draft["draft"]["method_applications"]]
    result = runner.invoke(cli, ["annotate", "-t", MIXED])
    assert result.exit_code == 0 and "method: bootstrap" in result.output
    result = runner.invoke(cli, ["annotate", "--accept", str(tmp_path / "out" / "paper.yaml")])
    assert result.exit_code != 0
    assert "paper.yaml: id: required field is missing" in result.output


def test_annotate_file_keeps_the_report_cells_of_an_import_report_draft(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump({"title": {"en": "Glacial erosion"}, "draft": {"cells": {"methods": "采用弹性网络回归与留一交叉验证（LOOCV）"}}}, allow_unicode=True), encoding="utf-8")
    annotation, data = annotate_file(path)
    assert {"elastic-net", "loocv"} <= set(annotation.ids("method"))
    assert data["draft"]["cells"]["methods"].startswith("采用")


# -- the benchmark's protocol -------------------------------------------------------------------


def test_draft_with_full_text_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "paper.xml").write_text(JATS, encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    draft.write_text("title: Glacier lakes\nabstract: We map lakes.\nfull_text: paper.xml\n", encoding="utf-8")
    doc = read_document(draft)
    assert [s.name for s in doc.sections] == ["title", "abstract", "title 2", "abstract 2", "body"]
    annotation, data = annotate_file(draft)
    assert {"random-forest", "bootstrap"} <= set(annotation.ids("method"))
    check_evidence(annotation, {s.name: s.text for s in doc.sections})
    assert data["full_text"] == "paper.xml" and "draft" in data
    draft.write_text("title: Glacier lakes\nfull_text: missing.md\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"draft\.yaml: full_text: no file 'missing\.md' beside the draft"):
        read_document(draft)
