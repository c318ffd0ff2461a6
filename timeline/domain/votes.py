"""Vote arithmetic for decisions taken when consensus fails, and recorded rolls checked.

"Two-thirds of the representatives present and voting": abstentions are not votes, so a proposal
passes when yes >= 2/3 of (yes + no), i.e. 3*yes >= 2*(yes + no). A simple majority needs yes > no.

Most decisions are taken with no vote at all: a vote point then records how it was adopted
(`adoption`: without a vote, or by consensus) instead of counts, and is adopted whatever its rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from timeline.domain.errors import FieldError, InvalidFields

__all__ = [
    "ADOPTIONS",
    "ADOPTION_WORDS",
    "VOTE_CASTS",
    "VOTE_RULES",
    "Outcome",
    "RecordedVote",
    "Tally",
    "VoteCast",
    "VoteRule",
    "adoption_conflicts",
    "outcome",
    "required_yes",
    "tally_outcome",
    "validate_roll",
]

VoteRule = Literal["two_thirds_present_voting", "simple_majority_present_voting", "consensus"]
Outcome = Literal["adopted", "rejected", "pending"]

VOTE_RULES: tuple[str, ...] = (
    "two_thirds_present_voting",
    "simple_majority_present_voting",
    "consensus",
)


# How a decision taken without a count was adopted, and its words for people.
ADOPTIONS: tuple[str, ...] = ("without_a_vote", "by_consensus")
ADOPTION_WORDS: dict[str, str] = {
    "without_a_vote": "without a vote",
    "by_consensus": "by consensus",
}


def adoption_conflicts(attributes: Mapping[str, Any], status: str | None) -> list[FieldError]:
    """Why a vote point's `adoption` cannot stand with the rest of its document (empty when it
    can): a decision adopted without a vote has no counts, and only a decision that was taken
    (status held) was adopted. Each problem names `attributes.adoption`."""
    if attributes.get("adoption") is None:
        return []
    errors: list[FieldError] = []
    counted = [name for name in ("yes", "no", "abstain") if attributes.get(name) is not None]
    if counted:
        errors.append(
            FieldError(
                "attributes.adoption",
                f"a decision adopted without a vote has no counts (remove {', '.join(counted)}"
                " or the adoption)",
            )
        )
    if status != "held":
        errors.append(
            FieldError(
                "attributes.adoption",
                f"only a decision that was taken (status held) was adopted; this one is {status}",
            )
        )
    return errors


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


def outcome(
    rule: str | None, yes: int | None, no: int | None, adoption: str | None = None
) -> Outcome:
    """Whether a proposal was adopted: adopted when it records an `adoption` (taken without a
    vote or by consensus, whatever the rule); otherwise pending until a tally is recorded, then
    decided by the tally under `rule`.

    Under consensus a recorded tally is read as "adopted when nobody objected".
    """
    if adoption in ADOPTIONS:
        return "adopted"
    if yes is None or no is None:
        return "pending"
    if rule == "consensus":
        return "adopted" if no == 0 and yes > 0 else "rejected"
    needed = required_yes(rule, yes, no)
    if needed is None:
        return "rejected" if rule in VOTE_RULES else "pending"
    return "adopted" if yes >= needed else "rejected"


# --- Recorded rolls: who voted how, checked against the party registry -----------------------

VoteCast = Literal["yes", "no", "abstain", "absent"]
VOTE_CASTS: tuple[str, ...] = ("yes", "no", "abstain", "absent")


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of a recorded vote. Abstentions and absences are not votes."""

    yes: int
    no: int
    abstain: int
    absent: int

    @property
    def voting(self) -> int:
        """Members present and voting: yes + no."""
        return self.yes + self.no

    def to_json(self) -> dict[str, int]:
        """A plain dict for the API."""
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain, "absent": self.absent}


@dataclass(frozen=True, slots=True)
class RecordedVote:
    """A roll that passed validation, its tally and its outcome under `rule`."""

    rule: str
    roll: tuple[tuple[str, VoteCast], ...]
    tally: Tally
    required_yes: int | None
    outcome: Outcome

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API: the roll in the order given, counts, threshold, outcome."""
        return {
            "rule": self.rule,
            "roll": [{"party": p, "vote": v} for p, v in self.roll],
            "counts": self.tally.to_json(),
            "required_yes": self.required_yes,
            "outcome": self.outcome,
        }


def tally_outcome(rule: str, tally: Tally) -> tuple[int | None, Outcome]:
    """The yes votes needed and the outcome of `tally` under `rule`.

    Two-thirds and simple majority count only yes and no; nobody voting is a rejection.
    """
    return required_yes(rule, tally.yes, tally.no), outcome(rule, tally.yes, tally.no)


def validate_roll(
    rule: str,
    roll: Sequence[Mapping[str, Any]],
    known_parties: Collection[str],
    counts: Mapping[str, Any] | None = None,
) -> RecordedVote:
    """Check a recorded roll (`[{"party": code, "vote": "yes"}, ...]`) and compute its outcome.

    Every problem is collected and raised at once as InvalidFields naming the field:
    `rule`; `roll.N.party` for an unknown code or a party listed twice (naming both places);
    `roll.N.vote` for a value other than yes, no, abstain, absent; `counts.X` when stored
    counts disagree with the roll (a count left out is not checked).
    """
    errors: list[FieldError] = []
    if rule not in VOTE_RULES:
        errors.append(FieldError("rule", f"must be one of {', '.join(VOTE_RULES)}"))
    seen: dict[str, int] = {}
    entries: list[tuple[str, VoteCast]] = []
    for i, item in enumerate(roll):
        party, vote = item.get("party"), item.get("vote")
        if not isinstance(party, str) or party not in known_parties:
            errors.append(FieldError(f"roll.{i}.party", f"unknown party code {party!r}"))
        elif party in seen:
            first = seen[party]
            errors.append(
                FieldError(f"roll.{i}.party", f"{party} is listed twice (also at roll.{first})")
            )
        else:
            seen[party] = i
        if vote not in VOTE_CASTS:
            errors.append(FieldError(f"roll.{i}.vote", f"must be one of {', '.join(VOTE_CASTS)}"))
        elif isinstance(party, str):
            entries.append((party, vote))
    tally = Tally(*(sum(1 for _, v in entries if v == cast) for cast in VOTE_CASTS))
    for name, value in (counts or {}).items():
        if name not in VOTE_CASTS:
            errors.append(FieldError(f"counts.{name}", "unknown count"))
        elif value is not None and value != getattr(tally, name):
            errors.append(
                FieldError(
                    f"counts.{name}", f"says {value} but the roll has {getattr(tally, name)}"
                )
            )
    if errors:
        raise InvalidFields(errors)
    needed, result = tally_outcome(rule, tally)
    return RecordedVote(rule, tuple(entries), tally, needed, result)
