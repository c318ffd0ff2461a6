"""Event writes: create, change, delete, each appending a revision in the same transaction.

The documents written here are already validated (`timeline.services.events`); what is checked
here is what only the database knows: references to other events and dependency cycles, ids
taken, versions moved on. The kept calendar entry is derived by the caller (`keep_entry`), so
that it is written with the row, in the same statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Unpack

from sqlalchemy import func, or_
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.dates import DateSpan
from timeline.domain.errors import FieldError, InvalidFields, NotFound, PreconditionFailed
from timeline.domain.events import diff_documents, find_cycle
from timeline.domain.model import EventState
from timeline.domain.writes import WriteStamp
from timeline.store.event_rows import row_document, state_from_row
from timeline.store.revision_rows import advance, first_version, revision_columns
from timeline.store.tables import Event, EventRevision, EventTag, Process

__all__ = [
    "KeepEntry",
    "check_references",
    "delete_event",
    "ensure_new_id",
    "insert_event",
    "lock_event",
    "rewrite_event",
    "stale_entry_states",
    "write_calendar_entries",
]

KeepEntry = Callable[[EventState], str | None]
"""What to keep as an event's calendar entry (`ics_entry`) when it is in a state."""


async def ensure_new_id(session: AsyncSession, event_id: str) -> None:
    """InvalidFields naming `id` when an event `event_id` exists (deleted ones included)."""
    if await session.get(Event, event_id) is not None:
        raise InvalidFields.one("id", f"an event {event_id!r} already exists")


async def check_references(
    session: AsyncSession, process: Process, event_id: str, document: dict[str, Any]
) -> list[FieldError]:
    """What is wrong with the events `document` names (its parent, what it depends on): each
    must be a live event of `process` other than `event_id`, with no dependency cycle."""
    errors: list[FieldError] = []
    parent = document.get("parent")
    if parent is not None:
        if parent == event_id:
            errors.append(FieldError("parent", "an event cannot enclose itself"))
        else:
            row = await session.get(Event, parent)
            if row is None or row.deleted:
                errors.append(FieldError("parent", f"no event {parent!r} exists"))
            elif row.process_id != process.id:
                errors.append(FieldError("parent", "the enclosing event is in another process"))
    wanted = [d["event"] for d in document.get("depends_on") or []]
    if not wanted:
        return errors
    found = {
        row.id: row
        for row in (await session.exec(select(Event).where(col(Event.id).in_(wanted)))).all()
    }
    for index, name in enumerate(wanted):
        row = found.get(name)
        field_name = f"depends_on.{index}.event"
        if name == event_id:
            errors.append(FieldError(field_name, "an event cannot depend on itself"))
        elif row is None or row.deleted:
            errors.append(FieldError(field_name, f"no event {name!r} exists"))
        elif row.process_id != process.id:
            errors.append(FieldError(field_name, "depends on an event of another process"))
    if errors:
        return errors
    graph_rows = await session.exec(
        select(Event.id, Event.depends_on).where(
            Event.process_id == process.id, col(Event.deleted).is_(False)
        )
    )
    graph = {row[0]: [d["event"] for d in row[1]] for row in graph_rows.all()}
    graph.pop(event_id, None)
    cycle = find_cycle(event_id, graph, wanted)
    if cycle:
        errors.append(FieldError("depends_on", "makes a dependency cycle: " + " -> ".join(cycle)))
    return errors


def _apply(row: Event, document: dict[str, Any], span: DateSpan) -> None:
    row.kind = document["kind"]
    row.title = document["title"]
    row.date = document["date"]
    row.status = document["status"]
    row.location = document["location"]
    row.summary = document["summary"]
    row.tags = document["tags"]
    row.parent = document["parent"]
    row.depends_on = document["depends_on"]
    row.sources = document["sources"]
    row.attributes = document["attributes"]
    row.start_day = span.start
    row.end_day = span.end
    row.precision = span.precision


async def _replace_tags(session: AsyncSession, event_id: str, tags: list[str]) -> None:
    await session.exec(delete(EventTag).where(col(EventTag.event_id) == event_id))
    session.add_all(EventTag(event_id=event_id, tag=t) for t in tags)


async def insert_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    document: dict[str, Any],
    span: DateSpan,
    *,
    keep_entry: KeepEntry,
    **stamp: Unpack[WriteStamp],
) -> EventState:
    """Store a new event (a validated `document` whose date is `span`) with its first
    revision; return it as stored."""
    assert process.id is not None
    row = Event(
        id=event_id,
        process_id=process.id,
        start_day=span.start,
        end_day=span.end,
        precision=span.precision,
        **{k: document[k] for k in ("kind", "title", "date", "status")},
        **first_version(stamp),
    )
    _apply(row, document, span)
    state = state_from_row(row, process.slug)
    row.ics_entry = keep_entry(state)
    session.add(row)
    await session.flush()
    session.add_all(EventTag(event_id=event_id, tag=t) for t in document["tags"])
    revision = revision_columns(row, "created", stamp, diff_documents(None, document), document)
    session.add(EventRevision(event_id=event_id, **revision))
    await session.flush()
    return state


