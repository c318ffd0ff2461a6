"""Reading events in order: a process's timeline and what is coming up, a page at a time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TypedDict, Unpack

from timeline.domain.errors import InvalidFields
from timeline.domain.model import EventState
from timeline.store.db import Database
from timeline.store.event_rows import EventFilter, PageKey
from timeline.store.events import event_states, process_timeline
from timeline.store.processes import get_process, get_processes
from timeline.store.search import SearchKey, SearchQuery, search_events

__all__ = [
    "EventStatePage",
    "PageKey",
    "SearchKey",
    "TimelineFilter",
    "search_matches",
    "search_page",
    "search_query",
    "timeline_page",
    "upcoming_page",
]

EventStatePage = tuple[list[EventState], PageKey | None]
"""One page of events, and the key of its last event when more follow (else None)."""

SearchPage = tuple[list[EventState], SearchKey | None]
"""One page of search results, and the key of its last one when more follow (else None)."""

# Enough for any phrase a reader types; more would only make the index work harder.
_MAX_WORDS = 20
_MAX_LENGTH = 300


def search_query(q: str | None, location: str | None) -> SearchQuery | None:
    """What `q` (words, all of which must occur) and `location` (a part of the location) ask,
    or None when neither is given. InvalidFields names `q` when it holds no word or too many,
    `location` when it is blank or too long."""
    if q is None and location is None:
        return None
    words: list[str] = []
    if q is not None:
        # letters and digits only: punctuation is not searchable and would be query syntax
        words = re.findall(r"[^\W_]+", q.casefold())
        if len(q) > _MAX_LENGTH or len(words) > _MAX_WORDS:
            raise InvalidFields.one(
                "q", f"is longer than {_MAX_WORDS} words or {_MAX_LENGTH} characters"
            )
        if not words:
            raise InvalidFields.one("q", "has no word to search for (letters or digits)")
    if location is not None and not location.strip():
        raise InvalidFields.one("location", "is blank")
    if location is not None and len(location) > _MAX_LENGTH:
        raise InvalidFields.one("location", f"is longer than {_MAX_LENGTH} characters")
    return SearchQuery(words, location.strip() if location is not None else None)


def _page(states: list[EventState], limit: int) -> EventStatePage:
    if len(states) <= limit:
        return states, None
    last = states[limit - 1]
    return states[:limit], (last.start, last.end, last.kind, last.id)


class TimelineFilter(TypedDict):
    """Which events of a process a timeline page (and a search of it) lists: those overlapping
    [`start`, `end`] of any of `kinds`, `tags` and `statuses` (each: any when empty)."""

    start: dt.date | None
    end: dt.date | None
    kinds: Sequence[str]
    tags: Sequence[str]
    statuses: Sequence[str]


def _event_filter(asked: TimelineFilter) -> EventFilter:
    # InvalidFields naming `to` (the query parameter of `end`) when the window ends before it
    # starts
    start, end = asked["start"], asked["end"]
    if start is not None and end is not None and end < start:
        raise InvalidFields.one("to", "is before from")
    return EventFilter(
        start=start, end=end, kinds=asked["kinds"], tags=asked["tags"], statuses=asked["statuses"]
    )


async def timeline_page(
    db: Database,
    slug: str,
    *,
    as_of: dt.date | None,
    after: PageKey | None,
    limit: int,
    **asked: Unpack[TimelineFilter],
) -> EventStatePage:
    """Events of process `slug` overlapping [start, end] and passing the filters, ordered by
    (start, end, kind, id), after `after`, at most `limit`; with `as_of`, as known that day.
    InvalidFields names `to` when the window ends before it starts; NotFound without the
    process."""
    flt = _event_filter(asked)
    async with db.read() as session:
        states = await process_timeline(
            session, slug, flt, as_of=as_of, after=after, limit=limit + 1
        )
    return _page(states, limit)


async def search_page(
    db: Database,
    slug: str,
    query: SearchQuery,
    *,
    as_of: dt.date | None,
    after: SearchKey | None,
    limit: int,
    **asked: Unpack[TimelineFilter],
) -> SearchPage:
    """`timeline_page`'s events that also match `query` (see `search_query`), best match first
    (then in timeline order), searching the text each event had on `as_of` when given. The
    same errors as `timeline_page`."""
    flt = _event_filter(asked)
    async with db.read() as session:
        process = await get_process(session, slug)
        found = await search_events(
            session, process, query, flt, as_of=as_of, after=after, limit=limit + 1
        )
    states = [state for _, state in found]
    if len(found) <= limit:
        return states, None
    score, last = found[limit - 1]
    return states[:limit], (-score, last.start, last.end, last.kind, last.id)


async def search_matches(
    db: Database, slug: str, q: str | None, location: str | None, as_of: dt.date | None
) -> set[str] | None:
    """The ids of the events of `slug` that match `q` and `location` (see `search_query`),
    searching their text as known on `as_of`; None when neither is given (nothing to narrow).
    For pages, which keep their own order; the same errors as `search_page`."""
    query = search_query(q, location)
    if query is None:
        return None
    async with db.read() as session:
        process = await get_process(session, slug)
        found = await search_events(session, process, query, EventFilter(), as_of=as_of)
    return {state.id for _, state in found}


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
