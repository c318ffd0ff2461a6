"""The deadline risk model: hand-checked numbers, and properties that must hold for any log."""

from __future__ import annotations

import datetime as dt
import math
import random
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain._states import event_state
from timeline.domain.capacity import (
    TYPICAL_SESSION_DAYS,
    _meeting_weight,
    _weights_within,
    day_weights,
    effective_days,
)
from timeline.domain.capacity import RunningDays as _RunningDays
from timeline.domain.capacity import meetings as _meetings
from timeline.domain.capacity import past_and_future as _past_and_future
from timeline.domain.items import ItemChange, ItemState
from timeline.domain.model import EventState
from timeline.domain.negbin import Tails as _Tails
from timeline.domain.negbin import negbin_tail
from timeline.domain.projection import project
from timeline.domain.risk import assess_deadlines

D = dt.date
STAMP = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
AS_OF = D(2023, 6, 30)  # a Friday


def ev(ident: str, kind: str, date: str, status: str = "planned", **extra: Any) -> EventState:
    title = extra.pop("title", ident.capitalize())
    return event_state(ident, kind, date, status, stamp=STAMP, title=title, **extra)


def item(key: str, *history: tuple[str, str]) -> ItemState:
    changes = tuple(
        ItemChange(i + 1, "created" if i == 0 else "updated", D.fromisoformat(day), STAMP, "t", s)
        for i, (day, s) in enumerate(history)
    )
    last = changes[-1]
    return ItemState(
        key=key,
        process="p",
        title=key,
        chapter=None,
        status=last.status,
        version=last.version,
        known_on=last.known_on,
        created_at=STAMP,
        updated_at=STAMP,
        history=changes,
    )


def deadline(
    ident: str = "deadline", date: str = "2023-07-31", deps: list[tuple[str, int]] | None = None
) -> EventState:
    depends = [{"event": e, "lag_days": lag} for e, lag in (deps or [("approval", 0)])]
    return ev(ident, "deadline", date, depends_on=depends)


def worked_log(approval: str = "2023-07-14", approval_status: str = "planned") -> list[EventState]:
    """One week held in June, one week planned in July, an approval due at its end."""
    return [
        ev("june", "session", "2023-06-05/2023-06-09", "held"),
        ev("july", "session", "2023-07-10/2023-07-14"),
        ev("approval", "milestone", approval, approval_status),
        deadline(),
    ]


WORKED_ITEMS = [
    item("settled", ("2023-06-01", "open"), ("2023-06-09", "agreed")),
    item("open-1", ("2023-06-01", "open")),
    item("open-2", ("2023-06-01", "open")),
    item("contested", ("2023-06-01", "informals")),
]


def test_negbin_tail_matches_the_pmf_by_hand() -> None:
    assert negbin_tail(1, 0.5, 1) == 0.5  # 1 - p
    assert abs(negbin_tail(2, 0.5, 2) - 0.5) < 1e-12  # 1 - (1/4 + 2/8)
    assert abs(negbin_tail(3, 0.8, 1) - 0.488) < 1e-12  # 1 - 0.8^3
    assert negbin_tail(2, 0.3, 0) == 1.0
    assert negbin_tail(2, 1.0, 1) == 0.0  # no capacity: nothing more can be settled


def test_capacity_counts_weekdays_once_at_the_strongest_meeting() -> None:
    week = "2023-07-10/2023-07-14"  # Monday to Friday
    first, last = D(2023, 7, 1), D(2023, 7, 31)
    session = ev("s", "session", week)
    inside = ev("i", "informal", week)
    assert effective_days([session], first, last, past=False) == 5.0
    assert effective_days([session, inside], first, last, past=False) == 5.0
    assert effective_days([inside], first, last, past=False) == 2.5
    weekend = ev("c", "consultation", "2023-07-15/2023-07-18")  # Sat to Tue
    assert effective_days([weekend], first, last, past=False) == 1.0
    tentative = ev("t", "consultation", "2023-07-17/2023-07-18", "tentative")
    assert effective_days([tentative], first, last, past=False) == 0.5
    for status in ("postponed", "suspended", "cancelled"):
        assert effective_days([ev("x", "session", week, status)], first, last, past=False) == 0
    informal_session = ev("f", "session", week, attributes={"formal": False})
    assert effective_days([informal_session], first, last, past=False) == 2.5
    # "September 2023": 21 weekdays, assumed to hold a typical 10-day session.
    month = ev("m", "session", "2023-09")
    assert effective_days([month], D(2023, 9, 1), D(2023, 9, 30), past=False) == 10.0
    # The past counts only meetings that sat.
    assert effective_days([session], first, last, past=True) == 0.0
    held = ev("h", "session", week, "held")
    assert effective_days([held], first, D(2023, 7, 12), past=True) == 3.0


