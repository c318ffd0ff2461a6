"""Projections: when an event is expected to be done, by a forward pass over `depends_on`.

A held event is done on its last day, a planned one on its last possible day (never before
`as_of`), a postponed, suspended, cancelled or missed one has no date; lags add days. The same
pass run with the first possible day of fuzzy dates gives the earliest projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from timeline.domain.dates import shift
from timeline.domain.model import EventState

__all__ = ["Projection", "ancestors", "deadline_projection", "project"]

_UNDATED = frozenset({"postponed", "suspended", "cancelled", "missed"})


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


def deadline_projection(
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


def ancestors(states: Mapping[str, EventState], roots: Iterable[str]) -> list[str]:
    """Every event `roots` wait for, directly or through others, sorted (unknown ids left out)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        ident = stack.pop()
        if ident in seen or ident not in states:
            continue
        seen.add(ident)
        stack.extend(d["event"] for d in states[ident].depends_on)
    return sorted(seen)
