"""Negotiating capacity: weekdays at the strongest meeting, and the fast paths to the last bit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain._states import risk_event as ev
from timeline.domain.capacity import (
    TYPICAL_SESSION_DAYS,
    _meeting_weight,
    _weights_within,
    capacity_around,
    day_weights,
    effective_days,
)
from timeline.domain.capacity import RunningDays as _RunningDays
from timeline.domain.capacity import meetings as _meetings
from timeline.domain.capacity import weekday_weights as _weekday_weights
from timeline.domain.model import EventState

D = dt.date
AS_OF = D(2023, 6, 30)  # a Friday


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
def test_weekday_weights_and_capacity_equal_two_windows_in_order(
    events: list[EventState], as_of: dt.date, horizon: dt.date
) -> None:
    found = _meetings(events)
    (past_days, past_weights), (future_days, future_weights) = _weekday_weights(
        found, as_of, horizon
    )
    assert past_days == sorted(past_days)
    assert future_days == sorted(future_days)
    past = dict(zip(past_days, past_weights, strict=True))
    future = dict(zip(future_days, future_weights, strict=True))
    assert past == _weights_within(found, D.min, as_of, past=True)
    assert future == _weights_within(found, as_of + dt.timedelta(days=1), horizon, past=False)
    running, plain = _RunningDays.of((future_days, future_weights)), _RunningDays(future)
    held, to_come = capacity_around(found, as_of, horizon)  # the same, to the last bit
    assert held == math.fsum(past_weights)
    day = as_of
    while day <= horizon:
        assert running.through(day) == plain.through(day) == to_come.through(day)
        day += dt.timedelta(days=9)


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


# Weighed once, kept while it stays true -----------------------------------------------------


def test_a_state_is_weighed_once_and_its_meeting_kept() -> None:
    session = ev("s", "session", "2023-07-10/2023-07-14")
    first = _meetings([session])
    assert first == [("planned", D(2023, 7, 10).toordinal(), D(2023, 7, 14).toordinal(), 1.0)]
    assert _meetings([session])[0] is first[0]


def test_a_state_replaced_with_other_fields_is_weighed_again() -> None:
    session = ev("s", "session", "2023-07-10/2023-07-14")
    assert _meetings([session])[0][3] == 1.0
    assert _meetings([dataclasses.replace(session, status="postponed")]) == []
    assert _meetings([dataclasses.replace(session, status="tentative")])[0][3] == 0.5
    informal = dataclasses.replace(session, attributes={"formal": False})
    assert _meetings([informal])[0][3] == 0.5
    moved = _meetings([dataclasses.replace(session, date="2023-09-04/2023-09-08")])
    assert moved[0][1:3] == (D(2023, 9, 4).toordinal(), D(2023, 9, 8).toordinal())
    assert dataclasses.replace(session) == session  # the kept meeting is not a field


def test_equal_meetings_take_the_capacity_already_weighed() -> None:
    week = "2023-07-10/2023-07-14"
    before = [ev("s", "session", week), ev("i", "informal", "2023-07-17/2023-07-21")]
    # the same meetings after a change that left their days alone: new states, equal meetings
    after = [dataclasses.replace(state, summary="Moved rooms") for state in before]
    first = capacity_around(_meetings(before), AS_OF, D(2023, 12, 31))
    assert capacity_around(_meetings(after), AS_OF, D(2023, 12, 31)) is first
    assert first.to_come.through(D(2023, 12, 31)) == 7.5
    moved = [dataclasses.replace(before[0], date="2023-07-03/2023-07-07"), before[1]]
    assert capacity_around(_meetings(moved), AS_OF, D(2023, 12, 31)) is not first
