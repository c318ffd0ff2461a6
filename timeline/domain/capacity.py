"""Negotiating capacity: the effective meeting days a process has had, and has ahead of it.

Only weekdays count (committees do not sit at the weekend) and each day counts once, at the
weight of the strongest meeting on it (`timeline.domain.vocabulary` gives a formal session's day
1.0 and the others 0.5); a tentative meeting counts half of that again; a meeting whose days are
not known yet is assumed to last `TYPICAL_SESSION_DAYS` weekdays spread over its span.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from timeline.domain.dates import DateSpan, shift
from timeline.domain.model import EventState
from timeline.domain.vocabulary import (
    MEETING_KINDS,
    meeting_base_weight,
)

__all__ = [
    "TYPICAL_SESSION_DAYS",
    "Capacity",
    "Meeting",
    "RunningDays",
    "WeekdayWeights",
    "capacity_around",
    "day_weights",
    "effective_days",
    "meetings",
    "weekday_weights",
]

TYPICAL_SESSION_DAYS = 10
_TENTATIVE_SHARE = 0.5  # a tentative meeting may not sit: half its weight
_NO_CAPACITY = frozenset({"postponed", "suspended", "cancelled", "missed"})
_MET_WITH = frozenset({"held", "suspended"})  # days a meeting actually sat
_FUZZY_PRECISIONS = frozenset({"month", "season", "year"})  # days not known yet


def _weekdays(start: dt.date, end: dt.date) -> int:
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    first = start.weekday()
    count += sum(1 for i in range(rest) if (first + i) % 7 < 5)
    return count


def _meeting_weight(state: EventState, span: DateSpan | None = None) -> float:
    """The weight of each of the meeting's days; `span` is `state.span` when already at hand."""
    if state.kind not in MEETING_KINDS:
        return 0.0
    weight = meeting_base_weight(state.kind, state.attributes.get("formal"))
    if state.status == "tentative":
        weight *= _TENTATIVE_SHARE
    if span is None:
        span = state.span
    if span.precision in _FUZZY_PRECISIONS:
        # The days are not known yet: assume a typical session spread over the span.
        weight *= min(1.0, TYPICAL_SESSION_DAYS / max(1, _weekdays(span.start, span.end)))
    return weight


def day_weights(
    events: Iterable[EventState], first: dt.date, last: dt.date, *, past: bool
) -> dict[dt.date, float]:
    """Each weekday in [first, last] with a meeting, at the weight of its strongest meeting.

    `past=True` counts the days meetings actually sat (held or suspended); `past=False` the days
    still to come (planned, tentative or held; postponed, suspended and cancelled give nothing).
    """
    weights = _weights_within(meetings(events), first, last, past=past)
    return {dt.date.fromordinal(ordinal): weight for ordinal, weight in weights.items()}


# A meeting that can give capacity: (status, first day, last day, weight), days as ordinals.
Meeting = tuple[str, int, int, float]


def meetings(events: Iterable[EventState]) -> list[Meeting]:
    """Every meeting that can give capacity, in the past or to come, with its weight (> 0).

    Weighed once per assessment: the past and the days to come both read this list.
    """
    found: list[Meeting] = []
    append = found.append
    for state in events:
        # Weighed on a state's first use, then kept on it (see `_KEPT`).
        kept = state.__dict__
        meeting = kept.get(_KEPT, _UNWEIGHED)
        if meeting is _UNWEIGHED:
            meeting = kept[_KEPT] = _weigh(state)
        if meeting is not None:
            append(meeting)
    return found


# Where an event state keeps its weighed meeting (None when it gives no capacity). A state is
# an immutable value (frozen, never changed once read), and the analyses of a process meet the
# same state objects again after every change that did not touch them (refreshed inputs share
# them), so each is weighed once rather than on every assessment. Not a dataclass field:
# equality, `replace` and `asdict` ignore it, like the kept `span`.
_KEPT = "_capacity_meeting"
_UNWEIGHED = object()


