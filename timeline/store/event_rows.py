"""How event rows and revisions map to states, and the filters and page keys reads share."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline.domain.model import EventState
from timeline.store.tables import Event

__all__ = [
    "EventFilter",
    "PageKey",
    "new_event_id",
    "page_key",
    "row_document",
    "state_from_row",
    "state_from_snapshot",
]


def new_event_id() -> str:
    """A fresh, opaque, URL-safe event id."""
    return secrets.token_hex(8)


PageKey = tuple[dt.date, dt.date, str, str]


@dataclass(frozen=True)
class EventFilter:
    """Which events a list wants: a day window, kinds, tags, statuses (each 'any of')."""

    start: dt.date | None = None
    end: dt.date | None = None
    kinds: Sequence[str] = ()
    tags: Sequence[str] = ()
    statuses: Sequence[str] = ()
    exclude_statuses: Sequence[str] = field(default_factory=tuple)

    def accepts(self, state: EventState) -> bool:
        """Whether `state` passes this filter (the in-memory twin of the SQL conditions)."""
        span = state.span
        return (
            (self.start is None or span.end >= self.start)
            and (self.end is None or span.start <= self.end)
            and (not self.kinds or state.kind in self.kinds)
            and (not self.tags or any(t in state.tags for t in self.tags))
            and (not self.statuses or state.status in self.statuses)
            and state.status not in self.exclude_statuses
        )


def page_key(state: EventState) -> PageKey:
    """The sort key of timelines: start, end, kind, id."""
    return (state.start, state.end, state.kind, state.id)


def row_document(row: Event) -> dict[str, Any]:
    """The event document an ORM row of the events table holds."""
    return {
        "kind": row.kind,
        "title": row.title,
        "date": row.date,
        "status": row.status,
        "location": row.location,
        "summary": row.summary,
        "tags": list(row.tags),
        "parent": row.parent,
        "depends_on": list(row.depends_on),
        "sources": list(row.sources),
        "attributes": dict(row.attributes),
    }


def state_from_row(row: Event, process: str) -> EventState:
    """The state an ORM row of the events table stands for (of process `process`)."""
    return EventState.from_document(
        row_document(row),
        id=row.id,
        process=process,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        known_on=row.known_on,
    )


def state_from_snapshot(
    snapshot: dict[str, Any], revision: Any, created_at: dt.datetime, process: str
) -> EventState:
    """The event as a revision recorded it: its document `snapshot` (decoded), and the
    revision's `event_id`, `version`, `recorded_at` and `known_on` (an `EventRevision`, or a
    row of those columns); `created_at` is the event's own."""
    return EventState.from_document(
        snapshot,
        id=revision.event_id,
        process=process,
        version=revision.version,
        created_at=created_at,
        updated_at=revision.recorded_at,
        known_on=revision.known_on,
    )
