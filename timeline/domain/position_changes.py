"""A recorded change to a position record (a stance, a placement, a vote roll, a proposal), as
the change feeds and the digest tell it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = ["NEWS_KINDS", "PositionChange"]

# The record kinds whose changes are news to a feed's readers; axes and process groups are
# scaffolding, seen through the placements and stances that use them.
NEWS_KINDS: tuple[str, ...] = ("proposal", "stance", "placement", "roll")


@dataclass(frozen=True, slots=True)
class PositionChange:
    """One revision of a position record: who recorded it, when it became public, what moved.

    `document` is the record after the change, `previous` before it (None for a creation).
    `holder_name` (a party's or group's name), `subject` (the proposal's title, the axis's
    name, the voted event's title) and `axis` (an axis's low and high words) are filled in by
    the service from what was known on the day, so the words read "Egypt now opposes …".
    """

    id: int
    process: str
    kind: str
    key: str
    version: int
    change: str
    actor: str
    known_on: dt.date
    recorded_at: dt.datetime
    fields: dict[str, list[Any]]
    document: dict[str, Any]
    previous: dict[str, Any] | None = None
    holder_name: str | None = None
    subject: str | None = None
    axis: tuple[str, str] | None = None
