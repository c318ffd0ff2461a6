"""Projections over `depends_on`: chains, unknowns, and the memoized walk against the plain one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain._states import risk_event as ev
from timeline.domain.model import EventState
from timeline.domain.projection import project

D = dt.date
AS_OF = D(2023, 6, 30)  # a Friday


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
