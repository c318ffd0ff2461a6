"""The deadline rules: a deadline's status and the sentences, with their numbers, that say why.

`known_outcome` answers `met` or `missed` when the outcome is already known; otherwise
`rules` weighs the projection, the chance of settling the open items, the pace needed against
the pace seen, the share of items in informals and recent postponements, off-track first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from timeline.domain.dates import shift
from timeline.domain.model import EventState
from timeline.domain.projection import Projection

__all__ = ["RuleInputs", "known_outcome", "rules"]


def _pct(value: float) -> str:
    # Only said of chances with meeting days ahead, which are never exactly 0: a float that
    # rounds to 0 is a chance too small to print.
    if value < 0.005:
        return "under 1%"
    if 0.995 <= value < 1:
        return "over 99%"
    return f"{round(value * 100)}%"


def _days(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text or "0"


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _day(day: dt.date) -> str:
    return day.isoformat()


@dataclass(frozen=True, slots=True)
class RuleInputs:
    """What the rules read about one undecided deadline on `as_of`."""

    deadline: EventState
    last: dt.date
    as_of: dt.date
    projection: Projection
    capacity: float
    open_count: int
    informals_count: int
    open_effective: float
    settled: int
    past_days: float
    p_meet: float
    recent_postponements: tuple[tuple[str, dt.date], ...]


def rules(x: RuleInputs) -> tuple[str, list[str]]:
    """The status and the sentences of every rule that fired (off-track rules first)."""
    off: list[str] = []
    risk: list[str] = []
    a, b = 1.0 + x.settled, 1.0 + x.past_days
    observed = a / b
    required = x.open_effective / x.capacity if x.capacity > 0 else None
    slack = None if x.projection.day is None else (x.last - x.projection.day).days
    if x.projection.day is None:
        blocker = x.projection.blocker
        if blocker is not None:
            off.append(
                f"{blocker.title} is {blocker.status} with no new date, so the deadline cannot "
                "be projected."
            )
        else:
            off.append("A predecessor is not known yet, so the deadline cannot be projected.")
    elif slack is not None and slack < 0:
        earliest = x.projection.earliest or x.projection.day
        if earliest > x.last:
            off.append(
                f"The predecessors are projected to be done on {_day(x.projection.day)}, "
                f"{-slack} days after the last possible day ({_day(x.last)})."
            )
        else:
            # Fuzzy dates that straddle the last day: late is possible, not certain.
            risk.append(
                f"The predecessors' dates run as late as {_day(x.projection.day)}, {-slack} "
                f"days after the last possible day ({_day(x.last)}): it is met only if they "
                f"are done between {_day(earliest)} and {_day(x.last)}."
            )
    elif slack is not None and slack < 14:
        risk.append(
            f"Only {slack} days of slack between the projected {_day(x.projection.day)} and "
            f"the last possible day ({_day(x.last)})."
        )
    if x.open_effective > 0 and x.capacity <= 0:
        off.append(
            f"{x.open_count} items are still open but no negotiating days are scheduled before "
            f"{_day(x.last)}."
        )
    elif x.open_effective > 0:
        if x.p_meet < 0.5:
            off.append(
                f"The chance of settling the {_num(x.open_effective)} effective open items in "
                f"{_days(x.capacity)} negotiating days is {_pct(x.p_meet)}, below 50%."
            )
        elif x.p_meet < 0.8:
            risk.append(
                f"The chance of settling the {_num(x.open_effective)} effective open items in "
                f"{_days(x.capacity)} negotiating days is {_pct(x.p_meet)}, below 80%."
            )
        if required is not None and required > 1.5 * observed:
            off.append(
                f"It needs {_num(required)} items settled per negotiating day, "
                f"{required / observed:.1f} times the {_num(observed)} observed so far "
                f"({x.settled} settled in {_days(x.past_days)} days)."
            )
        elif required is not None and required > observed:
            risk.append(
                f"It needs {_num(required)} items settled per negotiating day, more than the "
                f"{_num(observed)} observed so far ({x.settled} settled in "
                f"{_days(x.past_days)} days)."
            )
    if x.open_count and x.informals_count / x.open_count > 0.3:
        risk.append(
            f"{x.informals_count} of {x.open_count} open items "
            f"({_pct(x.informals_count / x.open_count)}) are in informals, where contested "
            "text goes."
        )
    for title, day in x.recent_postponements:
        risk.append(
            f"{title} was postponed on {_day(day)}, {(x.as_of - day).days} days before "
            f"{_day(x.as_of)}."
        )
    if off:
        return "off_track", off + risk
    if risk:
        return "at_risk", risk
    return "on_track", [
        f"Projected for {_day(x.projection.day or x.last)} with {slack} days of slack; a "
        f"{_pct(x.p_meet)} chance of settling the {_num(x.open_effective)} effective open "
        f"items in {_days(x.capacity)} negotiating days."
    ]


def known_outcome(
    states: Mapping[str, EventState], deadline: EventState, last: dt.date, as_of: dt.date
) -> tuple[str, str] | None:
    """('met' | 'missed', sentence) when the outcome is already known on `as_of`; `last` is the
    deadline's last possible day (its `end`, already read by the caller)."""
    # Each predecessor with the day it is done by, lag included (None when unknown): `end` is a
    # property that parses (or looks up) the date on every read, so read it once.
    deps: list[tuple[EventState | None, dt.date | None]] = []
    all_held = True  # every predecessor known, held, and done by `last`
    for d in deadline.depends_on:
        s = states.get(d["event"])
        if s is None:
            deps.append((None, None))
            all_held = False
            continue
        by = shift(s.end, int(d.get("lag_days", 0)))
        deps.append((s, by))
        if s.status != "held" or by > last:
            all_held = False
    if deps and all_held:
        done = max(by for _, by in deps if by is not None)
        names = ", ".join(s.title for s, _ in deps if s is not None)
        return "met", f"{names}: held by {_day(done)}, within the last possible day ({_day(last)})."
    if as_of > last:
        late = [
            f"{s.title} ({s.status}, dated {_day(s.end)})" if s is not None else "a predecessor"
            for s, by in deps
            if s is None or s.status != "held" or (by is not None and by > last)
        ]
        return "missed", (
            f"The last possible day ({_day(last)}) passed {(as_of - last).days} days ago; not "
            f"done by then: {'; '.join(late) or 'its predecessors'}."
        )
    return None