def test_worked_example_off_track() -> None:
    [risk] = assess_deadlines(worked_log(), WORKED_ITEMS, AS_OF)
    # Work: 2 open + 1.5 for the one in informals = 3.5, so 4 settlements are needed.
    assert risk.open_items == 3
    assert risk.open_items_effective == 3.5
    # Pace: 1 settled in 5 held days: Gamma(2, 6), mean 1/3 a day.
    assert risk.observed_pace == 0.3333
    # Capacity: the July week, 5 days. p = 6 / (6 + 5).
    assert risk.capacity_days == 5.0
    assert risk.required_pace == 0.7
    p, q = Fraction(6, 11), Fraction(5, 11)
    below = sum(Fraction(k + 1) * p**2 * q**k for k in range(4))  # C(k+1, k) p^2 q^k
    assert risk.p_meet == round(float(1 - below), 4) == 0.1358
    assert risk.projected_date == D(2023, 7, 14)
    assert risk.slack_days == 17
    assert risk.status == "off_track"
    assert risk.reasons == (
        "The chance of settling the 3.5 effective open items in 5 negotiating days is 14%, "
        "below 50%.",
        "It needs 0.7 items settled per negotiating day, 2.1 times the 0.333 observed so far "
        "(1 settled in 5 days).",
        "1 of 3 open items (33%) are in informals, where contested text goes.",
    )


def test_worked_example_on_track() -> None:
    log = [*worked_log(), ev("july-2", "session", "2023-07-17/2023-07-21")]
    items = [WORKED_ITEMS[0], WORKED_ITEMS[1]]
    [risk] = assess_deadlines(log, items, AS_OF)
    # One open item, 10 days: P(N >= 1) = 1 - (6/16)^2.
    assert risk.p_meet == round(1 - (6 / 16) ** 2, 4) == 0.8594
    assert risk.required_pace == 0.1
    assert risk.status == "on_track"
    assert risk.reasons == (
        "Projected for 2023-07-14 with 17 days of slack; a 86% chance of settling the 1 "
        "effective open items in 10 negotiating days.",
    )


def test_little_slack_is_at_risk() -> None:
    log = [*worked_log("2023-07-21"), ev("july-2", "session", "2023-07-17/2023-07-21")]
    [risk] = assess_deadlines(log, [WORKED_ITEMS[0], WORKED_ITEMS[1]], AS_OF)
    assert risk.slack_days == 10
    assert risk.status == "at_risk"
    assert risk.reasons == (
        "Only 10 days of slack between the projected 2023-07-21 and the last possible day "
        "(2023-07-31).",
    )


def test_met_once_predecessor_held_in_time_even_before_the_last_day() -> None:
    [risk] = assess_deadlines(worked_log("2023-06-28", "held"), WORKED_ITEMS, AS_OF)
    assert risk.status == "met"
    assert risk.p_meet == 1.0
    assert risk.slack_days == 33


def test_missed_after_the_last_day() -> None:
    [risk] = assess_deadlines(worked_log(), WORKED_ITEMS, D(2023, 8, 1))
    assert risk.status == "missed"
    assert risk.p_meet == 0.0
    assert risk.reasons[0].startswith("The last possible day (2023-07-31) passed 1 days ago")
    assert "Approval (planned, dated 2023-07-14)" in risk.reasons[0]


def test_postponed_predecessor_leaves_the_projection_unknown() -> None:
    [risk] = assess_deadlines(worked_log(approval_status="postponed"), WORKED_ITEMS, AS_OF)
    assert risk.status == "off_track"
    assert risk.projected_date is None and risk.slack_days is None and risk.p_meet is None
    assert risk.reasons[0] == (
        "Approval is postponed with no new date, so the deadline cannot be projected."
    )


