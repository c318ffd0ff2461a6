"""Deadline risk: will the process make its dates, and if not, what is in the way.

A pure function of (the events as known on `as_of`, the items with their histories, the status
changes of events, `as_of`); no clock, no I/O, no randomness: the same input gives the same
output, to the last digit.

The model, in four parts:

* **Work**: items open on `as_of`; an item in informals weighs 1.5 (contested text goes there).
  Items re-opened after agreement are open again and count again.
* **Capacity**: effective negotiating days. Only weekdays count (committees do not sit at the
  weekend) and each day counts once, at the weight of the strongest meeting on it, so an
  informal held inside a session adds nothing (it runs in parallel, it is not extra time).
  Weights: a formal session 1.0; informals, consultations and informal sessions 0.5; a tentative
  meeting half of that again; postponed, suspended and cancelled meetings give nothing. A meeting
  whose days are not known yet (month, season or year precision) is assumed to last a typical
  session, `TYPICAL_SESSION_DAYS` weekdays, spread over its span.
* **Pace**: items settled (agreed or dropped) per effective day held before `as_of`, as a
  Gamma(1 + settled, 1 + days) posterior over the daily rate. Settlements in the coming
  `capacity` days are then Negative Binomial: P(meet) = P(NegBin(r = a, p = b / (b + capacity))
  >= effective open items), computed exactly as a finite sum (no simulation).
* **Dependencies**: a forward pass over `depends_on` (with lags) projects the day each deadline's
  predecessors will be done; a held event is done on its last day, a planned one on its last
  possible day (never before `as_of`), a postponed, suspended or cancelled one has no date.
  Slack = the deadline's last possible day minus the projection. The same pass run with the
  first possible day of fuzzy dates gives the earliest projection: when only the latest one
  misses the deadline ("approval in January 2024" against "by 10 January"), the deadline is
  `at_risk`, not `off_track`. This departs from plain "negative slack is off track": replayed
  over the demo history (`timeline backtest`), the plain rule called the January 2024 target off
  track from March 2022, before anything but a month-precision plan was known.

Statuses: `met` (every predecessor held, lag included, by the deadline's last day), `missed`
(that day has passed and it was not met), `off_track`, `at_risk`, `on_track` by the rules in
`_rules`; each rule that fires adds one sentence to `reasons`, with its numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import mul
from typing import Any, NamedTuple

import numpy as np

from timeline.domain.dates import DateSpan
from timeline.domain.items import ItemState
from timeline.domain.model import EventState

__all__ = [
    "INFORMALS_WEIGHT",
    "MODEL",
    "TYPICAL_SESSION_DAYS",
    "DeadlineRisk",
    "EventRef",
    "assess_deadlines",
    "day_weights",
    "effective_days",
    "negbin_tail",
    "project",
    "shift",
]

MODEL = "negbin-pace-1"
INFORMALS_WEIGHT = 1.5
TYPICAL_SESSION_DAYS = 10
_MEETING_KINDS = frozenset({"session", "informal", "consultation"})
_NO_CAPACITY = frozenset({"postponed", "suspended", "cancelled"})
_MET_WITH = frozenset({"held", "suspended"})  # days a meeting actually sat
_UNDATED = frozenset({"postponed", "suspended", "cancelled"})
_FUZZY_PRECISIONS = frozenset({"month", "season", "year"})  # days not known yet
_TAIL_BLOCK = 1 << 20  # terms computed at once by `_Tails.many` (8 MB of floats)


def shift(day: dt.date, days: int) -> dt.date:
    """The day `days` after `day`, clamped to the calendar's ends (years 1 to 9999)."""
    if not days:
        return day  # most lags are 0: no timedelta to build
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def negbin_tail(r: float, p: float, n: int) -> float:
    """P(N >= n) for N ~ NegBin(r, p) (failures before the r-th success, success chance p).

    Exact: 1 minus the finite sum of the n first probabilities, each from the closed-form pmf
    C(k + r - 1, k) p^r (1 - p)^k, summed in log space so that large r or tiny p do not
    underflow. `r` may be fractional (a Gamma-Poisson mixture).
    """
    if n <= 0:
        return 1.0
    if r <= 0:
        raise ValueError("r must be positive")
    if p >= 1.0:
        return 0.0  # no trials left: nothing more can be settled
    if p <= 0.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    r_log_p = r * log_p
    exp = math.exp
    terms = [exp(c + r_log_p + k * log_q) for k, c in enumerate(_log_binomials(r, n))]
    return min(1.0, max(0.0, 1.0 - math.fsum(terms)))


