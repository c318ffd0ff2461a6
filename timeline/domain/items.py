"""Negotiation items: the questions to settle before a deadline, with their status histories.

Each is an open question (a chapter, an article, a definition) that must be settled before a
deadline, with the history of its status. Plain values, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = [
    "ITEM_STATUSES",
    "OPEN_STATUSES",
    "RESOLVED_STATUSES",
    "ItemChange",
    "ItemState",
    "ItemStatus",
]

ItemStatus = Literal["open", "informals", "agreed", "dropped"]
ITEM_STATUSES: tuple[str, ...] = get_args(ItemStatus)
OPEN_STATUSES = frozenset({"open", "informals"})
RESOLVED_STATUSES = frozenset({"agreed", "dropped"})


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One revision of an item: when it became public, who recorded it, what it changed."""

    version: int
    change: str
    known_on: dt.date
    recorded_at: dt.datetime
    actor: str
    status: str
    fields: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item as known at one point, with every revision known by then (oldest first)."""

    key: str
    process: str
    title: str
    chapter: str | None
    status: str
    version: int
    known_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    history: tuple[ItemChange, ...] = ()

    @property
    def is_open(self) -> bool:
        """Whether the item still needs settling (open, or in informals)."""
        return self.status in OPEN_STATUSES

    def resolutions(self) -> list[dt.date]:
        """The days it was settled (moved to agreed or dropped from an unsettled status).

        An item re-opened after agreement and settled again counts twice: both were work done.
        """
        days: list[dt.date] = []
        previous: str | None = None
        for change in self.history:
            if change.status in RESOLVED_STATUSES and previous not in RESOLVED_STATUSES:
                days.append(change.known_on)
            previous = change.status
        return days
