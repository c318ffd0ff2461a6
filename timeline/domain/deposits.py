"""Deposits: how many instruments of ratification were deposited by each day.

Instruments of ratification, acceptance, approval or accession deposited by `as_of`:
`ratification` events that are held and whose last day is on or before `as_of`. Each names one
`party` (counted once, on its first deposit), reports a cumulative `count`, or both ("Morocco,
the 60th"). A report counts every instrument deposited up to its day, so the count on a day is
the latest report plus the parties first named after it (party A, "count 7", party B gives 8),
and never less than the distinct parties named by then (counts only grow). Signatures are not
instruments and never count.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timeline.domain.model import EventState

__all__ = ["DepositCurve", "deposit_curve"]


@dataclass(frozen=True, slots=True)
class DepositCurve:
    """The cumulative number of instruments deposited, as a step function of the day."""

    steps: tuple[tuple[dt.date, int], ...]  # (day, count from that day on), increasing

    def at(self, day: dt.date) -> int:
        """Instruments deposited on or before `day`."""
        count = 0
        for step_day, step_count in self.steps:
            if step_day > day:
                break
            count = step_count
        return count

    def reached(self, instruments: int) -> dt.date | None:
        """The deposit day the count first met `instruments`, or None."""
        for day, count in self.steps:
            if count >= instruments:
                return day
        return None

    def before(self, day: dt.date) -> int:
        """Instruments deposited before `day`."""
        count = 0
        for step_day, step_count in self.steps:
            if step_day >= day:
                break
            count = step_count
        return count


def _party(value: Any) -> str | None:
    return " ".join(value.split()).casefold() if isinstance(value, str) and value.strip() else None


def deposit_curve(
    events: Sequence[EventState], as_of: dt.date, *, reio_counts: bool = True
) -> DepositCurve:
    """The instruments deposited by each day up to `as_of` (see the module notes).

    `reio_counts=False` leaves out deposits marked `reio: true` (an REIO's instrument that the
    rule says does not count in addition to its member states').
    """
    first_deposit: dict[str, dt.date] = {}
    counts: list[tuple[dt.date, int]] = []
    for state in events:
        if state.kind != "ratification" or state.status != "held" or state.end > as_of:
            continue
        if not reio_counts and state.attributes.get("reio") is True:
            continue
        party = _party(state.attributes.get("party"))
        count = state.attributes.get("count")
        if party is not None and (party not in first_deposit or state.end < first_deposit[party]):
            first_deposit[party] = state.end
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            counts.append((state.end, count))
    firsts = sorted(first_deposit.values())
    days = sorted(set(firsts) | {d for d, _ in counts})
    steps: list[tuple[dt.date, int]] = []
    for day in days:
        # A report covers every deposit up to its day; parties first named later add to it.
        parties = bisect_right(firsts, day)
        value = parties
        for reported_on, reported in counts:
            if reported_on <= day:
                value = max(value, reported + parties - bisect_right(firsts, reported_on))
        if not steps or value > steps[-1][1]:
            steps.append((day, value))
    return DepositCurve(tuple(steps))
