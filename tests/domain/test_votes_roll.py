"""Recorded rolls: validation against the registry, counts that must agree, outcome by rule."""

from __future__ import annotations

import pytest

from timeline.domain.errors import InvalidFields
from timeline.domain.votes import Tally, tally_outcome, validate_roll
from timeline.reference import load_registry

TWO_THIRDS = "two_thirds_present_voting"
MAJORITY = "simple_majority_present_voting"
CODES = load_registry().codes


def roll(**votes: str) -> list[dict[str, str]]:
    return [{"party": code, "vote": vote} for code, vote in votes.items()]


def test_a_valid_roll_is_tallied_and_decided() -> None:
    recorded = validate_roll(
        TWO_THIRDS,
        roll(FRA="yes", DEU="yes", RUS="no", CHN="abstain", USA="absent"),
        CODES,
        counts={"yes": 2, "no": 1, "abstain": 1, "absent": 1},
    )
    assert recorded.tally == Tally(yes=2, no=1, abstain=1, absent=1)
    assert recorded.tally.voting == 3
    assert recorded.required_yes == 2
    assert recorded.outcome == "adopted"
    assert recorded.to_json()["roll"][2] == {"party": "RUS", "vote": "no"}
    assert recorded.to_json()["counts"] == {"yes": 2, "no": 1, "abstain": 1, "absent": 1}


def test_unknown_codes_and_parties_listed_twice_are_named() -> None:
    bad = [
        {"party": "FRA", "vote": "yes"},
        {"party": "XXX", "vote": "no"},
        {"party": "FRA", "vote": "no"},
        {"party": "DEU", "vote": "maybe"},
    ]
    with pytest.raises(InvalidFields) as caught:
        validate_roll(TWO_THIRDS, bad, CODES)
    errors = {e.field: e.message for e in caught.value.errors}
    assert set(errors) == {"roll.1.party", "roll.2.party", "roll.3.vote"}
    assert "XXX" in errors["roll.1.party"]
    assert errors["roll.2.party"] == "FRA is listed twice (also at roll.0)"


def test_stored_counts_must_agree_with_the_roll() -> None:
    with pytest.raises(InvalidFields) as caught:
        validate_roll(MAJORITY, roll(FRA="yes", DEU="no"), CODES, counts={"yes": 2, "no": 1})
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("counts.yes", "says 2 but the roll has 1")
    ]


def test_unknown_rule_is_named() -> None:
    with pytest.raises(InvalidFields) as caught:
        validate_roll("three_quarters", roll(FRA="yes"), CODES)
    assert [e.field for e in caught.value.errors] == ["rule"]


def test_wins_a_simple_majority_but_not_two_thirds() -> None:
    codes = sorted(CODES)
    votes = [{"party": c, "vote": "yes"} for c in codes[:60]]
    votes += [{"party": c, "vote": "no"} for c in codes[60:100]]
    votes += [{"party": c, "vote": "abstain"} for c in codes[100:150]]
    votes += [{"party": c, "vote": "absent"} for c in codes[150:]]
    majority = validate_roll(MAJORITY, votes, CODES)
    two_thirds = validate_roll(TWO_THIRDS, votes, CODES)
    assert majority.outcome == "adopted"
    assert majority.required_yes == 51
    # 60 of 100 present and voting is short of two-thirds (67); abstentions do not count.
    assert two_thirds.outcome == "rejected"
    assert two_thirds.required_yes == 67


def test_nobody_voting_is_a_rejection() -> None:
    assert tally_outcome(TWO_THIRDS, Tally(0, 0, 5, 3)) == (None, "rejected")
