"""A field of the paper record is known in every place that must know it.

Adding a field to the record touches the record model, records → RDF, the shapes, the read model,
the response model and the paper page. This test names whichever of them does not know a field
yet, so a new field cannot be half-added.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal

from geokg import resources
from geokg.api.models import PaperDetail
from geokg.model.records import MethodApplication, PaperRecord, Provenance
from geokg.model.vocab import GKS

#: Record fields and what they are called in the read model and on the page, where the name differs.
SHOWN_AS = {"published": "issued", "report_sections": "report", "report_positions": "report", "id": "iri"}
#: Record fields a reader does not need in the paper's details (the id is in its IRI).
NOT_SHOWN = {"id"}


def shape_fields() -> set[str]:
    shapes = Graph().parse(resources.shapes_dir() / "paper.ttl", format="turtle")
    return {str(o) for o in shapes.objects(None, GKS.recordField) if isinstance(o, Literal) and str(o)}


def test_every_record_field_has_a_shape() -> None:
    known = shape_fields()
    fields = set(PaperRecord.model_fields) | {f"provenance.{f}" for f in Provenance.model_fields if f != "corrections"}
    fields |= set(MethodApplication.model_fields)
    fields -= {"provenance", "corrections"}  # containers: their parts are checked
    missing = sorted(f for f in fields if f not in known)
    assert not missing, f"fields with no SHACL shape naming them (gks:recordField) in shapes/paper.ttl: {missing}"


def test_every_record_field_is_in_the_details_and_on_the_page() -> None:
    template = (Path(resources.__file__).parent / "web" / "templates" / "paper.html").read_text(encoding="utf-8")
    details = set(PaperDetail.model_fields)
    missing_details, missing_page = [], []
    for field in PaperRecord.model_fields:
        name = SHOWN_AS.get(field, field)
        if name not in details:
            missing_details.append(field)
        if field not in NOT_SHOWN and not re.search(rf"paper\.{name}\b", template):
            missing_page.append(field)
    assert not missing_details, f"record fields missing from api/models.py PaperDetail (and read/papers.py): {missing_details}"
    assert not missing_page, f"record fields not shown by web/templates/paper.html: {missing_page}"
