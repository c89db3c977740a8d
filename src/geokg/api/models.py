"""Typed responses of the REST API (they document the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ConceptHit(BaseModel):
    id: str = Field(examples=["loocv"])
    iri: str
    scheme: str = Field(examples=["method"])
    label_en: str | None = None
    label_zh: str | None = None
    score: float = Field(description="1 exact preferred label … 0.4 close spelling")
    matched: str = Field(description="the (normalised) label that matched")


class PaperSummary(BaseModel):
    doi: str = Field(examples=["10.1038/s41561-024-01517-y"])
    iri: str
    title: str
    issued: str | None = None
    journal: str


class PaperPage(BaseModel):
    total: int
    page: int
    per_page: int
    papers: list[PaperSummary]


class ConceptRef(BaseModel):
    id: str
    label_en: str | None = None
    label_zh: str | None = None


class ConceptDetail(BaseModel):
    id: str
    iri: str
    scheme: str
    labels: dict[str, str]
    alt_labels: list[dict[str, str]]
    definition: str
    notation: str | None = None
    broader: list[ConceptRef]
    narrower: list[ConceptRef]
    external_matches: list[dict[str, str]]
    papers: list[PaperSummary] = Field(description="papers that use the concept or any narrower concept")


class AskAnswer(BaseModel):
    question: str
    understood: list[dict[str, Any]] = Field(description="concepts, years and datasets found in the question")
    ignored: list[str] = Field(description="words that matched nothing")
    sparql: str = Field(description="the query that was run")
    papers: list[PaperSummary]