def test_lags_push_the_projection() -> None:
    log = [*worked_log()[:3], deadline(deps=[("approval", 20)])]
    [risk] = assess_deadlines(log, [], AS_OF)
    assert risk.projected_date == D(2023, 8, 3)
    assert risk.slack_days == -3
    assert risk.status == "off_track"
    assert risk.reasons[0] == (
        "The predecessors are projected to be done on 2023-08-03, 3 days after the last "
        "possible day (2023-07-31)."
    )


def test_a_recent_postponement_of_an_ancestor_is_named() -> None:
    log = [*worked_log(), ev("july-2", "session", "2023-07-17/2023-07-21")]
    log[2] = ev(
        "approval", "milestone", "2023-07-14", depends_on=[{"event": "text", "lag_days": 0}]
    )
    log.append(ev("text", "document", "2023-07-03", title="Final text"))
    changes = {"text": [(D(2023, 6, 20), "postponed"), (D(2023, 6, 25), "planned")]}
    [risk] = assess_deadlines(log, [WORKED_ITEMS[0], WORKED_ITEMS[1]], AS_OF, changes)
    assert risk.status == "at_risk"
    assert risk.reasons == ("Final text was postponed on 2023-06-20, 10 days before 2023-06-30.",)
    old = {"text": [(D(2023, 5, 1), "postponed"), (D(2023, 5, 2), "planned")]}
    [calm] = assess_deadlines(log, [WORKED_ITEMS[0], WORKED_ITEMS[1]], AS_OF, old)
    assert calm.status == "on_track"


def test_no_capacity_with_open_work_is_off_track() -> None:
    log = [ev("approval", "milestone", "2023-07-14"), deadline()]
    [risk] = assess_deadlines(log, WORKED_ITEMS, AS_OF)
    assert risk.capacity_days == 0.0
    assert risk.required_pace is None
    assert risk.p_meet == 0.0
    assert "3 items are still open but no negotiating days are scheduled" in risk.reasons[0]


def test_reopened_items_count_again() -> None:
    reopened = item("x", ("2023-01-01", "open"), ("2023-03-01", "agreed"), ("2023-05-01", "open"))
    assert reopened.is_open
    assert reopened.resolutions() == [D(2023, 3, 1)]
    [risk] = assess_deadlines(worked_log(), [reopened], AS_OF)
    assert risk.open_items == 1


# Properties ---------------------------------------------------------------------------------

WEEK0 = D(2023, 1, 2)  # a Monday


def _week(index: int) -> str:
    start = WEEK0 + dt.timedelta(weeks=index)
    return f"{start.isoformat()}/{(start + dt.timedelta(days=4)).isoformat()}"


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "past": draw(st.integers(0, 6)),
        "future": draw(st.lists(st.integers(27, 40), max_size=5, unique=True)),
        "open": draw(st.integers(0, 12)),
        "informals": draw(st.integers(0, 6)),
        "settled": draw(st.integers(0, 10)),
        "approval_week": draw(st.integers(26, 44)),
        "lag": draw(st.integers(0, 30)),
    }


def build(s: dict[str, Any]) -> tuple[list[EventState], list[ItemState]]:
    events = [ev(f"past-{i}", "session", _week(i), "held") for i in range(s["past"])]
    events += [ev(f"future-{i}", "session", _week(i)) for i in s["future"]]
    approval_day = WEEK0 + dt.timedelta(weeks=s["approval_week"], days=4)
    events.append(ev("approval", "milestone", approval_day.isoformat()))
    events.append(deadline(date="2023-09-15/2023-09-29", deps=[("approval", s["lag"])]))
    items = [item(f"o{i}", ("2023-01-01", "open")) for i in range(s["open"])]
    items += [item(f"i{i}", ("2023-01-01", "informals")) for i in range(s["informals"])]
    items += [
        item(f"s{i}", ("2023-01-01", "open"), ("2023-02-01", "agreed")) for i in range(s["settled"])
    ]
    return events, items