@lru_cache(maxsize=64)
def _log_binomials(r: float, n: int) -> tuple[float, ...]:
    """log C(k + r - 1, k) for k in [0, n), written exactly as the pmf's first terms.

    An assessment asks the same (r, n) once per deadline with only p changing (and the
    entry-into-force quantile search once per probe), so these lgamma calls, most of the cost
    of a tail, are made once. Same expression, same order: the same floats as inline.
    """
    log_gamma_r = math.lgamma(r)
    lgamma = math.lgamma
    return tuple(lgamma(k + r) - log_gamma_r - lgamma(k + 1) for k in range(n))


class _Tails:
    """`negbin_tail(r, p, n)` for one (r, n) and many p: the chances of one assessment.

    An assessment asks one tail per undecided deadline, all with the same r and n, and the
    exp of every term was most of its cost. Here the terms come from the pmf's recurrence,
    t_0 = p^r and t_(k+1) = t_k (1 - p) (k + r) / (k + 1), with the ratios (k + r) / (k + 1)
    computed once, and are multiplied and summed by C loops (accumulate, sum): no exp, no
    Python step per term. The floats are not those of the log-space sum: measured against the
    exact sum (whole r up to 400, n up to 300) this is within about 2e-14, the log-space sum
    within about 3e-13 (its lgamma terms of large arguments carry that error); the tests bound
    the gap to the exact sum by 1e-12 and to `negbin_tail` by 1e-11. p_meet is published to 4
    decimals. When p^r would be subnormal or underflow (r log p below -700) the recurrence
    cannot start, and the log-space `negbin_tail` answers instead.
    """

    def __init__(self, r: float, n: int) -> None:
        self.r, self.n = r, n
        self.ratios = tuple((k + r) / (k + 1) for k in range(max(0, n - 1)))

    def _first_term(self, p: float) -> float | None:
        """p^r, the recurrence's first term; None where `negbin_tail` must answer instead."""
        if self.n <= 0 or self.r <= 0 or not 0.0 < p < 1.0:
            return None  # the edge cases and the error, as defined there
        r_log_p = self.r * math.log(p)
        if r_log_p < -700.0:
            return None
        return math.exp(r_log_p)

    def __call__(self, p: float) -> float:
        first = self._first_term(p)
        if first is None:
            return negbin_tail(self.r, p, self.n)
        terms = accumulate(map(mul, self.ratios, repeat(1.0 - p)), mul, initial=first)
        return min(1.0, max(0.0, 1.0 - sum(terms)))

    def many(self, ps: Sequence[float]) -> list[float]:
        """`[self(p) for p in ps]`, the same floats to the last bit, computed together.

        An assessment asks about a hundred tails of a few hundred terms each; one pass of
        numpy's C loops over all of them replaces a hundred Python-level passes. The float
        operations are the very ones of `__call__`, in the same order: each step is
        ratio * (1 - p), `cumprod` multiplies the steps in sequence from p^r, and `cumsum` adds
        the terms in sequence (as `sum` does on 3.11; `np.sum` would add pairwise, which rounds
        differently). p^r itself comes from `math`, whose exp and log can differ from numpy's by
        an ulp.
        """
        answers = [0.0] * len(ps)
        rows: list[int] = []
        firsts: list[float] = []
        for index, p in enumerate(ps):
            first = self._first_term(p)
            if first is None:
                answers[index] = negbin_tail(self.r, p, self.n)
            else:
                rows.append(index)
                firsts.append(first)
        if not rows:
            return answers
        ratios = np.array(self.ratios, dtype=np.float64)
        chunk = max(1, _TAIL_BLOCK // self.n)  # bounds the memory of one block of terms
        for begin in range(0, len(rows), chunk):
            block = rows[begin : begin + chunk]
            terms = np.empty((len(block), self.n), dtype=np.float64)
            terms[:, 0] = firsts[begin : begin + chunk]
            np.multiply.outer(
                1.0 - np.array([ps[i] for i in block], dtype=np.float64), ratios, out=terms[:, 1:]
            )
            np.cumprod(terms, axis=1, out=terms)
            sums = np.cumsum(terms, axis=1)[:, -1]
            for index, total in zip(block, sums.tolist(), strict=True):
                answers[index] = min(1.0, max(0.0, 1.0 - total))
        return answers


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
    if state.kind not in _MEETING_KINDS:
        return 0.0
    weight = 1.0
    if state.kind in ("informal", "consultation") or state.attributes.get("formal") is False:
        weight = 0.5
    if state.status == "tentative":
        weight *= 0.5
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
    weights = _weights_within(_meetings(events), first, last, past=past)
    return {dt.date.fromordinal(ordinal): weight for ordinal, weight in weights.items()}


# A meeting that can give capacity: (status, first day, last day, weight), days as ordinals.
_Meeting = tuple[str, int, int, float]


def _meetings(events: Iterable[EventState]) -> list[_Meeting]:
    """Every meeting that can give capacity, in the past or to come, with its weight (> 0).

    Weighed once per assessment: the past and the days to come both read this list.
    """
    meetings: list[_Meeting] = []
    append = meetings.append
    # `_meeting_weight` written out: this loop visits every event of the process, and the call
    # was a third of its time (the tests hold the two to the same weights).
    for state in events:
        kind = state.kind
        if kind not in _MEETING_KINDS:
            continue
        status = state.status
        if status in _NO_CAPACITY and status not in _MET_WITH:
            continue  # postponed or cancelled: neither sat nor will sit
        span = state.span
        weight = 0.5 if kind != "session" or state.attributes.get("formal") is False else 1.0
        if status == "tentative":
            weight *= 0.5
        start, end = span.start, span.end
        if span.precision in _FUZZY_PRECISIONS:
            weight *= min(1.0, TYPICAL_SESSION_DAYS / max(1, _weekdays(start, end)))
        if weight > 0:
            append((status, start.toordinal(), end.toordinal(), weight))
    return meetings


def _weights_within(
    meetings: Iterable[_Meeting], first: dt.date, last: dt.date, *, past: bool
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


def _past_and_future(
    meetings: Iterable[_Meeting], as_of: dt.date, horizon: dt.date
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
    return math.fsum(_weights_within(_meetings(events), first, last, past=past).values())


class _RunningDays:
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


class Projection(NamedTuple):
    """When an event is expected to be done (at the latest, and at the earliest its fuzzy dates
    allow), or why that cannot be said.

    A named tuple, not a frozen dataclass: an assessment makes several per deadline, and a
    frozen dataclass's `__init__` (one `object.__setattr__` per field) cost five times more.
    """

    day: dt.date | None
    blocker: EventState | None = None
    earliest: dt.date | None = None


def _later(first: dt.date, second: dt.date) -> dt.date:
    return first if first >= second else second


def project(states: Mapping[str, EventState], event_id: str, as_of: dt.date) -> Projection:
    """The day the event is projected to be done, by a forward pass over `depends_on`.

    Held: its last day. Postponed, suspended or cancelled: unknown (it names itself as the
    blocker). Planned or tentative: its last possible day (not before `as_of`, since it has not
    happened yet), and no earlier than each predecessor's projection plus the lag. An unknown
    predecessor, or one not known on `as_of`, makes the projection unknown.

    `earliest` runs the same pass with the first possible day of fuzzy dates ("2024-01",
    "2024-01-15~"): a planned event with exact dates is done on its last day either way.
    """
    root = states.get(event_id)
    if root is None:
        return Projection(None)
    if root.status == "held" or root.status in _UNDATED or not root.depends_on:
        return _own_projection(root, as_of)  # nothing to wait for: no walk to build
    memo: dict[str, Projection] = {}

    def visit(ident: str, trail: frozenset[str]) -> Projection:
        if ident in memo:
            return memo[ident]
        state = states.get(ident)
        if state is None or ident in trail:
            return Projection(None)
        result = _own_projection(state, as_of)
        if state.status != "held" and state.status not in _UNDATED:
            day, first = result.day, result.earliest
            assert day is not None and first is not None
            for dep in state.depends_on:
                before = visit(dep["event"], trail | {ident})
                if before.day is None or before.earliest is None:
                    result = before
                    break
                lag = int(dep.get("lag_days", 0))
                day = _later(day, shift(before.day, lag))
                first = _later(first, shift(before.earliest, lag))
                result = Projection(day, earliest=first)
        memo[ident] = result
        return result

    return visit(event_id, frozenset())


def _own_projection(state: EventState, as_of: dt.date) -> Projection:
    """The projection of an event before its predecessors are taken into account."""
    if state.status == "held":
        end = state.end  # a property that looks the date up: read it once
        return Projection(end, earliest=end)
    if state.status in _UNDATED:
        return Projection(None, state)
    span = state.span
    first = span.end if span.is_exact else span.start
    return Projection(_later(span.end, as_of), earliest=_later(first, as_of))


def _deadline_projection(
    states: Mapping[str, EventState], deadline: EventState, as_of: dt.date
) -> Projection:
    if not deadline.depends_on:
        return Projection(None)
    day: dt.date | None = None
    first: dt.date | None = None
    for dep in deadline.depends_on:
        before = project(states, dep["event"], as_of)
        if before.day is None or before.earliest is None:
            return before
        lag = int(dep.get("lag_days", 0))
        late, early = shift(before.day, lag), shift(before.earliest, lag)
        day = late if day is None else _later(day, late)
        first = early if first is None else _later(first, early)
    return Projection(day, earliest=first)


class EventRef(NamedTuple):
    """The identifying fields of the deadline an assessment is about.

    This and `DeadlineRisk` are named tuples, immutable like frozen dataclasses: an assessment
    makes one of each per deadline, and a frozen dataclass's `__init__` (one
    `object.__setattr__` per field) cost three times more.
    """

    id: str
    title: str
    date: str
    start: dt.date
    end: dt.date

    def to_json(self) -> dict[str, Any]:
        """The API shape: id, title, date, start, end."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


class DeadlineRisk(NamedTuple):
    """The assessment of one deadline on one day. Numbers are rounded for stable output."""

    event: EventRef
    status: str
    p_meet: float | None
    slack_days: int | None
    projected_date: dt.date | None
    capacity_days: float
    open_items: int
    open_items_effective: float
    observed_pace: float
    required_pace: float | None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The API shape of one assessment (exactly the fields of the public contract)."""
        return {
            "event": self.event.to_json(),
            "status": self.status,
            "p_meet": self.p_meet,
            "slack_days": self.slack_days,
            "projected_date": None
            if self.projected_date is None
            else self.projected_date.isoformat(),
            "capacity_days": self.capacity_days,
            "open_items": self.open_items,
            "open_items_effective": self.open_items_effective,
            "observed_pace": self.observed_pace,
            "required_pace": self.required_pace,
            "reasons": list(self.reasons),
        }


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
class _Inputs:
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


def _rules(x: _Inputs) -> tuple[str, list[str]]:
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


def _ancestors(states: Mapping[str, EventState], roots: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        ident = stack.pop()
        if ident in seen or ident not in states:
            continue
        seen.add(ident)
        stack.extend(d["event"] for d in states[ident].depends_on)
    return sorted(seen)


def _decided(
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


def assess_deadlines(
    events: Sequence[EventState],
    items: Sequence[ItemState],
    as_of: dt.date,
    status_changes: Mapping[str, Sequence[tuple[dt.date, str]]] | None = None,
) -> list[DeadlineRisk]:
    """Assess every deadline among `events` (the log as known on `as_of`), in date order.

    `items` are the process's negotiation items as known on `as_of` (with their histories);
    `status_changes` maps an event id to its (known_on, new status) changes up to `as_of`,
    used to name predecessors postponed in the last 30 days. Deterministic and pure.
    """
    states = {e.id: e for e in events}
    open_items = [i for i in items if i.is_open]
    informals = sum(1 for i in open_items if i.status == "informals")
    open_effective = round(len(open_items) - informals + INFORMALS_WEIGHT * informals, 4)
    settled = sum(1 for i in items for day in i.resolutions() if day <= as_of)
    changes = status_changes or {}
    # Each deadline with its parsed date, read once (`start` and `end` each look it up again).
    deadlines = sorted(
        ((e, e.span) for e in events if e.kind == "deadline"),
        key=lambda pair: (pair[1].start, pair[1].end, pair[0].id),
    )
    # The weight of a day does not depend on the window asked about, so weigh the days to come
    # once, up to the last deadline, and take each deadline's share from exact running totals.
    horizon = max((span.end for _, span in deadlines), default=as_of)
    past_weights, future_weights = _past_and_future(_meetings(events), as_of, horizon)
    past_days = round(math.fsum(past_weights.values()), 4)
    a, b = 1.0 + settled, 1.0 + past_days
    observed = round(a / b, 4)
    future = _RunningDays(future_weights)
    tail = _Tails(a, math.ceil(open_effective - 1e-9))
    window_start = shift(as_of, -30)
    any_postponed = False
    for history in changes.values():  # loops, not any(genexpr): one pass per event of the log
        for day, status in history:
            if status == "postponed" and window_start < day <= as_of:
                any_postponed = True
                break
        if any_postponed:
            break
    # First every deadline's dates, projection and capacity; then the chances of the undecided
    # ones, all at once (`_Tails.many`); then their rules and the assessments, in date order.
    firsts: list[tuple[EventState, EventRef, Projection, float, tuple[str, str] | None]] = []
    for deadline, span in deadlines:
        last = span.end
        projection = _deadline_projection(states, deadline, as_of)
        capacity = round(future.through(last), 4)
        ref = EventRef(deadline.id, deadline.title, deadline.date, span.start, last)
        firsts.append(
            (deadline, ref, projection, capacity, _decided(states, deadline, last, as_of))
        )
    chances = iter(
        tail.many([b / (b + capacity) for _, _, _, capacity, decided in firsts if decided is None])
    )
    results: list[DeadlineRisk] = []
    for deadline, ref, projection, capacity, decided in firsts:
        if decided is not None:
            status, sentence = decided
            p_meet: float | None = 1.0 if status == "met" else 0.0
            reasons: Sequence[str] = (sentence,)
        else:
            chance = next(chances)
            # Walking the ancestors is only worth it when something was postponed in the window.
            recent = (
                tuple(
                    (states[ident].title, day)
                    for ident in _ancestors(states, [d["event"] for d in deadline.depends_on])
                    for day, status in changes.get(ident, ())
                    if status == "postponed" and window_start < day <= as_of
                )
                if any_postponed
                else ()
            )
            status, reasons = _rules(
                _Inputs(
                    deadline=deadline,
                    last=ref.end,
                    as_of=as_of,
                    projection=projection,
                    capacity=capacity,
                    open_count=len(open_items),
                    informals_count=informals,
                    open_effective=open_effective,
                    settled=settled,
                    past_days=past_days,
                    p_meet=chance,
                    recent_postponements=recent,
                )
            )
            p_meet = None if projection.day is None else round(chance, 4)
        results.append(
            DeadlineRisk(
                event=ref,
                status=status,
                p_meet=p_meet,
                slack_days=None if projection.day is None else (ref.end - projection.day).days,
                projected_date=projection.day,
                capacity_days=capacity,
                open_items=len(open_items),
                open_items_effective=open_effective,
                observed_pace=observed,
                required_pace=round(open_effective / capacity, 4) if capacity > 0 else None,
                reasons=tuple(reasons),
            )
        )
    return results
