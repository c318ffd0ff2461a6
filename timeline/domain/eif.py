"""Entry into force: instruments deposited, and when the threshold is (or will be) reached.

How many instruments are deposited, when the adopted threshold was (or will be) reached, and
what every other proposed threshold would have given.

A pure function of (the events as known on `as_of`, `as_of`); no clock, no I/O, no randomness.

* **Count**: instruments of ratification, acceptance, approval or accession deposited by
  `as_of`: `ratification` events that are held and whose last day is on or before `as_of`.
  Each names one `party` (counted once, on its first deposit), reports a cumulative `count`, or
  both ("Morocco, the 60th"). A report counts every instrument deposited up to its day, so the
  count on a day is the latest report plus the parties first named after it (party A, "count
  7", party B gives 8), and never less than the distinct parties named by then (counts only
  grow). Where the rule says an REIO's instrument does not count in addition to its member
  states (`reio_counts: false` on the rule), deposits marked `reio: true` are left out.
  Signatures are not instruments: signing does not bind a state, so
  `signature` events never count (the Hanoi ceremony's 72 signatories leave the count at 0).
* **Reached**: the first deposit day on which the count meets the threshold; entry into force
  is that day plus `delay_days` ("the ninetieth day after the deposit" = deposit + 90), or plus
  `delay_months` calendar months ("three months after" 30 June = 30 September).
* **Projection** (before the threshold is reached): deposits arrive as a Poisson process whose
  monthly rate has a Gamma posterior blending a prior from comparable treaties (their
  instruments to threshold over the time it took, weighted as `PRIOR_WEIGHT_DAYS` of evidence)
  with the deposits of the trailing `WINDOW_DAYS` (from the opening for signature when that is
  more recent). Only comparables whose threshold was reached before `as_of` inform the prior
  (a replay of 2010 cannot know how fast a 2014 treaty went); with none known, a modest
  `FALLBACK_PER_MONTH` is assumed. Ratification speeds up as the threshold nears, so a lifetime
  average since opening is too pessimistic; the trailing window follows the current pace
  instead. But a burst that leaves the window is not forgotten: the window is credited with at
  least its share of every deposit since the opening, so the p50 does not jump months later the
  day a wave of deposits turns 181 days old. The wait for the k missing instruments is then
  P(reached within t days) = P(NegBin(a, b / (b + t)) >= k), exact; p50 and p80 are the first
  days that probability reaches 0.5 and 0.8, reported as entry-into-force dates (reach day +
  delay). Treaty events announced by `as_of` (tag `treaty-event`, still to come) are likely
  deposit waves: each counts, from its day on, as many deposits as the smallest wave seen at a
  library treaty's events by `as_of` (`wave_size`; none before the first, in April 2014).
  `low_evidence` is set under `LOW_EVIDENCE_DEPOSITS`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timeline.domain.comparables import (
    COMPARABLE_TREATIES,
    DAYS_PER_MONTH,
    FALLBACK_PER_MONTH,
    PRIOR_WEIGHT_DAYS,
    Comparable,
    comparables_known,
    prior,
    wave_size,
)
from timeline.domain.dates import shift
from timeline.domain.deposits import DepositCurve, deposit_curve
from timeline.domain.model import EventState
from timeline.domain.negbin import negbin_tail
from timeline.domain.risk import EventRef

__all__ = [
    "COMPARABLE_TREATIES",
    "FALLBACK_PER_MONTH",
    "LOW_EVIDENCE_DEPOSITS",
    "MAX_PROJECTED_INSTRUMENTS",
    "NEEDED_HORIZON_MONTHS",
    "PRIOR_WEIGHT_DAYS",
    "WINDOW_DAYS",
    "Comparable",
    "EifProjection",
    "EifReport",
    "EifScenario",
    "assess_entry_into_force",
    "comparables_known",
    "deposit_curve",
    "reach_chance",
]

WINDOW_DAYS = 180
# Announced treaty events (tag `treaty-event`) are likely deposit waves, each counted as
# `wave_size(as_of)` deposits (the smallest wave the library had seen by then).
WAVE_TAG = "treaty-event"
LOW_EVIDENCE_DEPOSITS = 10
NEEDED_HORIZON_MONTHS = 12
_MAX_HORIZON_DAYS = 100 * 366
# Thresholds are counts of states; beyond this no date is projected (and the exact tail, a sum
# over the missing instruments, stays cheap for any input).
MAX_PROJECTED_INSTRUMENTS = 1000


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@dataclass(frozen=True, slots=True)
class EifProjection:
    """When the threshold is projected to be reached, as entry-into-force dates."""

    p50: dt.date | None
    p80: dt.date | None
    observed_per_month: float
    needed_per_month: float
    low_evidence: bool

    def to_json(self) -> dict[str, Any]:
        """The API shape of `projection`."""
        return {
            "p50": _iso(self.p50),
            "p80": _iso(self.p80),
            "observed_per_month": self.observed_per_month,
            "needed_per_month": self.needed_per_month,
            "low_evidence": self.low_evidence,
        }


@dataclass(frozen=True, slots=True)
class EifScenario:
    """What a proposed threshold would give on the same deposits."""

    instruments: int
    delay_days: int
    proposed_by: tuple[str, ...]
    reached_on: dt.date | None
    entry_into_force: dt.date | None
    p50: dt.date | None
    p80: dt.date | None

    def to_json(self) -> dict[str, Any]:
        """The API shape of one scenario."""
        return {
            "instruments": self.instruments,
            "proposed_by": list(self.proposed_by),
            "reached_on": _iso(self.reached_on),
            "entry_into_force": _iso(self.entry_into_force),
            "p50": _iso(self.p50),
            "p80": _iso(self.p80),
        }


@dataclass(frozen=True, slots=True)
class EifReport:
    """The entry-into-force view of one process on `as_of`."""

    as_of: dt.date
    rule: EventRef | None
    instruments: int | None
    delay_days: int | None
    count: int
    reached_on: dt.date | None
    entry_into_force: dt.date | None
    projection: EifProjection | None
    scenarios: tuple[EifScenario, ...]

    def to_json(self) -> dict[str, Any]:
        """Exactly the body of `GET .../entry-into-force`."""
        return {
            "as_of": self.as_of.isoformat(),
            "rule": None
            if self.rule is None
            else {
                "event": self.rule.to_json(),
                "instruments": self.instruments,
                "delay_days": self.delay_days,
            },
            "count": self.count,
            "reached_on": _iso(self.reached_on),
            "entry_into_force": _iso(self.entry_into_force),
            "projection": None if self.projection is None else self.projection.to_json(),
            "scenarios": [s.to_json() for s in self.scenarios],
        }


def _quantile_day(
    alpha: float, beta: float, missing: int, as_of: dt.date, q: float, waves: tuple[int, ...] = ()
) -> dt.date | None:
    """The first day after `as_of` by which `missing` more deposits have arrived with chance q;
    `waves` are the days after `as_of` of announced treaty events, each worth
    `wave_size(as_of)` deposits."""
    size = wave_size(as_of)

    def chance(days: int) -> float:
        needed = missing - size * sum(1 for wave in waves if wave <= days)
        return 1.0 if needed <= 0 else negbin_tail(alpha, beta / (beta + days), needed)

    low, high = 0, 1
    while chance(high) < q:
        low, high = high, high * 2
        if high > _MAX_HORIZON_DAYS:
            return None
    while high - low > 1:  # chance(low) < q <= chance(high); chance grows with the days
        middle = (low + high) // 2
        if chance(middle) >= q:
            high = middle
        else:
            low = middle
    return shift(as_of, high)


def _opened(events: Sequence[EventState]) -> dt.date | None:
    """When instruments could first be deposited: the first signature, else the adopted rule."""
    signatures = [e.start for e in events if e.kind == "signature" and e.status == "held"]
    if signatures:
        return min(signatures)
    adopted = [e.start for e in events if e.kind == "eif_threshold" and _adopted(e)]
    return min(adopted) if adopted else None


def _adopted(state: EventState) -> bool:
    return state.attributes.get("adopted") is True and state.status not in ("cancelled",)


@dataclass(frozen=True, slots=True)
class _Pace:
    alpha: float
    beta: float  # days
    observed_per_month: float
    waves: tuple[int, ...] = ()  # days after as_of of announced treaty events


def _waves(events: Sequence[EventState], as_of: dt.date) -> tuple[int, ...]:
    """The days after `as_of` of the treaty events announced by then (tag `treaty-event`,
    planned or tentative, not yet held): states often deposit together at them."""
    return tuple(
        sorted(
            (e.start - as_of).days
            for e in events
            if WAVE_TAG in e.tags and e.status in ("planned", "tentative") and e.start > as_of
        )
    )


def _months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _in_force(day: dt.date, delay: int, months: int | None) -> dt.date:
    return _months_after(day, months) if months else shift(day, delay)


def _pace(curve: DepositCurve, events: Sequence[EventState], as_of: dt.date) -> _Pace:
    start = shift(as_of, -(WINDOW_DAYS - 1))
    opened = _opened(events)
    if opened is not None and opened > start:
        start = min(opened, as_of)
    days = (as_of - start).days + 1
    recent = curve.at(as_of) - curve.at(shift(start, -1))
    # A deposit older than the window is not dropped the day it leaves it: it keeps the share
    # window / age of a deposit (1 inside the window, 180/181 the day after), so the p50 moves
    # by days, not months, as a burst leaves. More deposits never lower the credit, and beta
    # does not move, so an extra deposit never delays the p50.
    credited = float(recent)
    floor = opened if opened is not None else dt.date.min
    for day, count in curve.steps:
        if day >= start or day > as_of:
            break
        if day >= floor:
            before = curve.before(day)
            credited += (count - before) * days / ((as_of - day).days + 1)
    alpha0, beta0 = prior(as_of)
    observed = round(recent / days * DAYS_PER_MONTH, 4)
    return _Pace(alpha0 + credited, beta0 + days, observed, _waves(events, as_of))


def _threshold(
    curve: DepositCurve,
    pace: _Pace,
    instruments: int,
    delay: int,
    as_of: dt.date,
    months: int | None = None,
) -> tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None]:
    """(reached_on, entry_into_force, p50, p80) for one threshold; `months`, when given, is
    the delay in calendar months ("three months after the deposit") instead of `delay` days."""
    reached = curve.reached(instruments)
    if reached is not None:
        return reached, _in_force(reached, delay, months), None, None
    missing = instruments - curve.at(as_of)
    if missing > MAX_PROJECTED_INSTRUMENTS:
        return None, None, None, None  # more than there are states: no date to project
    p50 = _quantile_day(pace.alpha, pace.beta, missing, as_of, 0.5, pace.waves)
    p80 = _quantile_day(pace.alpha, pace.beta, missing, as_of, 0.8, pace.waves)
    return (
        None,
        None,
        None if p50 is None else _in_force(p50, delay, months),
        None if p80 is None else _in_force(p80, delay, months),
    )


def reach_chance(events: Sequence[EventState], as_of: dt.date, days: int) -> float | None:
    """The chance that the adopted rule's threshold is reached within `days` after `as_of`
    (same pace, prior and waves as the projection); None without an adopted rule or once the
    threshold is reached. For the scoreboard's threshold forecasts."""
    adopted = sorted(
        (e for e in events if e.kind == "eif_threshold" and _adopted(e)),
        key=lambda e: (e.start, e.end, e.id),
    )
    instruments = _int(adopted[-1].attributes.get("instruments"), 0) if adopted else 0
    if instruments <= 0:
        return None
    reio_counts = adopted[-1].attributes.get("reio_counts") is not False
    curve = deposit_curve(events, as_of, reio_counts=reio_counts)
    missing = instruments - curve.at(as_of)
    if curve.reached(instruments) is not None or missing > MAX_PROJECTED_INSTRUMENTS:
        return None
    pace = _pace(curve, events, as_of)
    needed = missing - wave_size(as_of) * sum(1 for wave in pace.waves if wave <= days)
    return 1.0 if needed <= 0 else negbin_tail(pace.alpha, pace.beta / (pace.beta + days), needed)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def assess_entry_into_force(events: Sequence[EventState], as_of: dt.date) -> EifReport:
    """The entry-into-force view on `as_of` from the events known then (see the module notes).

    The rule is the adopted `eif_threshold` (the latest by date if several); scenarios cover
    every other threshold proposed, one per number of instruments, in increasing order, with
    everyone who proposed it.
    """
    thresholds = sorted(
        (
            e
            for e in events
            if e.kind == "eif_threshold"
            and e.status != "cancelled"
            and _int(e.attributes.get("instruments"), 0) > 0
        ),
        key=lambda e: (e.start, e.end, e.id),
    )
    adopted = [e for e in thresholds if _adopted(e)]
    rule = adopted[-1] if adopted else None
    reio_counts = rule is None or rule.attributes.get("reio_counts") is not False
    curve = deposit_curve(events, as_of, reio_counts=reio_counts)
    count = curve.at(as_of)
    pace = _pace(curve, events, as_of)
    report_rule: EventRef | None = None
    instruments = delay = None
    reached = eif = None
    projection: EifProjection | None = None
    if rule is not None:
        report_rule = EventRef(rule.id, rule.title, rule.date, rule.start, rule.end)
        instruments = _int(rule.attributes.get("instruments"), 0)
        months = _int(rule.attributes.get("delay_months"), 0) or None
        # A delay in months is reported in days as an average month's worth.
        default = 90 if months is None else round(months * DAYS_PER_MONTH)
        delay = _int(rule.attributes.get("delay_days"), default)
        reached, eif, p50, p80 = _threshold(curve, pace, instruments, delay, as_of, months)
        if reached is None:
            missing = instruments - count
            projection = EifProjection(
                p50=p50,
                p80=p80,
                observed_per_month=pace.observed_per_month,
                needed_per_month=round(missing / NEEDED_HORIZON_MONTHS, 4),
                low_evidence=count < LOW_EVIDENCE_DEPOSITS,
            )
    grouped: dict[int, tuple[int, list[str]]] = {}
    for state in thresholds:
        number = _int(state.attributes.get("instruments"), 0)
        if state is rule or number == instruments:
            continue
        proposers = state.attributes.get("proposed_by") or []
        delay_days, names = grouped.setdefault(
            number, (_int(state.attributes.get("delay_days"), 90), [])
        )
        names.extend(str(p) for p in proposers if str(p) not in names)
    scenarios = []
    for number in sorted(grouped):
        delay_days, names = grouped[number]
        s_reached, s_eif, s50, s80 = _threshold(curve, pace, number, delay_days, as_of)
        scenarios.append(EifScenario(number, delay_days, tuple(names), s_reached, s_eif, s50, s80))
    return EifReport(
        as_of=as_of,
        rule=report_rule,
        instruments=instruments,
        delay_days=delay,
        count=count,
        reached_on=reached,
        entry_into_force=eif,
        projection=projection,
        scenarios=tuple(scenarios),
    )
