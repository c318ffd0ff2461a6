"""Vote arithmetic for decisions taken when consensus fails.

"Two-thirds of the representatives present and voting": abstentions are not votes, so a proposal
passes when yes >= 2/3 of (yes + no), i.e. 3*yes >= 2*(yes + no). A simple majority needs yes > no.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Outcome", "VoteRule", "outcome", "required_yes"]

VoteRule = Literal["two_thirds_present_voting", "simple_majority_present_voting", "consensus"]
Outcome = Literal["adopted", "rejected", "pending"]

VOTE_RULES: tuple[str, ...] = (
    "two_thirds_present_voting",
    "simple_majority_present_voting",
    "consensus",
)


def required_yes(rule: str | None, yes: int | None, no: int | None) -> int | None:
    """The fewest yes votes that pass under `rule` with yes + no members voting.

    None when there is no tally, when nobody voted, or when the rule is consensus (no count
    decides it).
    """
    if yes is None or no is None or rule not in VOTE_RULES[:2]:
        return None
    voting = yes + no
    if voting == 0:
        return None
    if rule == "two_thirds_present_voting":
        return -(-2 * voting // 3)  # ceil(2 * voting / 3) in integers
    return voting // 2 + 1


def outcome(rule: str | None, yes: int | None, no: int | None) -> Outcome:
    """Whether a tallied proposal was adopted: pending until a tally is recorded.

    Under consensus a recorded tally is read as "adopted when nobody objected".
    """
    if yes is None or no is None:
        return "pending"
    if rule == "consensus":
        return "adopted" if no == 0 and yes > 0 else "rejected"
    needed = required_yes(rule, yes, no)
    if needed is None:
        return "rejected" if rule in VOTE_RULES else "pending"
    return "adopted" if yes >= needed else "rejected"