def _weigh(state: EventState) -> Meeting | None:
    """The meeting `state` is, with its weight, or None when it can give no capacity."""
    status = state.status
    if state.kind not in MEETING_KINDS or (status in _NO_CAPACITY and status not in _MET_WITH):
        return None  # not a meeting, or postponed or cancelled: neither sat nor will sit
    span = state.span
    weight = _meeting_weight(state, span)
    if weight <= 0:
        return None
    return (status, span.start.toordinal(), span.end.toordinal(), weight)


def _weights_within(
    meetings: Iterable[Meeting], first: dt.date, last: dt.date, *, past: bool
) -> dict[int, float]:
    """`day_weights` of these meetings, keyed by the days' ordinals (no date objects)."""
    weights: dict[int, float] = {}
    if last < first:
        return weights
    low, high = first.toordinal(), last.toordinal()
    for status, start, end, weight in meetings:
        if (status not in _MET_WITH) if past else (status in _NO_CAPACITY):
            continue
        if end < low or start > high:
            continue
        _raise_days(weights, max(start, low), min(end, high), weight)
    return weights


# Weekdays (ordinals, ascending) and the weight of each: the shape the analyses read.
WeekdayWeights = tuple[list[int], list[float]]


def weekday_weights(
    meetings: Sequence[Meeting], as_of: dt.date, horizon: dt.date
) -> tuple[WeekdayWeights, WeekdayWeights]:
    """The weekdays of the past (through `as_of`, the days meetings sat) and of the days to
    come (after `as_of` through `horizon`, the days still to sit), each in order with the
    weight of its strongest meeting, from one list of meetings: an assessment needs both, and
    a process has thousands of meetings."""
    if not meetings:
        return ([], []), ([], [])
    # Every day of every meeting, in numpy's C loops: a Python loop over each day of each of a
    # process's thousands of meetings was a fifth of an assessment. Each day keeps the largest
    # weight of its meetings, exactly as `_raise_days` does (max is exact on floats).
    statuses, starts, ends, weights = zip(*meetings, strict=True)
    count = len(statuses)
    first = np.fromiter(starts, np.int64, count)
    last = np.fromiter(ends, np.int64, count)
    weight = np.fromiter(weights, np.float64, count)
    positive = weight > 0
    sat = np.fromiter(map(_MET_WITH.__contains__, statuses), np.bool_, count) & positive
    gone = np.fromiter(map(_NO_CAPACITY.__contains__, statuses), np.bool_, count)
    kept = ~gone & positive
    past_high = as_of.toordinal()  # the past starts at date.min, ordinal 1: every meeting's end
    low, high = shift(as_of, 1).toordinal(), horizon.toordinal()
    past = _strongest_weekdays(first[sat], np.minimum(last[sat], past_high), weight[sat])
    future = _strongest_weekdays(
        np.maximum(first[kept], low), np.minimum(last[kept], high), weight[kept]
    )
    return past, future


def _strongest_weekdays(
    first: npt.NDArray[np.int64], last: npt.NDArray[np.int64], weight: npt.NDArray[np.float64]
) -> WeekdayWeights:
    """Each weekday (ordinal, ascending) within some [first, last], with the largest weight of
    those ranges; ranges with last < first give nothing."""
    lengths = np.maximum(last - first + 1, 0)
    total = int(lengths.sum())
    if total == 0:
        return [], []
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    days = np.repeat(first, lengths) + (np.arange(total, dtype=np.int64) - offsets)
    values = np.repeat(weight, lengths)
    # date.fromordinal(1) is a Monday: weekday = (ordinal + 6) % 7, weekdays are 0 to 4
    weekday = (days + 6) % 7 < 5
    days, values = days[weekday], values[weekday]
    if not len(days):
        return [], []
    order = np.lexsort((values, days))  # by day, then weight: each day's largest comes last
    days, values = days[order], values[order]
    last_of_day = np.ones(len(days), dtype=np.bool_)
    last_of_day[:-1] = days[1:] != days[:-1]
    return days[last_of_day].tolist(), values[last_of_day].tolist()


