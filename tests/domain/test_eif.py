"""The entry-into-force model: counting instruments, exact dates, projections, scenarios."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain._states import event_state
from timeline.domain.eif import assess_entry_into_force, comparables_known, deposit_curve
from timeline.domain.model import EventState

D = dt.date
STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def ev(ident: str, kind: str, date: str, status: str = "held", **attributes: Any) -> EventState:
    return event_state(ident, kind, date, status, stamp=STAMP, attributes=attributes)


def rule(instruments: int = 3, delay: int = 90) -> EventState:
    return ev("rule", "eif_threshold", "2024-08-08", instruments=instruments, delay_days=delay,
              proposed_by=["Committee"], adopted=True)  # fmt: skip


def deposit(party: str, date: str, status: str = "held") -> EventState:
    return ev(f"dep-{party}-{date}", "ratification", date, status, party=party)


def test_count_is_distinct_parties_or_the_highest_reported_count() -> None:
    events = [
        deposit("Chad", "2026-01-05"),
        deposit(" chad ", "2026-02-01"),  # the same party again: counted once, on its first day
        deposit("Peru", "2026-02-03"),
        deposit("Fiji", "2026-03-01", status="planned"),  # announced, not deposited
        ev("signing", "signature", "2025-10-25/2025-10-26", count=72),  # signatures never count
        ev("report", "ratification", "2026-02-20", count=5),
    ]
    curve = deposit_curve(events, D(2026, 3, 31))
    assert curve.at(D(2026, 1, 4)) == 0
    assert curve.at(D(2026, 1, 5)) == 1
    assert curve.at(D(2026, 2, 3)) == 2
    assert curve.at(D(2026, 2, 20)) == 5
    assert curve.reached(2) == D(2026, 2, 3)
    assert curve.reached(6) is None
    assert deposit_curve(events, D(2026, 2, 10)).at(D(2026, 12, 31)) == 2  # later ones unknown


def test_reached_threshold_gives_deposit_day_plus_delay() -> None:
    events = [rule(2), deposit("Chad", "2026-01-05"), deposit("Peru", "2026-02-03")]
    report = assess_entry_into_force(events, D(2026, 3, 1))
    assert report.count == 2
    assert report.reached_on == D(2026, 2, 3)
    assert report.entry_into_force == D(2026, 5, 4)  # the 90th day after 3 February
    assert report.projection is None
    body = report.to_json()
    assert body["rule"] == {
        "event": {
            "id": "rule",
            "title": "rule",
            "date": "2024-08-08",
            "start": "2024-08-08",
            "end": "2024-08-08",
        },
        "instruments": 2,
        "delay_days": 90,
    }
    assert body["entry_into_force"] == "2026-05-04"


def test_projection_is_the_exact_gamma_poisson_quantile() -> None:
    # Opened 2025-01-01; one deposit before the 180-day window, one inside it; one missing.
    as_of = D(2026, 1, 1)
    events = [
        rule(3),
        ev("opening", "signature", "2025-01-01", count=10),
        deposit("Chad", "2025-03-01"),
        deposit("Peru", "2025-09-01"),
    ]
    report = assess_entry_into_force(events, as_of)
    assert report.count == 2
    projection = report.projection
    assert projection is not None
    # Prior: the ten comparables reached by then (406 instruments over 7,877 days), worth 180
    # days of evidence; the window's deposit counts 1, the older one its share 180 / 307 (it is
    # 307 days old on as_of, counting both ends).
    known = comparables_known(as_of)
    assert len(known) == 10
    assert sum(c.instruments for c in known) == 406
    assert sum((c.reached - c.opened).days for c in known) == 7877
    alpha = 406 / 7877 * 180 + 1 + 180 / 307
    beta = 180 + 180
    # One missing deposit: P(within t) = 1 - (beta / (beta + t)) ** alpha, so the q-quantile
    # is t = beta * ((1 - q) ** (-1 / alpha) - 1).
    t50 = math.ceil(beta * (2 ** (1 / alpha) - 1))
    t80 = math.ceil(beta * (5 ** (1 / alpha) - 1))
    assert projection.p50 == as_of + dt.timedelta(days=t50 + 90)
    assert projection.p80 == as_of + dt.timedelta(days=t80 + 90)
    assert projection.observed_per_month == round(1 / 180 * 30.4375, 4) == 0.1691
    assert projection.needed_per_month == round(1 / 12, 4)
    assert projection.low_evidence is True


def test_window_starts_at_the_opening_when_that_is_recent() -> None:
    events = [rule(40), ev("opening", "signature", "2025-12-02", count=60)]
    events += [deposit(f"P{i}", "2025-12-15") for i in range(3)]
    report = assess_entry_into_force(events, D(2025, 12, 31))
    assert report.projection is not None
    # Three deposits in the 30 days since the opening: 3.04 a month, not 3 in 180 days.
    assert report.projection.observed_per_month == round(3 / 30 * 30.4375, 4)


def test_scenarios_cover_every_other_proposal_merged_by_number() -> None:
    events = [
        rule(40),
        ev("p70", "eif_threshold", "2023-04-11", instruments=70, proposed_by=["EU"]),
        ev("p30", "eif_threshold", "2023-04-11", instruments=30, proposed_by=["Russia", "China"]),
        ev("p30b", "eif_threshold", "2024-08-01", instruments=30, proposed_by=["Russia", "Iran"]),
        ev("p40", "eif_threshold", "2023-04-12", instruments=40, proposed_by=["Thailand"]),
        ev("gone", "eif_threshold", "2023-04-12", "cancelled", instruments=55),
    ]
    events += [deposit(f"P{i:02}", f"2026-01-{i + 1:02}") for i in range(31)]
    report = assess_entry_into_force(events, D(2026, 2, 1))
    assert [(s.instruments, s.proposed_by) for s in report.scenarios] == [
        (30, ("Russia", "China", "Iran")),
        (70, ("EU",)),
    ]
    thirty, seventy = report.scenarios
    assert thirty.reached_on == D(2026, 1, 30)
    assert thirty.entry_into_force == D(2026, 4, 30)
    assert thirty.p50 is None and thirty.p80 is None
    assert seventy.reached_on is None
    assert seventy.p50 is not None and seventy.p80 is not None and seventy.p50 < seventy.p80
    assert report.projection is not None and report.projection.low_evidence is False


def test_without_an_adopted_rule_only_scenarios() -> None:
    events = [ev("p30", "eif_threshold", "2023-04-11", instruments=30, proposed_by=["X"])]
    report = assess_entry_into_force(events, D(2023, 6, 30))
    assert report.rule is None and report.projection is None and report.count == 0
    assert report.to_json()["rule"] is None
    assert [s.instruments for s in report.scenarios] == [30]


# Properties ---------------------------------------------------------------------------------

START = D(2025, 1, 1)
AS_OF = D(2026, 6, 30)


@st.composite
def logs(draw: st.DrawFn) -> list[EventState]:
    days = draw(st.lists(st.integers(0, (AS_OF - START).days), max_size=30))
    events = [rule(draw(st.integers(1, 60))), ev("opening", "signature", "2025-01-01", count=9)]
    events += [
        deposit(f"P{i}", (START + dt.timedelta(days=d)).isoformat()) for i, d in enumerate(days)
    ]
    return events


@settings(max_examples=80, deadline=None)
@given(logs(), st.integers(0, (AS_OF - START).days))
def test_an_extra_deposit_never_delays_p50(events: list[EventState], day: int) -> None:
    before = assess_entry_into_force(events, AS_OF)
    extra = deposit("Newcomer", (START + dt.timedelta(days=day)).isoformat())
    after = assess_entry_into_force([*events, extra], AS_OF)
    assert after.count == before.count + 1
    if before.entry_into_force is not None:
        assert after.entry_into_force is not None
        assert after.entry_into_force <= before.entry_into_force
        return
    assert before.projection is not None and before.projection.p50 is not None
    if after.entry_into_force is not None:
        assert after.entry_into_force <= before.projection.p50
    else:
        assert after.projection is not None and after.projection.p50 is not None
        assert after.projection.p50 <= before.projection.p50


@settings(max_examples=40, deadline=None)
@given(logs(), st.randoms(use_true_random=False))
def test_eif_is_a_pure_function_of_the_input(events: list[EventState], rnd: random.Random) -> None:
    first = assess_entry_into_force(events, AS_OF)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert assess_entry_into_force(shuffled, AS_OF).to_json() == first.to_json()


def test_unreachable_thresholds_and_huge_delays_give_no_date_instead_of_failing() -> None:
    events = [rule(10**9, delay=10**6), deposit("Chad", "2026-01-05")]
    report = assess_entry_into_force(events, D(2026, 3, 1))
    assert report.count == 1
    assert report.projection is not None
    assert report.projection.p50 is None and report.projection.p80 is None
    reached = assess_entry_into_force([rule(1, delay=10**7), deposit("Chad", "9999-01-05")], D.max)
    assert reached.entry_into_force == D.max
