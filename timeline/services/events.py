"""Events: the one place an event document is validated and its kept calendar entry derived,
before the store writes it; the reads callers use (the store's, named here once); and each
change or read the API asks for, by process slug, in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Unpack, cast

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.dates import DateSpan
from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.events import apply_merge_patch, validate_document_rules
from timeline.domain.model import EventState
from timeline.domain.writes import GuardedWrite, WriteStamp
from timeline.formats.ics import (
    StoredEntry,
    current_entry_prefix,
    decode_entry,
    encode_entry,
    entry_parts,
    keeps_entry,
)
from timeline.schemas import EventFields, HistoryPage, Revision
from timeline.services.scoped import read_in, write_in
from timeline.store import event_writes
from timeline.store.db import Database
from timeline.store.event_replays import history
from timeline.store.event_rows import EventFilter, PageKey, new_event_id
from timeline.store.events import (
    calendar_entry_rows,
    event_states,
    get_event,
    process_timeline,
)
from timeline.store.tables import Process

__all__ = [
    "EventFilter",
    "PageKey",
    "calendar_entries",
    "change_event",
    "create_event",
    "delete_event",
    "event_history",
    "event_states",
    "get_event",
    "history",
    "kept_calendar_entry",
    "process_timeline",
    "read_event",
    "record_event",
    "refresh_calendar_entries",
    "remove_event",
    "update_event",
    "validated_document",
]

delete_event = event_writes.delete_event  # nothing to validate: the store checks dependants


def validated_document(raw: dict[str, Any]) -> dict[str, Any]:
    """A full event document type-checked and normalised by the model a create uses;
    InvalidFields naming each wrong field."""
    try:
        model = EventFields.model_validate(raw)
    except ValidationError as error:
        raise InvalidFields(
            [
                FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"])
                for e in error.errors()
            ]
        ) from None
    return model.model_dump(mode="json")


def kept_calendar_entry(state: EventState) -> str | None:
    """The calendar entry parts to keep with the event in this state (`ics_entry`), or None
    when its entry depends on its process's zone (timed events: see `keeps_entry`). The parts
    name neither the process nor where the service is reached: a feed adds those."""
    if not keeps_entry(state):
        return None
    return encode_entry(entry_parts(state, state.span, "UTC"))  # zone-free: any zone will do


async def _validate(
    session: AsyncSession, process: Process, event_id: str, raw: dict[str, Any]
) -> tuple[dict[str, Any], DateSpan]:
    document = validated_document(raw)
    span, errors = validate_document_rules(document)
    errors += await event_writes.check_references(session, process, event_id, document)
    if errors:
        raise InvalidFields(errors)
    return document, span


async def _write(
    write: Callable[..., Awaitable[EventState]],
    session: AsyncSession,
    process: Process,
    event_id: str,
    raw: dict[str, Any],
    stamp: WriteStamp,
) -> EventState:
    # Creating and changing differ only in the store write (`insert_event` or `rewrite_event`,
    # which share a signature); both validate first and keep the event's calendar entry.
    document, span = await _validate(session, process, event_id, raw)
    return await write(
        session, process, event_id, document, span, keep_entry=kept_calendar_entry, **stamp
    )


async def create_event(
    session: AsyncSession,
    process: Process,
    raw: dict[str, Any],
    *,
    event_id: str | None = None,
    **stamp: Unpack[WriteStamp],
) -> EventState:
    """Validate and store a new event with its first revision; return it as stored."""
    event_id = event_id or new_event_id()
    await event_writes.ensure_new_id(session, event_id)
    return await _write(event_writes.insert_event, session, process, event_id, raw, stamp)


async def update_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    patch: dict[str, Any],
    *,
    expected_version: int | None,
    **stamp: Unpack[WriteStamp],
) -> EventState:
    """Apply a JSON merge patch to the current event if it is still at `expected_version`."""
    before = await event_writes.lock_event(session, process, event_id, expected_version)
    after = apply_merge_patch(before, patch)
    return await _write(event_writes.rewrite_event, session, process, event_id, after, stamp)


async def refresh_calendar_entries(session: AsyncSession, *, limit: int = 500) -> int:
    """Write the kept calendar entry of up to `limit` live events that have none in the current
    format (written before entries were kept, or by another release); return how many were
    written, 0 when none is left. Timed events keep none, so they are never picked.

    Entries are derived from the event's row: writing them makes no revision and changes no
    feed's bytes or validators, only how fast a feed's first build is.
    """
    states = await event_writes.stale_entry_states(session, current_entry_prefix(), limit=limit)
    # states name no process: neither do kept entries
    await event_writes.write_calendar_entries(
        session, {state.id: kept_calendar_entry(state) for state in states}
    )
    return len(states)


async def calendar_entries(
    session: AsyncSession, processes: Sequence[Process], flt: EventFilter
) -> list[EventState | StoredEntry]:
    """`event_states` of `processes` (live, no replay) as a calendar feed takes them: each
    event as its kept entry parts when it has parts in the current format (`ics_entry`), else as
    its state, for the feed to write its entry in full.

    The events are read with only the columns an entry adds per feed; when some have no usable
    parts (timed events, events written before parts were kept or in an older format), the
    states are read too, in a second statement.
    """
    found: list[str | StoredEntry] = []  # an event id where the state is needed
    missing = False
    for row in await calendar_entry_rows(session, processes, flt):
        parts = decode_entry(row.kept)
        if parts is None:
            found.append(row.id)
            missing = True
        else:
            found.append(StoredEntry(row.id, row.process, row.kind, row.title, parts))
    if not missing:
        return cast(list[EventState | StoredEntry], found)
    states = {state.id: state for state in await event_states(session, processes, flt)}
    # an event deleted between the two reads (PostgreSQL: each statement its own snapshot)
    # is left out rather than failing the feed
    return [
        states[entry] if isinstance(entry, str) else entry
        for entry in found
        if not isinstance(entry, str) or entry in states
    ]


async def record_event(
    db: Database,
    slug: str,
    raw: dict[str, Any],
    **stamp: Unpack[WriteStamp],
) -> EventState:
    """`create_event` in process `slug`, in a transaction of its own; NotFound without it."""
    return await write_in(db, slug, create_event, raw, **stamp)


async def read_event(db: Database, slug: str, event_id: str, as_of: dt.date | None) -> EventState:
    """One event of process `slug`, now or as known on `as_of`; NotFound when unknown then."""
    return await read_in(db, slug, get_event, event_id, as_of)


async def change_event(
    db: Database,
    slug: str,
    event_id: str,
    patch: dict[str, Any],
    **write: Unpack[GuardedWrite],
) -> EventState:
    """`update_event` in process `slug`, in a transaction of its own."""
    return await write_in(db, slug, update_event, event_id, patch, **write)


async def remove_event(
    db: Database,
    slug: str,
    event_id: str,
    **write: Unpack[GuardedWrite],
) -> None:
    """Tombstone an event of process `slug` if it is still at `expected_version`; its history
    keeps every revision."""
    await write_in(db, slug, delete_event, event_id, **write)


async def event_history(db: Database, slug: str, event_id: str) -> HistoryPage:
    """Every revision of an event of process `slug`, oldest first, with its field-by-field
    changes (deleted events included)."""
    revisions = await read_in(db, slug, history, event_id)
    # an EventRevision row has every field of a Revision as served, under the same names
    items = [Revision.model_validate(r, from_attributes=True) for r in revisions]
    return HistoryPage(event=event_id, items=items, next=None)
