"""The deadline rules: a deadline's status and the sentences, with their numbers, that say why.

`known_outcome` answers `met` or `missed` when the outcome is already known (a meeting that
concludes up to `OVERRUN_DAYS` after the last day still meets it; a deadline with no
predecessor is met when it is recorded as reached, `held`, and missed when recorded `missed` or
when its last day passed; a predecessor recorded `missed` misses it at once); otherwise `rules`
weighs the projection, the chance of settling the open items, the pace needed against the pace
seen, the share of items in informals and recent postponements, off-track first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from timeline.domain.dates import shift
from timeline.domain.endings import OVERRUN_DAYS
from timeline.domain.model import EventState
from timeline.domain.projection import Projection
from timeline.domain.vocabulary import MEETING_KINDS

__all__ = ["RuleInputs", "known_outcome", "rules"]


# The same few numbers are written into the sentences of a hundred deadlines an assessment:
# formatting each once is cheaper than formatting it every time.
@lru_cache(maxsize=4096)
def _pct(value: float) -> str:
    # Only said of chances with meeting days ahead, which are never exactly 0: a float that
    # rounds to 0 is a chance too small to print.
    if value < 0.005:
        return "under 1%"
    if 0.995 <= value < 1:
        return "over 99%"
    return f"{round(value * 100)}%"


@lru_cache(maxsize=4096)
def _days(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text or "0"


@lru_cache(maxsize=4096)
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
    p_meet: float  # the item pace's chance
    recent_postponements: tuple[tuple[str, dt.date], ...]
    standalone: bool = False  # no predecessor: a mandate's date
    package: bool = False  # items negotiated together settle together
    tracked: bool = True  # negotiation items are recorded
    p_final: float | None = None  # the published chance (pace or base rate, bounded)
    running_over: EventState | None = None  # the meeting on its last day or running over


def rules(x: RuleInputs) -> tuple[str, list[str]]:
    """The status and the sentences of every rule that fired (off-track rules first)."""
    off: list[str] = []
    risk: list[str] = []
    a, b = 1.0 + x.settled, 1.0 + x.past_days
    observed = a / b
    required = x.open_effective / x.capacity if x.capacity > 0 else None
    slack = None if x.projection.day is None else (x.last - x.projection.day).days
    over = x.running_over
    if over is not None:
        chance = x.p_final if x.p_final is not None else x.p_meet
        left = f" with {x.open_count} items open" if x.open_effective > 0 else ""
        risk.append(
            f"{over.title} was scheduled to close on {_day(over.end)} and is not recorded as "
            f"concluded{left}: a concluding session may run up to {OVERRUN_DAYS} days over, "
            f"and the chance, {_pct(chance)}, is how often deadlines set for a concluding "
            "session were met in the library of past negotiations."
        )
    elif x.standalone:
        pass  # nothing recorded behind it: only the work and the time left are weighed
    elif x.projection.day is None:
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
    if x.open_effective > 0 and over is not None:
        pass  # the last night decides, not the pace: said above
    elif x.open_effective > 0 and x.capacity <= 0:
        off.append(
            f"{x.open_count} items are still open but no negotiating days are scheduled before "
            f"{_day(x.last)}."
        )
    elif x.open_effective > 0 and x.package:
        pass  # settled together on the last night: the pace so far says little
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
    chance = x.p_final if x.p_final is not None else x.p_meet
    if x.standalone:
        where = f"Due by {_day(x.last)}, with no milestone recorded behind it"
    else:
        where = f"Projected for {_day(x.projection.day or x.last)} with {slack} days of slack"
    if not x.tracked or x.package:
        why = (
            "the items are negotiated as a package (nothing is agreed until everything is "
            "agreed), so"
            if x.tracked
            else "no negotiation items are tracked, so"
        )
        return "on_track", [
            f"{where}; {why} the chance, {_pct(chance)}, is how often deadlines set for a "
            "concluding session were met in the library of past negotiations."
        ]
    return "on_track", [
        f"{where}; a {_pct(chance)} chance of settling the {_num(x.open_effective)} effective "
        f"open items in {_days(x.capacity)} negotiating days."
    ]


def known_outcome(
    states: Mapping[str, EventState], deadline: EventState, last: dt.date, as_of: dt.date
) -> tuple[str, str] | None:
    """('met' | 'missed', sentence) when the outcome is already known on `as_of`; `last` is the
    deadline's last possible day (its `end`, already read by the caller)."""
    if not deadline.depends_on:
        return _standalone_outcome(deadline, last, as_of)
    # Each predecessor with the day it is done by, lag included (None when unknown): `end` is a
    # property that parses (or looks up) the date on every read, so read it once.
    deps: list[tuple[EventState | None, dt.date | None]] = []
    all_held = True  # every predecessor known, held, and done by `last` (or its overrun)
    grace = 0  # a concluding meeting may run a few days past its scheduled close
    for d in deadline.depends_on:
        s = states.get(d["event"])
        if s is None:
            deps.append((None, None))
            all_held = False
            continue
        if s.kind in MEETING_KINDS:
            grace = OVERRUN_DAYS
        by = shift(s.end, int(d.get("lag_days", 0)))
        deps.append((s, by))
        allowed = shift(last, OVERRUN_DAYS) if s.kind in MEETING_KINDS else last
        if s.status != "held" or by > allowed:
            all_held = False
    if deps and all_held:
        done = max(by for _, by in deps if by is not None)
        names = ", ".join(s.title for s, _ in deps if s is not None)
        if done > last:
            return "met", (
                f"{names}: held by {_day(done)}, {(done - last).days} days past the last "
                f"possible day ({_day(last)}), within the {OVERRUN_DAYS} days a concluding "
                "session may run over."
            )
        return "met", f"{names}: held by {_day(done)}, within the last possible day ({_day(last)})."
    given_up = [s for s, _ in deps if s is not None and s.status == "missed"]
    if given_up:
        return "missed", (
            f"{'; '.join(s.title for s in given_up)}: recorded as not reached, so the deadline "
            f"({_day(last)}) is missed."
        )
    if as_of > shift(last, grace):
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


def _standalone_outcome(
    deadline: EventState, last: dt.date, as_of: dt.date
) -> tuple[str, str] | None:
    """The outcome of a deadline with no predecessor: what is recorded on the deadline itself."""
    if deadline.status == "held":
        return "met", f"Recorded as reached by its last possible day ({_day(last)})."
    if deadline.status == "missed":
        return "missed", f"Recorded as not reached by its last possible day ({_day(last)})."
    if as_of > last:
        return "missed", (
            f"The last possible day ({_day(last)}) passed {(as_of - last).days} days ago and "
            "the deadline is not recorded as reached."
        )
    return None
