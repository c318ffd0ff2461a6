"""Decisions adopted without a vote or by consensus: adopted whatever the rule, and checked
against the rest of their document."""

from __future__ import annotations

from typing import Any

import pytest

from timeline.domain.events import derived_attributes, validate_document_rules
from timeline.domain.votes import VOTE_RULES, adoption_conflicts, outcome, required_yes


@pytest.mark.parametrize("rule", [*VOTE_RULES, None])
@pytest.mark.parametrize("adoption", ["without_a_vote", "by_consensus"])
def test_a_decision_adopted_without_a_count_is_adopted_whatever_its_rule(
    rule: str | None, adoption: str
) -> None:
    assert outcome(rule, None, None, adoption) == "adopted"
    assert outcome(rule, None, None) == "pending"  # not taken yet: still pending
    assert required_yes(rule, None, None) is None


def test_a_recorded_tally_still_decides_by_its_rule() -> None:
    assert outcome("two_thirds_present_voting", 3, 2) == "rejected"
    assert outcome("simple_majority_present_voting", 3, 2) == "adopted"


def test_served_attributes_say_adopted_and_keep_how() -> None:
    served = derived_attributes("vote_point", {"rule": "consensus", "adoption": "by_consensus"})
    assert served == {
        "rule": "consensus",
        "adoption": "by_consensus",
        "outcome": "adopted",
        "required_yes": None,
    }


def _document(**fields: Any) -> dict[str, Any]:
    return {"kind": "vote_point", "title": "Vote", "date": "2024-08-08", **fields}


def _fields(document: dict[str, Any]) -> list[str]:
    _, errors = validate_document_rules(document)
    return [e.field for e in errors]


def test_bad_adoption_values_and_contradictions_name_the_attribute() -> None:
    held = {"status": "held"}
    assert _fields(_document(**held, attributes={"adoption": "without_a_vote"})) == []
    assert _fields(_document(**held, attributes={"adoption": "unanimously"})) == [
        "attributes.adoption"
    ]
    counted = _document(**held, attributes={"adoption": "without_a_vote", "yes": 3, "no": 0})
    assert _fields(counted) == ["attributes.adoption"]
    planned = _document(status="planned", attributes={"adoption": "by_consensus"})
    assert _fields(planned) == ["attributes.adoption"]


def test_conflicts_say_what_to_change() -> None:
    [counts, status] = adoption_conflicts({"adoption": "without_a_vote", "abstain": 2}, "planned")
    assert "remove abstain" in counts.message
    assert "this one is planned" in status.message
    assert adoption_conflicts({"yes": 2}, "planned") == []
