"""How negotiations end: standalone deadlines, `missed` milestones, a concluding session's
overrun, package deals, and chances that are never 0 or 1 before the outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain._states import risk_event as ev
from tests.domain.test_risk import WORKED_ITEMS, item
from timeline.domain.endings import (
    CONCLUDING_BASE_RATE,
    LIBRARY_ENDINGS,
    OVERRUN_DAYS,
    P_FLOOR,
    base_rate,
    base_rate_known,
)
from timeline.domain.model import EventState
from timeline.domain.risk import assess_deadlines

D = dt.date


def deadline(date: str = "2023-07-14", deps: list[str] | None = None, **extra: Any) -> EventState:
    depends = [{"event": e, "lag_days": 0} for e in (deps if deps is not None else ["final"])]
    return ev("deadline", "deadline", date, depends_on=depends, **extra)


def test_a_standalone_deadline_is_assessed_without_a_placeholder() -> None:
    log = [ev("july", "session", "2023-07-10/2023-07-14"), deadline("2023-07-31", deps=[])]
    [risk] = assess_deadlines(log, WORKED_ITEMS, D(2023, 6, 30))
    assert risk.status in ("on_track", "at_risk", "off_track")
    assert risk.projected_date is None and risk.slack_days is None
    assert risk.p_meet is not None and 0 < risk.p_meet < 1
    # Not "a predecessor is not known yet": nothing is wrong with a mandate's date.
    assert not any("predecessor" in reason for reason in risk.reasons)


def test_a_standalone_deadline_is_met_when_recorded_reached_and_missed_otherwise() -> None:
    reached = [ev("deadline", "deadline", "2023-07-31", "held")]
    [met] = assess_deadlines(reached, [], D(2023, 7, 20))
    assert (met.status, met.p_meet) == ("met", 1.0)
    not_reached = [ev("deadline", "deadline", "2023-07-31", "missed")]
    [missed] = assess_deadlines(not_reached, [], D(2023, 7, 20))
    assert (missed.status, missed.p_meet) == ("missed", 0.0)
    [late] = assess_deadlines([ev("deadline", "deadline", "2023-07-31")], [], D(2023, 8, 1))
    assert late.status == "missed"
    assert "not recorded as reached" in late.reasons[0]


def test_a_missed_milestone_misses_its_deadline_at_once() -> None:
    log = [ev("final", "milestone", "2023-07-14", "missed"), deadline("2023-07-31")]
    [risk] = assess_deadlines(log, [], D(2023, 7, 20))
    assert risk.status == "missed" and risk.p_meet == 0.0
    assert "Final: recorded as not reached" in risk.reasons[0]


def test_a_concluding_session_one_day_over_its_close_still_meets_the_deadline() -> None:
    # Scheduled to close on Friday 14 July; it concluded on Saturday morning.
    log = [ev("final", "session", "2023-07-03/2023-07-15", "held"), deadline("2023-07-14")]
    [risk] = assess_deadlines(log, [], D(2023, 7, 16))
    assert risk.status == "met" and risk.p_meet == 1.0
    assert "1 days past the last possible day (2023-07-14)" in risk.reasons[0]
    # While it may still be running over, the deadline is not missed yet.
    running = [ev("final", "session", "2023-07-03/2023-07-14"), deadline("2023-07-14")]
    [open_] = assess_deadlines(running, [], D(2023, 7, 15))
    assert open_.status not in ("met", "missed")
    [gone] = assess_deadlines(running, [], D(2023, 7, 14) + dt.timedelta(days=OVERRUN_DAYS + 1))
    assert gone.status == "missed"
    # A milestone is not a meeting: it gets no overrun.
    late = [ev("final", "milestone", "2023-07-15", "held"), deadline("2023-07-14")]
    [missed] = assess_deadlines(late, [], D(2023, 7, 16))
    assert missed.status == "missed"


def test_without_items_the_chance_is_the_library_base_rate() -> None:
    log = [ev("final", "session", "2023-07-03/2023-07-14"), deadline("2023-07-31")]
    [risk] = assess_deadlines(log, [], D(2023, 6, 1))
    # The 13 outcomes known in June 2023 (9 met, 4 missed), not the cybercrime committee's of
    # January 2024.
    assert risk.p_meet == round(base_rate_known(D(2023, 6, 1)), 4) == 0.6667
    assert risk.status == "on_track"
    assert "no negotiation items are tracked" in risk.reasons[0]
    [refit] = assess_deadlines(log, [], D(2023, 6, 1), base_rate=0.5)
    assert refit.p_meet == 0.5


def test_a_package_deal_is_not_judged_by_items_settled_so_far() -> None:
    # Nothing agreed until everything is agreed: 20 items open, none settled after weeks of
    # sessions; the pace model alone would say "under 1%".
    items = [item(f"i{n}", ("2023-01-02", "open")) for n in range(20)]
    log: list[EventState] = [
        ev("s1", "session", "2023-03-06/2023-03-17", "held"),
        ev("s2", "session", "2023-05-08/2023-05-19", "held"),
        ev("final", "session", "2023-07-03/2023-07-14"),
    ]
    [paced] = assess_deadlines([*log, deadline("2023-07-31")], items, D(2023, 6, 1))
    assert paced.p_meet is not None and paced.p_meet < 0.01 and paced.status == "off_track"
    package_deadline = deadline("2023-07-31", attributes={"package": True})
    [package] = assess_deadlines([*log, package_deadline], items, D(2023, 6, 1))
    assert package.p_meet == round(base_rate_known(D(2023, 6, 1)), 4)
    assert package.status == "on_track"
    assert "negotiated as a package" in package.reasons[0]


def test_the_base_rate_uses_only_outcomes_known_on_the_day() -> None:
    # The same deadline asked about in 2012 and in 2025: the library's later outcomes (Paris,
    # the TPNW, the migration compact, the cybercrime committee) cannot inform the 2012 answer.
    log = [ev("final", "session", "2012-07-02/2012-07-27"), deadline("2012-07-27")]
    [early] = assess_deadlines(log, [], D(2012, 6, 15))
    # Known by 15 June 2012: WHO FCTC (met), WIPO broadcasting and Copenhagen (missed).
    assert early.p_meet == round(base_rate(1, 2), 4) == 0.4
    assert base_rate_known(D(2003, 5, 20)) == base_rate(0, 0) == 0.5  # nothing decided yet
    assert base_rate_known(D(2003, 5, 21)) == base_rate(1, 0)  # the FCTC, on its day
    every = base_rate(sum(e.met for e in LIBRARY_ENDINGS), sum(not e.met for e in LIBRARY_ENDINGS))
    assert base_rate_known(D(2030, 1, 1)) == CONCLUDING_BASE_RATE == every
    # Leaving a process out, as the library backtest does.
    assert base_rate_known(D(2030, 1, 1), leave_out="arms-trade-treaty") == base_rate(9, 3)


def test_a_concluding_session_on_its_last_night_is_not_a_certain_failure() -> None:
    # A package negotiation: nothing agreed until the last night. On the session's last
    # scheduled day, and the days it may run over, no scheduled day is left, but the session
    # can still conclude: neither 0 nor "off track".
    items = [item(f"i{n}", ("2023-01-02", "open")) for n in range(20)]
    log = [
        ev("s1", "session", "2023-03-06/2023-03-17", "held"),
        ev("final", "session", "2023-07-03/2023-07-14"),
        deadline("2023-07-14", attributes={"package": True}),
    ]
    rate = round(base_rate_known(D(2023, 7, 14)), 4)
    for day in (D(2023, 7, 14), D(2023, 7, 15), D(2023, 7, 14) + dt.timedelta(OVERRUN_DAYS)):
        [risk] = assess_deadlines(log, items, day)
        assert (risk.status, risk.p_meet) == ("at_risk", rate), day
        assert "may run up to 3 days over" in risk.reasons[0]
        assert not any("no negotiating days" in reason for reason in risk.reasons)
    # Without the package mark the pace says nothing about the last night either.
    plain = [*log[:2], deadline("2023-07-14")]
    [risk] = assess_deadlines(plain, items, D(2023, 7, 15))
    assert (risk.status, risk.p_meet) == ("at_risk", rate)
    # Past the overrun it is missed; recorded held within it, met.
    [late] = assess_deadlines(log, items, D(2023, 7, 14) + dt.timedelta(OVERRUN_DAYS + 1))
    assert late.status == "missed"
    concluded = [log[0], ev("final", "session", "2023-07-03/2023-07-15", "held"), log[2]]
    [met] = assess_deadlines(concluded, items, D(2023, 7, 16))
    assert met.status == "met"


@settings(max_examples=60, deadline=None)
@given(
    settled=st.integers(0, 5),
    open_=st.integers(0, 60),
    days=st.integers(0, 40),
    package=st.booleans(),
)
def test_never_zero_or_one_before_the_outcome_unless_no_day_is_left(
    settled: int, open_: int, days: int, package: bool
) -> None:
    items = [
        item(f"s{n}", ("2023-01-02", "open"), ("2023-03-10", "agreed")) for n in range(settled)
    ]
    items += [item(f"o{n}", ("2023-01-02", "open")) for n in range(open_)]
    end = D(2023, 7, 3) + dt.timedelta(days=days)
    log = [
        ev("s1", "session", "2023-03-06/2023-03-17", "held"),
        ev("final", "session", f"2023-07-03/{end.isoformat()}"),
        deadline(end.isoformat(), attributes={"package": package}),
    ]
    [risk] = assess_deadlines(log, items, D(2023, 6, 1))
    assert risk.status not in ("met", "missed")
    assert risk.p_meet is not None
    assert P_FLOOR <= risk.p_meet <= 1 - P_FLOOR
