"""Two-thirds of those present and voting, and simple majorities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.domain.votes import outcome, required_yes

TWO_THIRDS = "two_thirds_present_voting"
MAJORITY = "simple_majority_present_voting"


@pytest.mark.parametrize(
    ("yes", "no", "needed", "result"),
    [
        (20, 10, 20, "adopted"),  # exactly two-thirds passes
        (19, 10, 20, "rejected"),
        (2, 1, 2, "adopted"),
        (100, 51, 101, "rejected"),
        (102, 51, 102, "adopted"),
    ],
)
def test_two_thirds_counts_only_yes_and_no(yes: int, no: int, needed: int, result: str) -> None:
    assert required_yes(TWO_THIRDS, yes, no) == needed
    assert outcome(TWO_THIRDS, yes, no) == result


def test_abstentions_never_count_as_votes() -> None:
    # 20 yes, 10 no, 100 abstaining: 20 >= 2/3 of 30, so it passes whatever the abstentions.
    assert outcome(TWO_THIRDS, 20, 10) == "adopted"


@pytest.mark.parametrize(
    ("yes", "no", "needed", "result"), [(6, 5, 6, "adopted"), (5, 5, 6, "rejected")]
)
def test_simple_majority_needs_more_yes_than_no(
    yes: int, no: int, needed: int, result: str
) -> None:
    assert required_yes(MAJORITY, yes, no) == needed
    assert outcome(MAJORITY, yes, no) == result


def test_no_tally_is_pending() -> None:
    assert outcome(TWO_THIRDS, None, None) == "pending"
    assert required_yes(TWO_THIRDS, None, None) is None


def test_consensus_has_no_required_count() -> None:
    assert required_yes("consensus", 10, 0) is None
    assert outcome("consensus", 10, 0) == "adopted"
    assert outcome("consensus", 10, 1) == "rejected"


@given(st.integers(0, 500), st.integers(0, 500))
def test_two_thirds_outcome_matches_the_rule_in_integers(yes: int, no: int) -> None:
    result = outcome(TWO_THIRDS, yes, no)
    if yes + no == 0:
        assert result == "rejected"
    else:
        assert (result == "adopted") == (3 * yes >= 2 * (yes + no))
        needed = required_yes(TWO_THIRDS, yes, no)
        assert needed is not None
        assert 3 * needed >= 2 * (yes + no) > 3 * (needed - 1)
