"""Live reads of events: pages of timelines, one event, and the rows calendar feeds start from.

Rows are read with a cached statement per shape of filter and the driver's own values (see
`_raw` and `_live_statement`): these are the hot paths of timelines and feeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, String, bindparam, tuple_, type_coerce
from sqlalchemy import select as core_select
from sqlalchemy.types import NullType
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import NotFound
from timeline.domain.model import EventState
from timeline.store.db import decode_json
from timeline.store.event_replays import event_as_of, replayed_states
from timeline.store.event_rows import EventFilter, PageKey, state_from_row
from timeline.store.processes import get_process
from timeline.store.tables import Event, EventTag, Process
from timeline.store.types import as_utc

__all__ = [
    "EntryRow",
    "EventFilter",
    "PageKey",
    "calendar_entry_rows",
    "event_states",
    "get_event",
    "process_timeline",
]


class EntryRow(NamedTuple):
    """What a calendar feed reads of a live event first: what its entry adds per feed, and
    the entry parts kept with it (`ics_entry`: text, or None)."""

    id: str
    process: str
    kind: str
    title: str
    kept: str | None


async def get_event(
    session: AsyncSession, process: Process, event_id: str, as_of: dt.date | None = None
) -> EventState:
    """The event now, or as it was known on `as_of`; NotFound when it did not exist then."""
    row = await session.get(Event, event_id)
    if row is None or row.process_id != process.id:
        raise NotFound(f"no event {event_id!r} in process {process.slug!r}")
    if as_of is None:
        if row.deleted:
            raise NotFound(f"event {event_id!r} was deleted")
        return state_from_row(row, process.slug)
    return await event_as_of(session, row, process.slug, as_of)


def _raw(column: Any) -> Any:
    # The driver's own value, without SQLAlchemy's per-value result processing: for the
    # thousands of rows of a feed that processing cost as much as reading them. The values are
    # finished in `_state_from_values` (SQLite gives text; asyncpg gives dates, aware datetimes
    # and JSON it has already decoded).
    return type_coerce(column, NullType())


_STATE_COLUMNS = (
    col(Event.id),
    col(Event.process_id),
    col(Event.kind),
    col(Event.title),
    col(Event.date),
    col(Event.status),
    col(Event.version),
    _raw(Event.created_at),
    _raw(Event.updated_at),
    _raw(Event.known_on),
    col(Event.location),
    col(Event.summary),
    _raw(Event.tags),
    col(Event.parent),
    _raw(Event.depends_on),
    _raw(Event.sources),
    _raw(Event.attributes),
)


# What a calendar feed reads of an event whose entry parts are kept: what it adds per feed.
_ENTRY_COLUMNS = (
    col(Event.id),
    col(Event.process_id),
    col(Event.kind),
    col(Event.title),
    col(Event.ics_entry),
)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _json(value: Any) -> Any:
    return decode_json(value) if isinstance(value, str | bytes) else value


def _state_from_values(row: Any, process: str) -> EventState:
    (ident, _process_id, kind, title, date, status, version, created, updated, known_on,
     location, summary, tags, parent, depends_on, sources, attributes) = row  # fmt: skip
    return EventState.from_fields(
        {
            "id": ident,
            "process": process,
            "kind": kind,
            "title": title,
            "date": date,
            "status": status,
            "version": version,
            "created_at": as_utc(created),
            "updated_at": as_utc(updated),
            "known_on": _day(known_on),
            "location": location,
            "summary": summary,
            "tags": _json(tags),
            "parent": parent,
            "depends_on": _json(depends_on),
            "sources": _json(sources),
            "attributes": _json(attributes),
        }
    )


async def event_states(
    session: AsyncSession,
    processes: Sequence[Process],
    flt: EventFilter,
    *,
    as_of: dt.date | None = None,
    after: PageKey | None = None,
    limit: int | None = None,
) -> list[EventState]:
    """Live events of `processes` passing `flt`, ordered by (start, end, kind, id), after `after`.

    With `as_of`, each event is replayed from its latest revision known on that day.
    """
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    if as_of is not None:
        return await replayed_states(session, slugs, flt, as_of, after, limit)
    query, params = _live_query(False, flt, after, limit)
    params["processes"] = list(slugs)
    rows = (await (await session.connection()).execute(query, params)).all()
    return [_state_from_values(row, slugs[row[1]]) for row in rows]


async def calendar_entry_rows(
    session: AsyncSession, processes: Sequence[Process], flt: EventFilter
) -> list[EntryRow]:
    """`event_states` of `processes` (live, no replay) read as a calendar feed first wants
    them: with only the columns an entry adds per feed, and the event's kept entry text
    (`ics_entry`, None when it keeps none), in the same order."""
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    query, params = _live_query(False, flt, None, None, entries=True)
    params["processes"] = list(slugs)
    rows = (await (await session.connection()).execute(query, params)).all()
    return [
        EntryRow(ident, slugs[process_id], kind, title, text)
        for ident, process_id, kind, title, text in rows
    ]


async def process_timeline(
    session: AsyncSession,
    slug: str,
    flt: EventFilter,
    *,
    as_of: dt.date | None = None,
    after: PageKey | None = None,
    limit: int | None = None,
) -> list[EventState]:
    """`event_states` of the one process named `slug` (NotFound when there is none).

    Without `as_of` this is a single statement: the process is found inside the events query,
    and only an empty answer costs a second look to tell "no events" from "no process".
    """
    if as_of is not None:
        process = await get_process(session, slug)
        return await event_states(session, [process], flt, as_of=as_of, after=after, limit=limit)
    query, params = _live_query(True, flt, after, limit)
    params["slug"] = slug
    rows = (await (await session.connection()).execute(query, params)).all()
    if not rows:
        await get_process(session, slug)
    return [_state_from_values(row, slug) for row in rows]


def _live_query(
    by_slug: bool,
    flt: EventFilter,
    after: PageKey | None,
    limit: int | None,
    *,
    entries: bool = False,
) -> tuple[Any, dict[str, Any]]:
    """The statement for live events passing `flt` and the values of its parameters; with
    `entries`, each row also carries the event's kept calendar entry."""
    params: dict[str, Any] = {
        "start": flt.start,
        "end": flt.end,
        "kinds": list(flt.kinds),
        "statuses": list(flt.statuses),
        "excluded": list(flt.exclude_statuses),
        "tags": list(flt.tags),
        "limit": limit,
    }
    if after is not None:
        params.update(
            after_start=after[0], after_end=after[1], after_kind=after[2], after_id=after[3]
        )
    shape = (
        by_slug,
        flt.start is not None,
        flt.end is not None,
        bool(flt.kinds),
        bool(flt.statuses),
        bool(flt.exclude_statuses),
        bool(flt.tags),
        after is not None,
        limit is not None,
        entries,
    )
    return _live_statement(*shape), params


