"""Entry into force as users record it: mixed party and count deposits, ranks, REIOs, bursts
leaving the window, and comparables used only once their threshold was reached."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest

from tests.domain._states import event_state
from timeline.domain import comparables
from timeline.domain.comparables import DEPOSIT_WAVES, prior, wave_size
from timeline.domain.eif import (
    COMPARABLE_TREATIES,
    assess_entry_into_force,
    comparables_known,
    deposit_curve,
    reach_chance,
)
from timeline.domain.model import EventState

D = dt.date
STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def ev(ident: str, kind: str, date: str, status: str = "held", **attributes: Any) -> EventState:
    return event_state(ident, kind, date, status, stamp=STAMP, attributes=attributes)


def test_a_party_after_a_reported_count_adds_to_it() -> None:
    events = [
        ev("a", "ratification", "2026-01-05", party="Chad"),
        ev("report", "ratification", "2026-02-01", count=7),
        ev("b", "ratification", "2026-03-01", party="Peru"),
    ]
    curve = deposit_curve(events, D(2026, 3, 31))
    assert curve.at(D(2026, 1, 31)) == 1
    assert curve.at(D(2026, 2, 1)) == 7  # the report includes Chad
    assert curve.at(D(2026, 3, 1)) == 8  # Peru came after the report: 7 + 1, not 7


def test_a_deposit_with_party_and_rank_counts_once_at_its_rank() -> None:
    events = [
        ev("a", "ratification", "2026-01-05", party="Chad"),
        ev("morocco", "ratification", "2026-02-01", party="Morocco", count=60),
        ev("b", "ratification", "2026-03-01", party="Peru"),
        ev("again", "ratification", "2026-03-02", party="morocco"),  # named again: not new
    ]
    curve = deposit_curve(events, D(2026, 3, 31))
    assert curve.at(D(2026, 2, 1)) == 60
    assert curve.at(D(2026, 3, 2)) == 61
    report = assess_entry_into_force(
        [
            ev("rule", "eif_threshold", "2025-01-01", instruments=60, delay_days=90, adopted=True),
            *events,
        ],
        D(2026, 3, 31),
    )
    assert report.reached_on == D(2026, 2, 1)
    assert report.entry_into_force == D(2026, 5, 2)


def test_an_reio_instrument_does_not_count_where_the_rule_says_so() -> None:
    deposits = [
        ev("fr", "ratification", "2026-01-05", party="France"),
        ev("eu", "ratification", "2026-01-06", party="European Union", reio=True),
        ev("de", "ratification", "2026-01-07", party="Germany"),
    ]

    def rule(**extra: Any) -> EventState:
        return ev("rule", "eif_threshold", "2025-01-01", instruments=3, delay_days=90,
                  adopted=True, **extra)  # fmt: skip

    counted = assess_entry_into_force([rule(), *deposits], D(2026, 2, 1))
    assert counted.count == 3 and counted.reached_on == D(2026, 1, 7)
    apart = assess_entry_into_force([rule(reio_counts=False), *deposits], D(2026, 2, 1))
    assert apart.count == 2 and apart.reached_on is None


def _burst_log(year: int = 2024) -> list[EventState]:
    """A threshold of 60, 70 signatures and a burst of 18 deposits in March of `year`."""
    events = [
        ev("rule", "eif_threshold", f"{year}-01-01", instruments=60, delay_days=90, adopted=True),
        ev("opening", "signature", f"{year}-01-01", count=70),
    ]
    events += [ev(f"p{i}", "ratification", f"{year}-03-01", party=f"P{i}") for i in range(18)]
    return events


def test_the_projection_holds_steady_as_a_burst_leaves_the_window() -> None:
    events = _burst_log()
    inside = assess_entry_into_force(events, D(2024, 8, 27))  # the burst is 179 days old
    outside = assess_entry_into_force(events, D(2024, 8, 29))  # 181 days old: out of the window
    assert inside.projection is not None and outside.projection is not None
    assert inside.projection.p50 is not None and outside.projection.p50 is not None
    # Two days later, with nothing new, the p50 moves by days, not by months.
    assert 0 <= (outside.projection.p50 - inside.projection.p50).days <= 20


def test_comparables_are_used_only_after_their_threshold_was_reached() -> None:
    assert comparables_known(D(2003, 7, 1)) == ()
    assert [c.name for c in comparables_known(D(2003, 7, 2))] == [
        "UN Convention against Transnational Organized Crime"
    ]
    everything = comparables_known(D(2030, 1, 1))
    assert everything == COMPARABLE_TREATIES


def test_a_later_comparable_never_changes_an_earlier_projection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_of = D(2014, 9, 1)
    shifted = _burst_log(year=2014)
    with_it = assess_entry_into_force(shifted, as_of).to_json()
    # The Arms Trade Treaty reached its threshold on 2014-09-25: a replay of 1 September 2014
    # is the same whether or not it is in the table, since it is not known yet.
    assert all(c.reached >= as_of for c in COMPARABLE_TREATIES if c.name == "Arms Trade Treaty")
    without = tuple(c for c in COMPARABLE_TREATIES if c.name != "Arms Trade Treaty")
    monkeypatch.setattr(comparables, "COMPARABLE_TREATIES", without)
    assert assess_entry_into_force(shifted, as_of).to_json() == with_it
    # and the table is read: once the threshold was reached, the prior changes without it
    later = D(2014, 10, 1)
    prior_without = prior(later)
    monkeypatch.undo()
    assert prior(later) != prior_without


LIBRARY_FILES = {
    "WHO Framework Convention on Tobacco Control": "who-fctc",
    "Marrakesh Treaty": "marrakesh-treaty",
    "Paris Agreement": "paris-agreement",
    "Minamata Convention on Mercury": "minamata",
    "Escazú Agreement": "escazu",
    "Treaty on the Prohibition of Nuclear Weapons": "tpnw",
    "Arms Trade Treaty": "arms-trade-treaty",
}


def test_library_comparables_match_the_library_files() -> None:
    for comparable in COMPARABLE_TREATIES:
        name = LIBRARY_FILES.get(comparable.name)
        if name is None:
            continue
        text = resources.files("timeline.seed").joinpath(f"{name}.json").read_text()
        raw = json.loads(text)
        by_key = {e["key"]: e for e in raw["events"]}
        # The day the threshold was reached is the day entry into force was first announced.
        assert by_key["entry-into-force"]["steps"][0]["known_on"] == comparable.reached.isoformat()
        rule = by_key["eif-rule"]["steps"][0]["document"]["attributes"]
        assert rule["instruments"] == comparable.instruments, comparable.name


def test_a_delay_in_months_counts_calendar_months() -> None:
    events = [
        ev("rule", "eif_threshold", "2013-06-27", instruments=2, delay_months=3, adopted=True),
        ev("a", "ratification", "2016-05-02", party="India"),
        ev("b", "ratification", "2016-06-30", party="Canada"),
    ]
    report = assess_entry_into_force(events, D(2016, 7, 1))
    assert report.reached_on == D(2016, 6, 30)
    assert report.entry_into_force == D(2016, 9, 30)  # "three months after" 30 June
    assert report.delay_days == 91  # reported as three average months
    late = [*events[:2], ev("b", "ratification", "2016-11-30", party="Canada")]
    assert assess_entry_into_force(late, D(2017, 1, 1)).entry_into_force == D(2017, 2, 28)


def test_an_announced_treaty_event_brings_the_projection_forward() -> None:
    events = _burst_log()
    as_of = D(2024, 6, 1)
    plain = assess_entry_into_force(events, as_of)
    event = event_state("treaty-event", "milestone", "2024-09-24", "planned", stamp=STAMP,
                        tags=["treaty-event"])  # fmt: skip
    waved = assess_entry_into_force([*events, event], as_of)
    assert plain.projection is not None and waved.projection is not None
    assert plain.projection.p50 is not None and waved.projection.p50 is not None
    assert waved.projection.p50 < plain.projection.p50
    # Once it has taken place, only the deposits recorded count: it is no wave any more.
    held = event_state("treaty-event", "milestone", "2024-09-24", "held", stamp=STAMP,
                       tags=["treaty-event"])  # fmt: skip
    after = assess_entry_into_force([*events, held], D(2024, 9, 25))
    assert after.to_json() == assess_entry_into_force(events, D(2024, 9, 25)).to_json()


def test_a_wave_is_sized_only_from_waves_seen_by_the_day() -> None:
    assert wave_size(D(2014, 4, 1)) == 0  # no treaty event's wave seen yet
    assert wave_size(D(2014, 4, 2)) == 18  # the ATT's first anniversary of adoption
    assert wave_size(D(2014, 6, 3)) == wave_size(D(2030, 1, 1)) == 8
    assert all(w.day.year == 2014 for w in DEPOSIT_WAVES)
    # So an announced treaty event moves nothing in a replay of 2013.
    events = _burst_log(year=2013)
    event = event_state("treaty-event", "milestone", "2013-09-24", "planned", stamp=STAMP,
                        tags=["treaty-event"])  # fmt: skip
    as_of = D(2013, 6, 1)
    assert (
        assess_entry_into_force([*events, event], as_of).to_json()
        == assess_entry_into_force(events, as_of).to_json()
    )


def test_the_chance_of_reaching_the_threshold_within_a_horizon() -> None:
    rule = ev("rule", "eif_threshold", "2025-01-01", instruments=1, delay_days=90, adopted=True)
    as_of = D(2026, 1, 1)
    alpha, beta = prior(as_of)
    # Nothing deposited and no opening: one instrument missing, the prior's pace over 180 days.
    beta += 180
    assert reach_chance([rule], as_of, 365) == 1 - (beta / (beta + 365)) ** alpha
    assert (
        reach_chance([rule, ev("a", "ratification", "2025-06-01", party="Chad")], as_of, 365)
        is None
    )
    assert reach_chance([], as_of, 365) is None
