"""The review page's pieces without a server: tickets, the curator's decisions, opening drafts."""

from __future__ import annotations

import pytest
import yaml

from geokg.errors import RecordError
from geokg.review import apply_decisions, issue_ticket, open_draft, ticket_valid

SECRET = "unit-test-write-token-0123456789"


def test_a_ticket_is_valid_only_for_its_secret_and_until_it_expires() -> None:
    ticket = issue_ticket(SECRET, now=1_000_000)
    assert ticket_valid(SECRET, ticket, now=1_000_001)
    assert not ticket_valid("another-secret-0123456789", ticket, now=1_000_001)
    assert not ticket_valid(SECRET, ticket, now=1_000_000 + 5 * 3600)
    assert not ticket_valid("", ticket, now=1_000_001)
    expires, _, signature = ticket.partition(".")
    assert not ticket_valid(SECRET, f"{int(expires) + 3600}.{signature}", now=1_000_001)  # a later expiry is not signed
    assert not ticket_valid(SECRET, "garbage", now=1_000_001)


def test_decisions_accept_reject_and_edit_without_touching_the_draft() -> None:
    draft = {"method_applications": [{"accept": True, "method": "bootstrap", "purposes": ["uncertainty-quantification"], "inputs": []},
                                      {"accept": True, "method": "random-forest", "purposes": [], "inputs": []}],
             "processes": [{"accept": False, "id": "glacial-erosion"}], "findings": [{"accept": True, "text": "old"}]}
    form = {"ma-0": "accept", "ma-0-method": " elastic-net ", "ma-0-purposes": "variable-importance，trend-analysis",
            "ma-0-inputs": "era5, gpm-imerg", "ma-1": "reject", "p-0": "accept", "p-0-id": "glacial-erosion", "f-0": "reject", "f-0-text": "new"}
    out = apply_decisions(draft, form)
    assert out["method_applications"][0] == {"accept": True, "method": "elastic-net", "purposes": ["variable-importance", "trend-analysis"],
                                             "inputs": ["era5", "gpm-imerg"]}
    assert out["method_applications"][1]["accept"] is False
    assert out["processes"][0]["accept"] is True and out["findings"][0] == {"accept": False, "text": "new"}
    assert draft["method_applications"][0]["method"] == "bootstrap"  # a copy was changed


def test_opening_a_record_annotates_it_and_a_reviewed_draft_keeps_its_decisions() -> None:
    record = {"title": {"en": "Bootstrap uncertainty of ERA5 precipitation trends"},
              "abstract": "We assess trend uncertainty in ERA5 precipitation by bootstrap resampling."}
    fields, draft = open_draft(yaml.safe_dump(record))
    assert fields == record and "bootstrap" in {a["method"] for a in draft["method_applications"]}
    draft["method_applications"][0]["accept"] = False
    again_fields, again = open_draft(yaml.safe_dump({**fields, "draft": draft}))
    assert again == draft and again_fields == fields
    _, from_text = open_draft("# Glacier lakes\n\n## Abstract\n\nWe classify Sentinel-1 imagery with a random forest.")
    assert "random-forest" in {a["method"] for a in from_text["method_applications"]}
    with pytest.raises(RecordError, match="paste a draft"):
        open_draft("  ")
