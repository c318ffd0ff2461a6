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

* **Endings** (`timeline.domain.endings`): where the pace says nothing (no items tracked, or a
  deadline marked `package`, whose items settle together on the last night) the chance is the
  library's base rate for deadlines set for a concluding session, from the outcomes known on
  `as_of`; a predecessor postponed with no new date gives a quarter of it. So it is while a
  concluding meeting is on its last scheduled day or running over (up to `OVERRUN_DAYS`): the
  items left are settled together that night or not at all. Before the outcome the published
  `p_meet` stays within [P_FLOOR, 1 - P_FLOOR] unless open work has no negotiating day left. A
  deadline with no predecessor (a mandate's date) is judged on the work and time left only.

Statuses: `met` (every predecessor held, lag included, by the deadline's last day; a concluding
meeting may run `OVERRUN_DAYS` over), `missed` (that day, and any overrun, has passed and it was
not met, or a predecessor is recorded `missed`), `off_track`, `at_risk`, `on_track` by the rules
in `timeline.domain.risk_rules`; each rule that fires adds one sentence to `reasons`, with its
numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import msgspec

from timeline.domain.capacity import (
    TYPICAL_SESSION_DAYS,
    capacity_around,
    day_weights,
    effective_days,
    meetings,
)
from timeline.domain.dates import shift
from timeline.domain.endings import OVERRUN_DAYS, POSTPONED_SHARE, base_rate_known, bounded
from timeline.domain.items import ItemState
from timeline.domain.model import EventState
from timeline.domain.negbin import Tails, negbin_tail
from timeline.domain.projection import Projection, ancestors, deadline_projection, project
from timeline.domain.risk_rules import RuleInputs, known_outcome, rules
from timeline.domain.vocabulary import MEETING_KINDS

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

MODEL = "negbin-pace-2"
INFORMALS_WEIGHT = 1.5


class EventRef(msgspec.Struct, frozen=True):
    """The identifying fields of the deadline an assessment is about.

    This and `DeadlineRisk` are frozen msgspec structs, immutable like frozen dataclasses: an
    assessment makes one of each per deadline, and a struct is made three times faster than a
    named tuple (a frozen dataclass's `__init__` was slower still); the API encodes them as
    they are, with no dict in between.
    """

    id: str
    title: str
    date: str
    start: dt.date
    end: dt.date

    def to_json(self) -> dict[str, Any]:
        """The API shape: id, title, date, start, end (dates as ISO text)."""
        return cast(dict[str, Any], msgspec.to_builtins(self))


class DeadlineRisk(msgspec.Struct, frozen=True):
    """The assessment of one deadline on one day. Numbers are rounded for stable output.

    The fields are exactly the public contract's, in its order: `msgspec.json.encode` of an
    assessment is its API body, and `to_json` the same as plain values.
    """

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
        shape = cast(dict[str, Any], msgspec.to_builtins(self))
        shape["reasons"] = list(self.reasons)  # to_builtins keeps a tuple a tuple
        return shape


def assess_deadlines(
    events: Sequence[EventState],
    items: Sequence[ItemState],
    as_of: dt.date,
    status_changes: Mapping[str, Sequence[tuple[dt.date, str]]] | None = None,
    *,
    base_rate: float | None = None,
) -> list[DeadlineRisk]:
    """Assess every deadline among `events` (the log as known on `as_of`), in date order.

    `items` are the process's negotiation items as known on `as_of` (with their histories);
    `status_changes` maps an event id to its (known_on, new status) changes up to `as_of`,
    used to name predecessors postponed in the last 30 days; `base_rate` is the chance that a
    deadline set for a concluding session is met, used where the item pace says nothing (no
    items tracked, a package deal, or a concluding meeting on its last day or running over);
    by default the library's rate from the outcomes known on `as_of`. Deterministic and pure.
    """
    if base_rate is None:
        base_rate = base_rate_known(as_of)
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
    held, future = capacity_around(meetings(events), as_of, horizon)
    past_days = round(held, 4)
    a, b = 1.0 + settled, 1.0 + past_days
    observed = round(a / b, 4)
    tail = Tails(a, math.ceil(open_effective - 1e-9))
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
    # ones, all at once (`Tails.many`); then their rules and the assessments, in date order.
    firsts: list[tuple[EventState, EventRef, Projection, float, tuple[str, str] | None]] = []
    for deadline, span in deadlines:
        last = span.end
        projection = deadline_projection(states, deadline, as_of)
        capacity = round(future.through(last), 4)
        ref = EventRef(deadline.id, deadline.title, deadline.date, span.start, last)
        firsts.append(
            (deadline, ref, projection, capacity, known_outcome(states, deadline, last, as_of))
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
            standalone = not deadline.depends_on
            package = deadline.attributes.get("package") is True
            blocked = not standalone and projection.day is None
            over = _running_over(states, deadline, ref.end, as_of)
            if over is not None:
                # Its scheduled days are spent, but a concluding meeting may run a few days
                # over and settles what is left together on the last night, or not at all:
                # the pace has nothing to say, how concluding sessions end does.
                p_final = bounded(base_rate)
            elif open_effective > 0 and capacity <= 0:
                p_final = 0.0  # work left and no negotiating day: the arithmetic decides
            elif blocked:
                p_final = bounded(base_rate * POSTPONED_SHARE)
            elif not items or package:
                p_final = bounded(base_rate)
            else:
                p_final = bounded(chance)
            # Walking the ancestors is only worth it when something was postponed in the window.
            recent = (
                tuple(
                    (states[ident].title, day)
                    for ident in ancestors(states, [d["event"] for d in deadline.depends_on])
                    for day, status in changes.get(ident, ())
                    if status == "postponed" and window_start < day <= as_of
                )
                if any_postponed
                else ()
            )
            status, reasons = rules(
                RuleInputs(
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
                    standalone=standalone,
                    package=package,
                    tracked=bool(items),
                    p_final=p_final,
                    running_over=over,
                )
            )
            p_meet = round(p_final, 4)
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


def _running_over(
    states: Mapping[str, EventState], deadline: EventState, last: dt.date, as_of: dt.date
) -> EventState | None:
    """The meeting behind `deadline` that is on its last scheduled day or past it by at most
    `OVERRUN_DAYS` on `as_of`, not yet recorded as held or called off, while the deadline can
    still be met by its overrun; None when there is none."""
    if as_of > shift(last, OVERRUN_DAYS):
        return None
    for dependency in deadline.depends_on:
        state = states.get(dependency["event"])
        if (
            state is not None
            and state.kind in MEETING_KINDS
            and state.status in ("planned", "tentative")
            and state.end <= as_of <= shift(state.end, OVERRUN_DAYS)
        ):
            return state
    return None