def _raise_days(weights: dict[int, float], first: int, last: int, weight: float) -> None:
    """Raise each weekday in [first, last] (ordinals) to at least `weight`."""
    get = weights.get
    for ordinal in range(first, last + 1):
        # date.fromordinal(1) is a Monday: weekday = (ordinal + 6) % 7, weekdays are 0 to 4
        if (ordinal + 6) % 7 < 5 and get(ordinal, 0.0) < weight:
            weights[ordinal] = weight


def effective_days(
    events: Iterable[EventState], first: dt.date, last: dt.date, *, past: bool
) -> float:
    """The effective negotiating days in [first, last] (see `day_weights`)."""
    return math.fsum(_weights_within(meetings(events), first, last, past=past).values())


class RunningDays:
    """Effective days from a fixed first day through any last day, each sum exact.

    `fsum` of the weights of the days up to `last` is the float nearest their exact sum. Every
    weight is a float, so a binary fraction: summed as integers over a common power-of-two
    denominator the running totals are exact, and one integer division (correctly rounded in
    Python) gives that same nearest float, for each deadline in O(log days) instead of a pass
    over every day to come.
    """

    def __init__(self, weights: Mapping[int, float]) -> None:
        self.days = sorted(weights)
        self._add_up(list(map(weights.__getitem__, self.days)))

    @classmethod
    def of(cls, weekdays: WeekdayWeights) -> RunningDays:
        """The running days of `weekday_weights`' days to come (days already in order)."""
        running = cls.__new__(cls)
        running.days = weekdays[0]
        running._add_up(weekdays[1])
        return running

    def _add_up(self, in_order: list[float]) -> None:
        # a handful of distinct weights (1, 0.5, 0.25, fuzzy shares): scale each once
        ratios = {weight: weight.as_integer_ratio() for weight in set(in_order)}
        self.scale = max((denominator for _, denominator in ratios.values()), default=1)
        units = {w: numerator * (self.scale // d) for w, (numerator, d) in ratios.items()}
        self.totals = list(accumulate(map(units.__getitem__, in_order), initial=0))

    def through(self, last: dt.date) -> float:
        """fsum of the weights of the days on or before `last`."""
        return self.totals[bisect_right(self.days, last.toordinal())] / self.scale


class Capacity(NamedTuple):
    """The negotiating days around one day: those held through it and those still to come."""

    held: float  # fsum of the weights of the weekdays meetings sat, through the day
    to_come: RunningDays  # the weekdays still to sit after the day, through the horizon


def capacity_around(meetings: Sequence[Meeting], as_of: dt.date, horizon: dt.date) -> Capacity:
    """The effective days the `meetings` sat through `as_of`, and the running effective days
    still to sit after `as_of` through `horizon` (as `weekday_weights` gives them); the same
    value, to the last bit, for equal meetings and days."""
    return _capacity(tuple(meetings), as_of, horizon)


# The last few capacities asked for, by (meetings, day, horizon): a change to a process that
# leaves its meetings as they were (a summary, a source, a deadline, an item) gives the same
# meetings, so the next assessment takes the capacity from here instead of weighing every day
# of every meeting again. The key is compared in full (one hash, then equality on a hit), a
# fraction of the cost of the weighing; `lru_cache` hashes it once, where `cachetools` hashes
# it for the lookup and again for the read.
@lru_cache(maxsize=16)
def _capacity(meetings: tuple[Meeting, ...], as_of: dt.date, horizon: dt.date) -> Capacity:
    past, future = weekday_weights(meetings, as_of, horizon)
    return Capacity(math.fsum(past[1]), RunningDays.of(future))
