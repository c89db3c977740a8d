"""Typed responses of the REST API: each JSON route declares one, so OpenAPI documents real shapes.

The read layer (:mod:`geokg.read`) returns plain data; FastAPI validates it against these models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

Row = dict[str, Any]
"""A row of a named question: variable → value (numbers for integers, text otherwise)."""


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: str


class ConceptHit(BaseModel):
    id: str = Field(examples=["loocv"])
    iri: str
    scheme: str = Field(examples=["method"])
    label_en: str | None = None
    label_zh: str | None = None
    score: float = Field(description="1 exact preferred label … 0.4 close spelling")
    matched: str = Field(description="the (normalised) label that matched")


class PaperSummary(BaseModel):
    doi: str = Field(examples=["10.1038/s41561-024-01517-y"], description="empty for a paper without a DOI")
    identifier: str = Field("", description="the DOI, else the record id: what /papers/{identifier} takes")
    iri: str
    title: str = Field(description="in English")
    titles: dict[str, str] = Field(default_factory=dict, description="by language")
    issued: str | None = None
    journal: str | None = None
    snippet: str | None = Field(None, description="HTML: where the words searched for occur, each in <mark>")


class PaperPage(BaseModel):
    total: int = Field(description="how many papers match, over all pages")
    page: int
    per_page: int
    sort: str = "newest"
    papers: list[PaperSummary]


class ConceptRef(BaseModel):
    id: str
    label_en: str | None = None
    label_zh: str | None = None


class ExternalMatch(BaseModel):
    relation: str = Field(examples=["exactMatch"])
    iri: str


class ConceptDetail(PaperPage):
    id: str
    iri: str
    scheme: str
    labels: dict[str, str]
    alt_labels: list[dict[str, str]]
    definition: str
    notation: str | None = None
    broader: list[ConceptRef]
    narrower: list[ConceptRef]
    external_matches: list[ExternalMatch]
    papers: list[PaperSummary] = Field(description="one page of the papers that use the concept or any narrower concept")


class LabelledConcept(BaseModel):
    id: str
    iri: str
    label_en: str | None = None
    label_zh: str | None = None


class MethodApplication(BaseModel):
    order: int
    method: LabelledConcept
    purposes: list[LabelledConcept]
    inputs: list[str] = Field(description="dataset ids")
    note: str | None = None


class PaperDataset(BaseModel):
    id: str
    iri: str
    name: str | None = None
    data_types: list[LabelledConcept]


class ReportClassification(BaseModel):
    asserted: list[str] = Field(description="sections the report lists the paper under")
    derived: list[str] = Field(description="sections that follow from the paper's methods and data")
    positions: dict[str, int] = Field(default_factory=dict, description="section → the paper's place among its examples")


class DatasetUse(BaseModel):
    dataset: str
    iri: str
    name: str | None = None
    role: LabelledConcept = Field(description="input, comparison, validation or mentioned")
    note: str | None = None


class Correction(BaseModel):
    field: str | None = None
    note: str | None = None


class Provenance(BaseModel):
    source: str
    appendix_row: int | None = None
    graph: str | None = None
    record_file: str | None = None
    corrections: list[Correction]


class PaperDetail(BaseModel):
    iri: str
    doi: str | None = None
    identifier: str = Field("", description="the DOI, else the record id: what /papers/{identifier} takes")
    arxiv: str | None = None
    isbn: str | None = None
    handle: str | None = None
    links: list[str] = Field(default_factory=list, description="where the paper's identifiers resolve (doi.org, arXiv, Handle)")
    url: str | None = None
    title: dict[str, str] = Field(description="by language")
    authors: list[str] = Field(default_factory=list, description="in the paper's order")
    keywords: list[str] = Field(default_factory=list)
    journal: str | None = None
    issued: str | None = Field(None, description="the publication date (YYYY-MM-DD), or only its year")
    year: int | None = None
    summary: dict[str, str]
    research_question: dict[str, str]
    method_applications: list[MethodApplication]
    datasets: list[PaperDataset]
    processes: list[LabelledConcept]
    other_datasets: list[DatasetUse] = Field(description="datasets used or listed outside the method applications, with their role")
    time_periods: list[LabelledConcept] = Field(description="geologic time units the paper studies")
    bodies: list[LabelledConcept] = Field(description="planetary bodies the paper studies")
    findings: list[dict[str, str]]
    report: ReportClassification
    provenance: Provenance


class AskAnswer(BaseModel):
    question: str
    understood: list[dict[str, Any]] = Field(description="concepts, years and datasets found in the question")
    ignored: list[str] = Field(description="words that matched nothing")
    sparql: str = Field(description="the query that was run")
    total: int = Field(description="how many papers match")
    papers: list[PaperSummary] = Field(description="the first papers found, newest first")


class CompareTable(BaseModel):
    columns: list[str]
    papers: list[dict[str, str]]


class DatasetEntry(BaseModel):
    id: str
    name: str
    data_types: list[str]
    papers: int


class ProcessEntry(BaseModel):
    id: str
    label_en: str | None = None
    label_zh: str | None = None
    papers: int


class JournalEntry(BaseModel):
    id: str
    name: str
    issn: str
    papers: int


class QuestionParam(BaseModel):
    name: str
    type: str
    default: str | None = None


class QuestionInfo(BaseModel):
    name: str
    title: str
    description: str
    returns: list[str]
    params: list[QuestionParam]


class QuestionAnswer(BaseModel):
    name: str
    title: str
    params: dict[str, str | None]
    rows: list[Row]


class TopConceptCount(BaseModel):
    concept: str
    label: str
    papers: int


class Stats(BaseModel):
    papers: int
    method_families: list[Row]
    data_types: list[TopConceptCount]
    purposes: list[TopConceptCount]
    per_year_and_journal: list[Row]
    family_by_data_type: list[Row]
    method_cooccurrence: list[Row] = Field(description="the strongest method pairs (shared by 2 or more papers)")
    method_pairs: int = Field(description="how many method pairs are shared by 2 or more papers")
    report_categories: list[Row]


class FigureConcept(BaseModel):
    id: str
    label_en: str
    label_zh: str
    notation: str | None = None


class HeatmapCell(BaseModel):
    row: str
    column: str
    papers: int


class Heatmap(BaseModel):
    rows: list[FigureConcept]
    columns: list[FigureConcept]
    cells: list[HeatmapCell]


class FocusSeries(FigureConcept):
    papers: list[int]


class YearSeries(BaseModel):
    years: list[int]
    papers: list[int]
    series: list[FocusSeries]


class NetworkNode(FigureConcept):
    papers: int
    family: str | None = None


class NetworkEdge(BaseModel):
    source: str
    target: str
    papers: int


class Network(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    families: list[FigureConcept] = Field(description="the method families the node colours stand for (the legend)")


class GraphNode(BaseModel):
    id: str
    kind: str
    label_en: str | None = None
    label_zh: str | None = None
    doi: str | None = None


class GraphEdge(BaseModel):
    source: str
    target: str
    relation: str


class Neighbourhood(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
