"""Events: create, change, delete (each appending a revision in the same transaction), read,
replay as of a day, and list timelines with keyset pagination."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Date, Integer, String, and_, bindparam, func, or_, tuple_, type_coerce
from sqlalchemy import select as core_select
from sqlalchemy.types import NullType
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import FieldError, InvalidFields, NotFound, PreconditionFailed
from timeline.domain.events import (
    apply_merge_patch,
    diff_documents,
    find_cycle,
    validate_document_rules,
)
from timeline.domain.model import ChangeRecord, EventState
from timeline.formats.ics import (
    StoredEntry,
    current_entry_prefix,
    decode_entry,
    encode_entry,
    entry_parts,
    keeps_entry,
)
from timeline.schemas import EventFields
from timeline.store.db import decode_json
from timeline.store.processes import get_process
from timeline.store.tables import Event, EventRevision, EventTag, Process
from timeline.store.types import as_utc

__all__ = [
    "EventFilter",
    "PageKey",
    "calendar_entries",
    "create_event",
    "delete_event",
    "event_states",
    "get_event",
    "history",
    "kept_calendar_entry",
    "list_changes",
    "log_version",
    "new_event_id",
    "process_timeline",
    "refresh_calendar_entries",
    "state_from_row",
    "state_from_snapshot",
    "update_event",
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


def state_from_row(row: Event, process: str) -> EventState:
    """The state an ORM row of the events table stands for (of process `process`)."""
    return EventState.from_document(
        _row_document(row),
        id=row.id,
        process=process,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        known_on=row.known_on,
    )


def kept_calendar_entry(state: EventState) -> str | None:
    """The calendar entry parts to keep with the event in this state (`ics_entry`), or None
    when its entry depends on its process's zone (timed events: see `keeps_entry`). The parts
    name neither the process nor where the service is reached: a feed adds those."""
    if not keeps_entry(state):
        return None
    return encode_entry(entry_parts(state, state.span, "UTC"))  # zone-free: any zone will do


async def refresh_calendar_entries(session: AsyncSession, *, limit: int = 500) -> int:
    """Write the kept calendar entry of up to `limit` live events that have none in the current
    format (written before entries were kept, or by another release); return how many were
    written, 0 when none is left. Timed events keep none, so they are never picked.

    Entries are derived from the event's row: writing them makes no revision and changes no
    feed's bytes or validators, only how fast a feed's first build is.
    """
    current = current_entry_prefix()
    stale = or_(
        col(Event.ics_entry).is_(None),
        func.substr(col(Event.ics_entry), 1, len(current)) != current,
    )
    rows = (
        await session.exec(
            select(Event)
            .where(col(Event.deleted).is_(False), Event.precision != "datetime", stale)
            .order_by(col(Event.id))
            .limit(limit)
        )
    ).all()
    for row in rows:
        row.ics_entry = kept_calendar_entry(state_from_row(row, ""))  # entries name no process
        session.add(row)
    await session.flush()
    return len(rows)


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


def _row_document(row: Event) -> dict[str, Any]:
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


def _validated_document(raw: dict[str, Any]) -> dict[str, Any]:
    """Type-check a full document with the same model a create uses; errors name the field."""
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


async def _check_references(
    session: AsyncSession, process: Process, event_id: str, document: dict[str, Any]
) -> list[FieldError]:
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


async def _validate(
    session: AsyncSession, process: Process, event_id: str, raw: dict[str, Any]
) -> tuple[dict[str, Any], Any]:
    document = _validated_document(raw)
    span, errors = validate_document_rules(document)
    errors += await _check_references(session, process, event_id, document)
    if errors:
        raise InvalidFields(errors)
    return document, span


def _apply(row: Event, document: dict[str, Any], span: Any) -> None:
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


def _revision(
    row: Event,
    change: str,
    actor: str,
    known_on: dt.date,
    now: dt.datetime,
    fields: dict[str, list[Any]],
    document: dict[str, Any],
) -> EventRevision:
    return EventRevision(
        event_id=row.id,
        process_id=row.process_id,
        version=row.version,
        change=change,
        actor=actor,
        known_on=known_on,
        recorded_at=now,
        fields=fields,
        snapshot=document,
    )


async def create_event(
    session: AsyncSession,
    process: Process,
    raw: dict[str, Any],
    *,
    known_on: dt.date,
    actor: str,
    now: dt.datetime,
    event_id: str | None = None,
) -> EventState:
    """Validate and store a new event with its first revision; return it as stored."""
    event_id = event_id or new_event_id()
    if await session.get(Event, event_id) is not None:
        raise InvalidFields.one("id", f"an event {event_id!r} already exists")
    document, span = await _validate(session, process, event_id, raw)
    assert process.id is not None
    row = Event(
        id=event_id,
        process_id=process.id,
        version=1,
        known_on=known_on,
        created_at=now,
        updated_at=now,
        start_day=span.start,
        end_day=span.end,
        precision=span.precision,
        **{k: document[k] for k in ("kind", "title", "date", "status")},
    )
    _apply(row, document, span)
    state = state_from_row(row, process.slug)
    row.ics_entry = kept_calendar_entry(state)
    session.add(row)
    await session.flush()
    session.add_all(EventTag(event_id=event_id, tag=t) for t in document["tags"])
    session.add(
        _revision(row, "created", actor, known_on, now, diff_documents(None, document), document)
    )
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


async def update_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    patch: dict[str, Any],
    *,
    expected_version: int | None,
    known_on: dt.date,
    actor: str,
    now: dt.datetime,
) -> EventState:
    """Apply a JSON merge patch to the current event if it is still at `expected_version`."""
    row = await _locked_current(session, process, event_id, expected_version)
    before = _row_document(row)
    merged = apply_merge_patch(before, patch)
    document, span = await _validate(session, process, event_id, merged)
    changes = diff_documents(before, document)
    if not changes:
        return state_from_row(row, process.slug)
    _apply(row, document, span)
    row.version += 1
    row.updated_at = now
    row.known_on = known_on
    state = state_from_row(row, process.slug)
    row.ics_entry = kept_calendar_entry(state)
    session.add(row)
    if "tags" in changes:
        await _replace_tags(session, event_id, document["tags"])
    session.add(_revision(row, "updated", actor, known_on, now, changes, document))
    await session.flush()
    return state


async def delete_event(
    session: AsyncSession,
    process: Process,
    event_id: str,
    *,
    expected_version: int | None,
    known_on: dt.date,
    actor: str,
    now: dt.datetime,
) -> None:
    """Tombstone the event: it leaves the timeline, and its history keeps a 'deleted' entry."""
    row = await _locked_current(session, process, event_id, expected_version)
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
    document = _row_document(row)
    row.deleted = True
    row.version += 1
    row.updated_at = now
    row.known_on = known_on
    row.ics_entry = None  # a tombstone is in no feed
    session.add(row)
    await _replace_tags(session, event_id, [])
    session.add(_revision(row, "deleted", actor, known_on, now, {}, document))
    await session.flush()


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
    revision = (
        await session.exec(
            select(EventRevision)
            .where(EventRevision.event_id == event_id, col(EventRevision.known_on) <= as_of)
            .order_by(col(EventRevision.version).desc())
            .limit(1)
        )
    ).one_or_none()
    if revision is None or revision.change == "deleted":
        raise NotFound(f"event {event_id!r} was not known on {as_of.isoformat()}")
    return _state_from_revision(revision, row, process.slug)


def _state_from_revision(revision: EventRevision, row: Event, process: str) -> EventState:
    return state_from_snapshot(revision.snapshot, revision, row.created_at, process)


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
        return await _replayed_states(session, slugs, flt, as_of, after, limit)
    query, params = _live_query(False, flt, after, limit)
    params["processes"] = list(slugs)
    rows = (await (await session.connection()).execute(query, params)).all()
    return [_state_from_values(row, slugs[row[1]]) for row in rows]


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
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    query, params = _live_query(False, flt, None, None, entries=True)
    params["processes"] = list(slugs)
    rows = (await (await session.connection()).execute(query, params)).all()
    found: list[str | StoredEntry] = []  # an event id where the state is needed
    missing = False
    for ident, process_id, kind, title, text in rows:
        parts = decode_entry(text)
        if parts is None:
            found.append(ident)
            missing = True
        else:
            found.append(StoredEntry(ident, slugs[process_id], kind, title, parts))
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


async def _replayed_states(
    session: AsyncSession,
    slugs: dict[int | None, str],
    flt: EventFilter,
    as_of: dt.date,
    after: PageKey | None,
    limit: int | None,
) -> list[EventState]:
    latest = (
        select(EventRevision.event_id, func.max(EventRevision.version).label("version"))
        .where(col(EventRevision.process_id).in_(slugs), col(EventRevision.known_on) <= as_of)
        .group_by(col(EventRevision.event_id))
        .subquery()
    )
    query = (
        select(EventRevision, Event)
        .join(
            latest,
            and_(
                col(EventRevision.event_id) == latest.c.event_id,
                col(EventRevision.version) == latest.c.version,
            ),
        )
        .join(Event, col(Event.id) == col(EventRevision.event_id))
        .where(EventRevision.change != "deleted")
    )
    states = [
        _state_from_revision(revision, row, slugs[row.process_id])
        for revision, row in (await session.exec(query)).all()
    ]
    chosen = sorted(
        (s for s in states if flt.accepts(s) and (after is None or page_key(s) > after)),
        key=page_key,
    )
    return chosen if limit is None else chosen[:limit]


async def history(session: AsyncSession, process: Process, event_id: str) -> list[EventRevision]:
    """Every revision of an event, oldest first (deleted events included)."""
    row = await session.get(Event, event_id)
    if row is None or row.process_id != process.id:
        raise NotFound(f"no event {event_id!r} in process {process.slug!r}")
    query = (
        select(EventRevision)
        .where(EventRevision.event_id == event_id)
        .order_by(col(EventRevision.version))
    )
    return list((await session.exec(query)).all())


async def log_version(session: AsyncSession, process_ids: Sequence[int | None]) -> str:
    """A stamp that changes with every change recorded in these processes ("0.0" when none).

    It pairs the newest revision id with the number of revisions: on PostgreSQL a lower id can
    commit after a higher one is visible, which moves the count but not the max.
    """
    where = col(EventRevision.process_id).in_(process_ids)
    query = select(
        select(func.max(EventRevision.id)).where(where).scalar_subquery(),
        select(func.count()).select_from(EventRevision).where(where).scalar_subquery(),
    )
    newest, count = (await session.exec(query)).one()
    return f"{int(newest or 0)}.{int(count or 0)}"


async def list_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    limit: int,
    before_id: int | None = None,
    as_of: dt.date | None = None,
) -> list[ChangeRecord]:
    """Recorded changes of `processes`, newest first, each with the event before and after.

    With `as_of`, only changes known on that day are listed.
    """
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    query = select(EventRevision, Event).join(Event, col(Event.id) == EventRevision.event_id)
    query = query.where(col(EventRevision.process_id).in_(slugs))
    if before_id is not None:
        query = query.where(col(EventRevision.id) < before_id)
    if as_of is not None:
        query = query.where(col(EventRevision.known_on) <= as_of)
    query = query.order_by(col(EventRevision.id).desc()).limit(limit)
    pairs = (await session.exec(query)).all()
    wanted = [(r.event_id, r.version - 1) for r, _ in pairs if r.version > 1]
    previous: dict[tuple[str, int], EventRevision] = {}
    if wanted:
        earlier = await session.exec(
            select(EventRevision).where(
                or_(
                    *(
                        and_(col(EventRevision.event_id) == e, col(EventRevision.version) == v)
                        for e, v in wanted
                    )
                )
            )
        )
        previous = {(r.event_id, r.version): r for r in earlier.all()}
    records: list[ChangeRecord] = []
    for revision, row in pairs:
        slug = slugs[row.process_id]
        before = previous.get((revision.event_id, revision.version - 1))
        assert revision.id is not None
        records.append(
            ChangeRecord(
                id=revision.id,
                event_id=revision.event_id,
                process=slug,
                version=revision.version,
                change=revision.change,
                actor=revision.actor,
                known_on=revision.known_on,
                recorded_at=revision.recorded_at,
                fields=dict(revision.fields),
                event=_state_from_revision(revision, row, slug),
                previous=None if before is None else _state_from_revision(before, row, slug),
            )
        )
    return records