PROPERTY_DAY = D(2023, 6, 30)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.sampled_from(["open", "informals"]))
def test_more_open_items_never_raise_p_meet(s: dict[str, Any], kind: str) -> None:
    events, items = build(s)
    [before] = assess_deadlines(events, items, PROPERTY_DAY)
    events, items = build({**s, kind: s[kind] + 1})
    [after] = assess_deadlines(events, items, PROPERTY_DAY)
    assert before.p_meet is not None and after.p_meet is not None
    assert after.p_meet <= before.p_meet


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.integers(27, 40))
def test_more_capacity_never_lowers_p_meet(s: dict[str, Any], extra_week: int) -> None:
    events, items = build(s)
    [before] = assess_deadlines(events, items, PROPERTY_DAY)
    more = [*events, ev("extra", "informal", _week(extra_week))]
    [after] = assess_deadlines(more, items, PROPERTY_DAY)
    assert after.capacity_days >= before.capacity_days
    assert after.p_meet is not None and before.p_meet is not None
    assert after.p_meet >= before.p_meet


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.integers(0, 60), st.booleans())
def test_postponing_a_predecessor_never_raises_slack(
    s: dict[str, Any], days_later: int, without_date: bool
) -> None:
    events, items = build(s)
    [before] = assess_deadlines(events, items, PROPERTY_DAY)
    approval = next(e for e in events if e.id == "approval")
    if without_date:
        moved = ev("approval", "milestone", approval.date, "postponed")
    else:
        moved = ev(
            "approval", "milestone", (approval.end + dt.timedelta(days=days_later)).isoformat()
        )
    after_events = [moved if e.id == "approval" else e for e in events]
    [after] = assess_deadlines(after_events, items, PROPERTY_DAY)
    assert before.slack_days is not None
    assert after.slack_days is None or after.slack_days <= before.slack_days


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_output_is_a_pure_function_of_the_input(s: dict[str, Any], rnd: random.Random) -> None:
    events, items = build(s)
    first = assess_deadlines(events, items, PROPERTY_DAY)
    rnd.shuffle(events)
    rnd.shuffle(items)
    assert assess_deadlines(events, items, PROPERTY_DAY) == first
    assert [r.to_json() for r in first] == [
        r.to_json() for r in assess_deadlines(*build(s), PROPERTY_DAY)
    ]


def test_projection_follows_chains_and_stops_at_unknowns() -> None:
    states = {
        "a": ev("a", "session", "2023-07-03/2023-07-07", depends_on=[]),
        "b": ev("b", "document", "2023-07-01", depends_on=[{"event": "a", "lag_days": 10}]),
        "c": ev("c", "milestone", "2023-07-02", "cancelled"),
        "d": ev("d", "milestone", "2023-07-02", depends_on=[{"event": "c", "lag_days": 0}]),
    }
    assert project(states, "b", AS_OF).day == D(2023, 7, 17)
    assert project(states, "d", AS_OF).day is None
    assert project(states, "d", AS_OF).blocker == states["c"]
    assert project(states, "missing", AS_OF).day is None


def test_fuzzy_predecessor_straddling_the_last_day_is_at_risk_not_off_track() -> None:
    # Approval "in July 2023" against a deadline of 2023-07-20: late is possible, not certain.
    log = [
        ev("july", "session", "2023-07-10/2023-07-14"),
        ev("approval", "milestone", "2023-07"),
        deadline(date="2023-07-20"),
    ]
    [risk] = assess_deadlines(log, [], AS_OF)
    assert risk.projected_date == D(2023, 7, 31)
    assert risk.slack_days == -11
    assert risk.status == "at_risk"
    assert risk.reasons == (
        "The predecessors' dates run as late as 2023-07-31, 11 days after the last possible "
        "day (2023-07-20): it is met only if they are done between 2023-07-01 and 2023-07-20.",
    )
    # Once the month is pinned to a day after the deadline, it is off track.
    log[1] = ev("approval", "milestone", "2023-07-25")
    [pinned] = assess_deadlines(log, [], AS_OF)
    assert pinned.status == "off_track"


def test_dates_at_the_calendar_edge_do_not_overflow() -> None:
    log = [
        ev("last", "session", "9999-12-27/9999-12-31"),
        ev("approval", "milestone", "9999-12-31", depends_on=[{"event": "last", "lag_days": 30}]),
        deadline(date="9999-12", deps=[("approval", 3650)]),
    ]
    [risk] = assess_deadlines(log, [], D(9999, 12, 1))
    assert risk.projected_date == D(9999, 12, 31)
    assert risk.capacity_days == 5.0


