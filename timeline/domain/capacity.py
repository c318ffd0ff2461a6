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
from collections.abc import Iterable, Mapping
from itertools import accumulate

from timeline.domain.dates import DateSpan, shift
from timeline.domain.model import EventState
from timeline.domain.vocabulary import (
    FORMAL_MEETING_WEIGHT,
    INFORMAL_MEETING_WEIGHT,
    MEETING_KINDS,
    meeting_base_weight,
)

__all__ = [
    "TYPICAL_SESSION_DAYS",
    "Meeting",
    "RunningDays",
    "day_weights",
    "effective_days",
    "meetings",
    "past_and_future",
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
    meetings: list[Meeting] = []
    append = meetings.append
    # `_meeting_weight` written out: this loop visits every event of the process, and the call
    # was a third of its time (the tests hold the two to the same weights).
    for state in events:
        kind = state.kind
        if kind not in MEETING_KINDS:
            continue
        status = state.status
        if status in _NO_CAPACITY and status not in _MET_WITH:
            continue  # postponed or cancelled: neither sat nor will sit
        span = state.span
        weight = (
            INFORMAL_MEETING_WEIGHT
            if kind != "session" or state.attributes.get("formal") is False
            else FORMAL_MEETING_WEIGHT
        )
        if status == "tentative":
            weight *= _TENTATIVE_SHARE
        start, end = span.start, span.end
        if span.precision in _FUZZY_PRECISIONS:
            weight *= min(1.0, TYPICAL_SESSION_DAYS / max(1, _weekdays(start, end)))
        if weight > 0:
            append((status, start.toordinal(), end.toordinal(), weight))
    return meetings


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


def past_and_future(
    meetings: Iterable[Meeting], as_of: dt.date, horizon: dt.date
) -> tuple[dict[int, float], dict[int, float]]:
    """`_weights_within` of the past (every day through `as_of`, `past=True`) and of the days
    to come (after `as_of` through `horizon`, `past=False`), in one pass over the meetings:
    an assessment needs both, and a process has thousands of meetings."""
    past: dict[int, float] = {}
    future: dict[int, float] = {}
    past_get, future_get = past.get, future.get
    past_high = as_of.toordinal()  # the past starts at date.min, ordinal 1: every meeting's end
    low, high = shift(as_of, 1).toordinal(), horizon.toordinal()
    # `_raise_days` written out twice: this loop visits every day of every meeting.
    for status, start, end, weight in meetings:
        if status in _MET_WITH and start <= past_high:
            for ordinal in range(start, min(end, past_high) + 1):
                if (ordinal + 6) % 7 < 5 and past_get(ordinal, 0.0) < weight:
                    past[ordinal] = weight
        if status not in _NO_CAPACITY and end >= low and start <= high:
            for ordinal in range(max(start, low), min(end, high) + 1):  # empty if high < low
                if (ordinal + 6) % 7 < 5 and future_get(ordinal, 0.0) < weight:
                    future[ordinal] = weight
    return past, future


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
        # a handful of distinct weights (1, 0.5, 0.25, fuzzy shares): scale each once
        ratios = {weight: weight.as_integer_ratio() for weight in set(weights.values())}
        self.scale = max((denominator for _, denominator in ratios.values()), default=1)
        units = {w: numerator * (self.scale // d) for w, (numerator, d) in ratios.items()}
        self.totals = list(
            accumulate(map(units.__getitem__, map(weights.__getitem__, self.days)), initial=0)
        )

    def through(self, last: dt.date) -> float:
        """fsum of the weights of the days on or before `last`."""
        return self.totals[bisect_right(self.days, last.toordinal())] / self.scale