@cache
def _live_statement(
    by_slug: bool,
    start: bool,
    end: bool,
    kinds: bool,
    statuses: bool,
    excluded: bool,
    tags: bool,
    after: bool,
    limit: bool,
    entries: bool,
) -> Any:
    # One statement object per shape of filter, with bound parameters: plain columns, no ORM
    # entities (a page is read-only), and SQLAlchemy reuses a statement's compiled form and
    # result metadata only when it sees the same object again. Building and adapting them anew
    # took half of a timeline request's time.
    if by_slug:
        process_id = select(Process.id).where(Process.slug == bindparam("slug")).scalar_subquery()
        of_processes = col(Event.process_id) == process_id
    else:
        of_processes = col(Event.process_id).in_(bindparam("processes", expanding=True))
    columns = _ENTRY_COLUMNS if entries else _STATE_COLUMNS
    query: Any = core_select(*columns).where(of_processes, col(Event.deleted).is_(False))
    if start:
        query = query.where(col(Event.end_day) >= bindparam("start", type_=Date))
    if end:
        query = query.where(col(Event.start_day) <= bindparam("end", type_=Date))
    if kinds:
        query = query.where(col(Event.kind).in_(bindparam("kinds", expanding=True)))
    if statuses:
        query = query.where(col(Event.status).in_(bindparam("statuses", expanding=True)))
    if excluded:
        query = query.where(col(Event.status).not_in(bindparam("excluded", expanding=True)))
    if tags:
        tagged = select(EventTag.event_id).where(
            col(EventTag.tag).in_(bindparam("tags", expanding=True))
        )
        query = query.where(col(Event.id).in_(tagged))
    if after:
        query = query.where(
            tuple_(Event.start_day, Event.end_day, Event.kind, Event.id)
            > tuple_(
                bindparam("after_start", type_=Date),
                bindparam("after_end", type_=Date),
                bindparam("after_kind", type_=String),
                bindparam("after_id", type_=String),
            )
        )
    query = query.order_by(col(Event.start_day), col(Event.end_day), col(Event.kind), col(Event.id))
    if limit:
        query = query.limit(bindparam("limit", type_=Integer))
    return query