# The fast paths give the very floats of the plain definitions -------------------------------

MEETING_DATES = ("2023-07-03/2023-07-07", "2023-07-05/2023-07-18", "2023-07", "2023-08",
                 "2023-21", "2023-09-29/2023-10-02", "2023-10-09", "2024")  # fmt: skip


@st.composite
def meetings(draw: st.DrawFn) -> list[EventState]:
    kinds = st.sampled_from(["session", "informal", "consultation", "milestone"])
    statuses = st.sampled_from(["planned", "tentative", "held", "suspended", "postponed"])
    events = []
    for i in range(draw(st.integers(0, 10))):
        date = draw(st.sampled_from(MEETING_DATES))
        formal = {"formal": False} if draw(st.booleans()) else {}
        events.append(ev(f"m{i}", draw(kinds), date, draw(statuses), attributes=formal))
    return events


def _plain_day_weights(
    events: list[EventState], first: dt.date, last: dt.date, *, past: bool
) -> dict[dt.date, float]:
    """The definition, day by day: the strongest meeting of each weekday."""
    weights: dict[dt.date, float] = {}
    day = first
    while day <= last:
        if day.weekday() < 5:
            sat = ("held", "suspended")
            gone = ("postponed", "suspended", "cancelled")
            allowed = [
                e
                for e in events
                if e.start <= day <= e.end and (e.status in sat if past else e.status not in gone)
            ]
            best = max((_meeting_weight(e) for e in allowed), default=0.0)
            if best > 0:
                weights[day] = best
        day += dt.timedelta(days=1)
    return weights


@settings(max_examples=80, deadline=None)
@given(meetings(), st.booleans())
def test_day_weights_follow_the_day_by_day_definition(events: list[EventState], past: bool) -> None:
    first, last = D(2023, 6, 1), D(2024, 1, 31)
    assert day_weights(events, first, last, past=past) == _plain_day_weights(
        events, first, last, past=past
    )


@settings(max_examples=80, deadline=None)
@given(
    meetings(),
    st.sampled_from([D(2023, 6, 30), D(2023, 7, 5), D(2023, 9, 1), D(2024, 6, 1)]),
    st.sampled_from([D(2023, 6, 1), D(2023, 7, 10), D(2023, 12, 31), D(2025, 1, 1)]),
)
def test_past_and_future_equal_two_windows(
    events: list[EventState], as_of: dt.date, horizon: dt.date
) -> None:
    found = _meetings(events)
    past, future = _past_and_future(found, as_of, horizon)
    assert past == _weights_within(found, D.min, as_of, past=True)
    assert future == _weights_within(found, as_of + dt.timedelta(days=1), horizon, past=False)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.integers(700_000, 700_400),
        st.one_of(
            st.sampled_from([1.0, 0.5, 0.25]),
            st.integers(5, 260).map(lambda n: min(1.0, TYPICAL_SESSION_DAYS / n) * 0.25),
            st.floats(1e-6, 1.0),
        ),
    ),
    st.lists(st.integers(699_990, 700_410), max_size=8),
)
def test_running_days_equal_fsum_to_the_last_bit(
    weights: dict[int, float], lasts: list[int]
) -> None:
    running = _RunningDays(weights)
    for last in lasts:
        expected = math.fsum(w for day, w in weights.items() if day <= last)
        assert running.through(D.fromordinal(last)) == expected


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 400.0), st.floats(1e-4, 0.9999), st.integers(0, 300))
def test_negbin_tail_equals_the_inline_closed_form_to_the_last_bit(
    r: float, p: float, n: int
) -> None:
    if n == 0:
        assert negbin_tail(r, p, n) == 1.0
        return
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_p + k * log_q)
        for k in range(n)
    ]
    assert negbin_tail(r, p, n) == min(1.0, max(0.0, 1.0 - math.fsum(terms)))