async def _locked_current(
    session: AsyncSession, process: Process, event_id: str, expected_version: int | None
) -> Event:
    # FOR UPDATE serialises concurrent writers of one event on PostgreSQL; SQLite already holds
    # the database write lock (BEGIN IMMEDIATE), where the clause is ignored.
    row = (
        await session.exec(select(Event).where(Event.id == event_id).with_for_update())
    ).one_or_none()
    if row is None or row.deleted or row.process_id != process.id:
        raise NotFound(f"no event {event_id!r} in process {process.slug!r}")
    if expected_version is not None and row.version != expected_version:
        raise PreconditionFailed(
            f"the event is at version {row.version}, not {expected_version}: read it again"
        )
    return row


async def _check_known_on(session: AsyncSession, event_id: str, known_on: dt.date) -> None:
    # A revision known before the event itself would make the event visible (as_of) on days
    # before anyone knew of it: the first revision's day is the floor of every later one.
    first = (
        await session.exec(
            select(col(EventRevision.known_on)).where(
                EventRevision.event_id == event_id, EventRevision.version == 1
            )
        )
    ).one_or_none()
    if first is not None and known_on < first:
        raise InvalidFields.one(
            "known_on",
            f"must not be before {first.isoformat()}, when the event first became known",
        )


async def lock_event(
    session: AsyncSession, process: Process, event_id: str, expected_version: int | None
) -> dict[str, Any]:
    """The current document of a live event of `process`, locked for this transaction's write;
    NotFound, or PreconditionFailed when it is no longer at `expected_version`."""
    return row_document(await _locked_current(session, process, event_id, expected_version))


async def rewrite_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    document: dict[str, Any],
    span: DateSpan,
    *,
    keep_entry: KeepEntry,
    **stamp: Unpack[WriteStamp],
) -> EventState:
    """Replace the document of the event `lock_event` locked in this session with `document`
    (validated; its date is `span`), appending a revision; nothing is written when nothing
    changes. Returns the event as stored."""
    row = await session.get(Event, event_id)  # in the session already: no statement
    assert row is not None
    changes = diff_documents(row_document(row), document)
    if not changes:
        return state_from_row(row, process.slug)
    await _check_known_on(session, event_id, stamp["known_on"])
    _apply(row, document, span)
    advance(row, stamp)
    state = state_from_row(row, process.slug)
    row.ics_entry = keep_entry(state)
    session.add(row)
    if "tags" in changes:
        await _replace_tags(session, event_id, document["tags"])
    revision = revision_columns(row, "updated", stamp, changes, document)
    session.add(EventRevision(event_id=event_id, **revision))
    await session.flush()
    return state


async def delete_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    *,
    expected_version: int | None,
    **stamp: Unpack[WriteStamp],
) -> None:
    """Tombstone the event: it leaves the timeline, and its history keeps a 'deleted' entry."""
    row = await _locked_current(session, process, event_id, expected_version)
    await _check_known_on(session, event_id, stamp["known_on"])
    dependants = (
        await session.exec(
            select(Event.id, Event.depends_on, Event.parent).where(
                Event.process_id == process.id, col(Event.deleted).is_(False), Event.id != event_id
            )
        )
    ).all()
    blocking = sorted(
        other
        for other, depends, parent in dependants
        if parent == event_id or any(d["event"] == event_id for d in depends)
    )
    if blocking:
        raise InvalidFields.one(
            "id",
            f"events {', '.join(blocking)} depend on or sit inside this one: change them first",
        )
    document = row_document(row)
    row.deleted = True
    advance(row, stamp)
    row.ics_entry = None  # a tombstone is in no feed
    session.add(row)
    await _replace_tags(session, event_id, [])
    session.add(
        EventRevision(event_id=event_id, **revision_columns(row, "deleted", stamp, {}, document))
    )
    await session.flush()


async def stale_entry_states(
    session: AsyncSession, current_prefix: str, *, limit: int
) -> list[EventState]:
    """Up to `limit` live, untimed events whose kept calendar entry is missing or does not
    start with `current_prefix` (written in another format), as states naming no process;
    they stay in the session for `write_calendar_entries`."""
    stale = or_(
        col(Event.ics_entry).is_(None),
        func.substr(col(Event.ics_entry), 1, len(current_prefix)) != current_prefix,
    )
    rows = (
        await session.exec(
            select(Event)
            .where(col(Event.deleted).is_(False), Event.precision != "datetime", stale)
            .order_by(col(Event.id))
            .limit(limit)
        )
    ).all()
    return [state_from_row(row, "") for row in rows]


async def write_calendar_entries(session: AsyncSession, entries: dict[str, str | None]) -> None:
    """Keep these calendar entries (by event id) with events `stale_entry_states` read in this
    session. No revision is written: an entry is derived from the row."""
    for event_id, text in entries.items():
        row = await session.get(Event, event_id)  # in the session already: no statement
        assert row is not None
        row.ics_entry = text
        session.add(row)
    await session.flush()
