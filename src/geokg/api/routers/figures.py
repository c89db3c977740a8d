"""``/figures``: the data behind each chart of the web pages, shaped for drawing (see :mod:`geokg.read.figures`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from geokg.api.deps import ReaderDep
from geokg.api.models import Heatmap, Neighbourhood, Network, YearSeries
from geokg.read import figures

router = APIRouter(prefix="/figures", tags=["figures"])


@router.get("/method-family-by-data-type", response_model=Heatmap,
            summary="Heatmap: papers per method family (4.1-4.10) and top data type")
def family_by_data_type(reader: ReaderDep) -> dict[str, Any]:
    return figures.family_by_data_type(reader)


@router.get("/papers-per-year-by-focus", response_model=YearSeries,
            summary="Papers per year and research focus (report sections 2.1-2.3)")
def per_year_by_focus(reader: ReaderDep) -> dict[str, Any]:
    """A paper counts for a focus the report lists it under or the graph derives from its methods and data;
    a paper can have several foci, so the series are not stacked."""
    return figures.per_year_by_focus(reader)


@router.get("/method-cooccurrence", response_model=Network, summary="Network: methods applied in the same papers")
def cooccurrence(reader: ReaderDep,
                 min_papers: Annotated[int, Query(ge=1, le=1_000_000, description="keep pairs shared by at least this many papers")] = 2,
                 top: Annotated[int, Query(ge=1, le=500, description="keep at most this many pairs, the most shared first")] = 60,
                 ) -> dict[str, Any]:
    """A large graph has thousands of pairs; the strongest ``top`` make a readable picture."""
    return figures.cooccurrence(reader, min_papers, top)


@router.get("/paper-neighbourhood/{doi:path}", response_model=Neighbourhood,
            summary="Graph: one paper, its methods, datasets, processes and related papers")
def neighbourhood(reader: ReaderDep, doi: str,
                  related: Annotated[int, Query(ge=0, le=20, description="at most this many related papers")] = 5) -> dict[str, Any]:
    """Related papers share at least two of the paper's methods, datasets or processes."""
    return figures.neighbourhood(reader, doi, related)