def _plain_project(states: dict[str, EventState], event_id: str, as_of: dt.date) -> Any:
    """The forward pass as first written: one walk for every event, cycles cut by the trail."""
    memo: dict[str, Any] = {}

    def visit(ident: str, trail: frozenset[str]) -> Any:
        if ident in memo:
            return memo[ident]
        state = states.get(ident)
        if state is None or ident in trail:
            return (None, None, None)
        if state.status == "held":
            result = (state.end, None, state.end)
        elif state.status in ("postponed", "suspended", "cancelled"):
            result = (None, state, None)
        else:
            span = state.span
            day = max(span.end, as_of)
            first = max(span.end if span.is_exact else span.start, as_of)
            result = (day, None, first)
            for dep in state.depends_on:
                before = visit(dep["event"], trail | {ident})
                if before[0] is None or before[2] is None:
                    result = before
                    break
                day = max(day, before[0] + dt.timedelta(days=dep["lag_days"]))
                first = max(first, before[2] + dt.timedelta(days=dep["lag_days"]))
                result = (day, None, first)
        memo[ident] = result
        return result

    return visit(event_id, frozenset())


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, EventState]:
    """Small dependency graphs, cycles and dangling references included (a replay as of a day
    can combine versions no single write ever checked together)."""
    names = [f"e{i}" for i in range(draw(st.integers(1, 6)))]
    states = {}
    for name in names:
        deps = draw(st.lists(st.sampled_from([*names, "gone"]), max_size=3, unique=True))
        states[name] = ev(
            name,
            "milestone",
            draw(st.sampled_from(["2023-07-03", "2023-07", "2023-08-01/2023-08-04", "2023-05"])),
            draw(st.sampled_from(["planned", "tentative", "held", "postponed", "cancelled"])),
            depends_on=[{"event": d, "lag_days": draw(st.integers(0, 20))} for d in deps],
        )
    return states


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_projection_equals_the_plain_walk(states: dict[str, EventState]) -> None:
    for name in [*states, "gone"]:
        got = project(states, name, AS_OF)
        assert (got.day, got.blocker, got.earliest) == _plain_project(states, name, AS_OF)


# The tails of an assessment come from the pmf's recurrence, not the log-space sum: not the same
# floats as `negbin_tail`, so the contract is a bound on the error. Against the exact sum (whole
# r, as an assessment's r = 1 + settled is) it is within 1e-12; against `negbin_tail`, whose
# lgamma terms carry errors of their own of a few 1e-13 for large r, within 1e-11.


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.floats(1e-4, 0.9999), st.integers(0, 250))
def test_tails_are_within_1e_12_of_the_exact_sum(r: int, p: float, n: int) -> None:
    exact_p = Fraction(p)
    exact = 1 - sum(math.comb(k + r - 1, k) * exact_p**r * (1 - exact_p) ** k for k in range(n))
    assert abs(_Tails(float(r), n)(p) - float(exact)) <= 1e-12


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 400.0), st.floats(1e-4, 0.9999), st.integers(0, 300))
def test_tails_agree_with_negbin_tail(r: float, p: float, n: int) -> None:
    assert abs(_Tails(r, n)(p) - negbin_tail(r, p, n)) <= 1e-11


def test_tails_keep_the_edges_of_negbin_tail() -> None:
    assert _Tails(2.0, 0)(0.3) == 1.0
    assert _Tails(2.0, 1)(1.0) == 0.0
    assert _Tails(2.0, 3)(0.0) == 1.0
    # p^r underflows: the log-space sum answers (here the tail is all but certain)
    assert _Tails(400.0, 5)(0.01) == negbin_tail(400.0, 0.01, 5)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.05, 400.0),
    st.integers(0, 300),
    st.lists(
        st.one_of(st.floats(1e-6, 1 - 1e-6), st.sampled_from([0.0, 1.0, 1e-300, 0.5, 0.999999])),
        max_size=40,
    ),
)
def test_tails_of_many_chances_are_the_same_floats_as_one_at_a_time(
    r: float, n: int, ps: list[float]
) -> None:
    tails = _Tails(r, n)
    assert tails.many(ps) == [tails(p) for p in ps]


def test_tails_of_many_chances_split_into_blocks_give_the_same_floats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tails = _Tails(37.0, 250)
    ps = [i / 101 for i in range(1, 101)]
    whole = tails.many(ps)
    monkeypatch.setattr("timeline.domain.negbin._TAIL_BLOCK", 3 * 250)  # blocks of 3 rows
    assert tails.many(ps) == whole == [tails(p) for p in ps]


def test_tails_of_no_chances_is_empty() -> None:
    assert _Tails(3.0, 10).many([]) == []
