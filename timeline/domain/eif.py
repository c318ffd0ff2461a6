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
  is that day plus `delay_days` ("the ninetieth day after the deposit" = deposit + 90).
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
  delay). `low_evidence` is set under `LOW_EVIDENCE_DEPOSITS`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timeline.domain.dates import shift
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
]

DAYS_PER_MONTH = 30.4375
WINDOW_DAYS = 180
PRIOR_WEIGHT_DAYS = 180
LOW_EVIDENCE_DEPOSITS = 10
NEEDED_HORIZON_MONTHS = 12
_MAX_HORIZON_DAYS = 100 * 366
# Thresholds are counts of states; beyond this no date is projected (and the exact tail, a sum
# over the missing instruments, stays cheap for any input).
MAX_PROJECTED_INSTRUMENTS = 1000


@dataclass(frozen=True, slots=True)
class Comparable:
    """A treaty whose road to entry into force informs the prior."""

    name: str
    instruments: int
    opened: dt.date  # opened for signature
    reached: dt.date  # the threshold instrument was deposited


# Public UN Treaty Collection facts: the day each opened for signature and the day its
# threshold instrument was deposited (entry into force minus the delay). The last seven are the
# library's own histories (timeline/seed/*.json; tests/domain/test_eif_comparables.py checks
# them against the files). Each is used only by replays after its `reached` day.
COMPARABLE_TREATIES: tuple[Comparable, ...] = (
    Comparable("UN Convention against Transnational Organized Crime", 40,
               dt.date(2000, 12, 12), dt.date(2003, 7, 1)),
    Comparable("UN Convention against Corruption", 30, dt.date(2003, 12, 9), dt.date(2005, 9, 15)),
    Comparable("Arms Trade Treaty", 50, dt.date(2013, 6, 3), dt.date(2014, 9, 25)),
    Comparable("Agreement on Marine Biological Diversity beyond National Jurisdiction", 60,
               dt.date(2023, 9, 20), dt.date(2025, 9, 19)),
    Comparable("WHO Framework Convention on Tobacco Control", 40,
               dt.date(2003, 6, 16), dt.date(2004, 11, 30)),
    Comparable("Marrakesh Treaty", 20, dt.date(2013, 6, 28), dt.date(2016, 6, 30)),
    Comparable("Paris Agreement", 55, dt.date(2016, 4, 22), dt.date(2016, 10, 5)),
    Comparable("Minamata Convention on Mercury", 50, dt.date(2013, 10, 10), dt.date(2017, 5, 18)),
    Comparable("Escazú Agreement", 11, dt.date(2018, 9, 27), dt.date(2021, 1, 22)),
    Comparable("Treaty on the Prohibition of Nuclear Weapons", 50,
               dt.date(2017, 9, 20), dt.date(2020, 10, 24)),
)  # fmt: skip

# The pace assumed when no comparable had reached its threshold yet (1.5 instruments a month,
# about the slowest of the comparables above).
FALLBACK_PER_MONTH = 1.5


def comparables_known(as_of: dt.date) -> tuple[Comparable, ...]:
    """The comparable treaties whose threshold was reached before `as_of` (no look-ahead)."""
    return tuple(c for c in COMPARABLE_TREATIES if c.reached < as_of)


def _prior(as_of: dt.date) -> tuple[float, float]:
    """Gamma (shape, rate per day) with the known comparables' pooled pace, worth
    PRIOR_WEIGHT_DAYS; the fallback pace when none is known on `as_of`."""
    known = comparables_known(as_of)
    if not known:
        return FALLBACK_PER_MONTH / DAYS_PER_MONTH * PRIOR_WEIGHT_DAYS, float(PRIOR_WEIGHT_DAYS)
    instruments = sum(c.instruments for c in known)
    days = sum((c.reached - c.opened).days for c in known)
    return instruments / days * PRIOR_WEIGHT_DAYS, float(PRIOR_WEIGHT_DAYS)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


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
    alpha: float, beta: float, missing: int, as_of: dt.date, q: float
) -> dt.date | None:
    """The first day after `as_of` by which `missing` more deposits have arrived with chance q."""

    def chance(days: int) -> float:
        return negbin_tail(alpha, beta / (beta + days), missing)

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


def _count_before(curve: DepositCurve, day: dt.date) -> int:
    """Instruments deposited before `day`."""
    count = 0
    for step_day, step_count in curve.steps:
        if step_day >= day:
            break
        count = step_count
    return count


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
            before = _count_before(curve, day)
            credited += (count - before) * days / ((as_of - day).days + 1)
    alpha0, beta0 = _prior(as_of)
    return _Pace(alpha0 + credited, beta0 + days, round(recent / days * DAYS_PER_MONTH, 4))


def _threshold(
    curve: DepositCurve,
    pace: _Pace,
    instruments: int,
    delay: int,
    as_of: dt.date,
) -> tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None]:
    """(reached_on, entry_into_force, p50, p80) for one threshold."""
    reached = curve.reached(instruments)
    if reached is not None:
        return reached, shift(reached, delay), None, None
    missing = instruments - curve.at(as_of)
    if missing > MAX_PROJECTED_INSTRUMENTS:
        return None, None, None, None  # more than there are states: no date to project
    p50 = _quantile_day(pace.alpha, pace.beta, missing, as_of, 0.5)
    p80 = _quantile_day(pace.alpha, pace.beta, missing, as_of, 0.8)
    return (
        None,
        None,
        None if p50 is None else shift(p50, delay),
        None if p80 is None else shift(p80, delay),
    )


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
        delay = _int(rule.attributes.get("delay_days"), 90)
        reached, eif, p50, p80 = _threshold(curve, pace, instruments, delay, as_of)
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
