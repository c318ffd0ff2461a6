"""The product's words: event kinds, statuses, meeting weights and how each reads in English.

Every other module (API models, CLI choices, the drawing, the risk model, the change words)
reads these, so adding a kind or renaming a status is one edit here.
"""

from __future__ import annotations

import calendar
from typing import Final, Literal, get_args

__all__ = [
    "DURATION_KINDS",
    "FORMAL_MEETING_WEIGHT",
    "HELD_WORDS",
    "INFORMAL_MEETING_WEIGHT",
    "KINDS",
    "KIND_LABELS",
    "MEETING_KINDS",
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "PRECISIONS",
    "RISK_LABELS",
    "RISK_STATUSES",
    "STATUSES",
    "STATUS_WORDS",
    "STATUS_WORDS_BY_KIND",
    "UNDER_WAY_KINDS",
    "Kind",
    "Precision",
    "RiskStatus",
    "Status",
    "meeting_base_weight",
    "status_label",
]

Kind = Literal[
    "session",
    "informal",
    "consultation",
    "vote_point",
    "eif_threshold",
    "deadline",
    "document",
    "signature",
    "ratification",
    "milestone",
    "note",
]
# `missed`: a milestone or deadline that was simply not reached (not moved, not called off).
Status = Literal["planned", "tentative", "held", "postponed", "suspended", "cancelled", "missed"]
Precision = Literal["day", "month", "season", "year", "datetime"]
RiskStatus = Literal["met", "on_track", "at_risk", "off_track", "missed", "unknown"]

KINDS: Final[tuple[str, ...]] = get_args(Kind)
STATUSES: Final[tuple[str, ...]] = get_args(Status)
PRECISIONS: Final[tuple[str, ...]] = get_args(Precision)
RISK_STATUSES: Final[tuple[str, ...]] = get_args(RiskStatus)

# Kinds whose events are meetings: they give negotiating time, and they take time (drawn as bars
# even when they last a single day).
MEETING_KINDS: Final[frozenset[str]] = frozenset({"session", "informal", "consultation"})
DURATION_KINDS: Final[frozenset[str]] = MEETING_KINDS

# A formal session's day is worth one day of negotiating; informals, consultations and informal
# sessions half, since they cannot take decisions.
FORMAL_MEETING_WEIGHT: Final = 1.0
INFORMAL_MEETING_WEIGHT: Final = 0.5


def meeting_base_weight(kind: str, formal: object) -> float:
    """The weight of a meeting's day by its kind and `formal` attribute (0 for non-meetings)."""
    if kind not in MEETING_KINDS:
        return 0.0
    if kind != "session" or formal is False:
        return INFORMAL_MEETING_WEIGHT
    return FORMAL_MEETING_WEIGHT


KIND_LABELS: Final[dict[str, str]] = {
    "session": "Sessions",
    "informal": "Informals",
    "consultation": "Consultations",
    "vote_point": "Vote points",
    "eif_threshold": "Entry-into-force thresholds",
    "deadline": "Deadlines",
    "document": "Documents",
    "signature": "Signatures",
    "ratification": "Ratifications",
    "milestone": "Milestones",
    "note": "Notes",
}

# How a status reads after an event's title.
STATUS_WORDS: Final[dict[str, str]] = {
    "planned": "planned",
    "tentative": "now tentative",
    "held": "held",
    "postponed": "postponed",
    "suspended": "suspended",
    "cancelled": "cancelled",
    "missed": "not reached",
}
# Some kinds "happen" differently: a document that is held has been released, a vote point
# that is held has been taken.
HELD_WORDS: Final[dict[str, str]] = {
    "document": "released",
    "vote_point": "taken",
    "deadline": "reached",
    "signature": "took place",
    "ratification": "deposited",
}

# How a status reads on a badge, by kind, where the plain word does not fit: a document is
# released, not "held"; a threshold is proposed; a ratification deposited. Others read as the
# status itself.
STATUS_WORDS_BY_KIND: Final[dict[str, dict[str, str]]] = {
    "document": {"held": "released"},
    "eif_threshold": {"held": "proposed"},
    "vote_point": {"held": "adopted"},
    "signature": {"held": "signed"},
    "ratification": {"held": "deposited"},
    "milestone": {"held": "reached"},
    "deadline": {"held": "reached", "planned": "pending"},
    "note": {"held": "noted"},
}
# Only what takes time can be "under way" between its first and last day.
UNDER_WAY_KINDS: Final[frozenset[str]] = MEETING_KINDS


def status_label(kind: str, status: str) -> str:
    """The status of an event of `kind` in the words people use for it ("released")."""
    return STATUS_WORDS_BY_KIND.get(kind, {}).get(status, status)


RISK_LABELS: Final[dict[str, str]] = {
    "met": "met",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "missed": "missed",
    "unknown": "risk not assessed",
}

# Index 0 is empty so that a month number indexes its name (as in the calendar module).
MONTH_NAMES: Final[tuple[str, ...]] = tuple(calendar.month_name)
MONTH_ABBREVIATIONS: Final[tuple[str, ...]] = tuple(calendar.month_abbr)
