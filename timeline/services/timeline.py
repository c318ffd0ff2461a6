"""Reading events in order: a process's timeline and what is coming up, a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from timeline.domain.errors import InvalidFields
from timeline.domain.model import EventState
from timeline.store.db import Database
from timeline.store.event_rows import EventFilter, PageKey
from timeline.store.events import event_states, process_timeline
from timeline.store.processes import get_processes

__all__ = ["EventStatePage", "PageKey", "timeline_page", "upcoming_page"]

EventStatePage = tuple[list[EventState], PageKey | None]
"""One page of events, and the key of its last event when more follow (else None)."""


def _page(states: list[EventState], limit: int) -> EventStatePage:
    if len(states) <= limit:
        return states, None
    last = states[limit - 1]
    return states[:limit], (last.start, last.end, last.kind, last.id)


async def timeline_page(
    db: Database,
    slug: str,
    *,
    start: dt.date | None,
    end: dt.date | None,
    kinds: Sequence[str],
    tags: Sequence[str],
    statuses: Sequence[str],
    as_of: dt.date | None,
    after: PageKey | None,
    limit: int,
) -> EventStatePage:
    """Events of process `slug` overlapping [start, end] and passing the filters, ordered by
    (start, end, kind, id), after `after`, at most `limit`; with `as_of`, as known that day.
    InvalidFields names `to` when the window ends before it starts; NotFound without the
    process."""
    if start is not None and end is not None and end < start:
        raise InvalidFields.one("to", "is before from")
    flt = EventFilter(start=start, end=end, kinds=kinds, tags=tags, statuses=statuses)
    async with db.read() as session:
        states = await process_timeline(
            session, slug, flt, as_of=as_of, after=after, limit=limit + 1
        )
    return _page(states, limit)


async def upcoming_page(
    db: Database,
    slugs: Sequence[str],
    *,
    day: dt.date,
    days: int,
    kinds: Sequence[str],
    as_of: dt.date | None,
    after: PageKey | None,
    limit: int,
) -> EventStatePage:
    """Events of the processes named (all when none) that are under way on `day` or start
    within `days` after it, soonest first; cancelled events are left out (they are not
    coming). NotFound names a process that does not exist."""
    flt = EventFilter(
        start=day,
        end=day + dt.timedelta(days=days),
        kinds=kinds,
        exclude_statuses=("cancelled",),
    )
    async with db.read() as session:
        chosen = await get_processes(session, slugs)
        states = await event_states(session, chosen, flt, as_of=as_of, after=after, limit=limit + 1)
    return _page(states, limit)
