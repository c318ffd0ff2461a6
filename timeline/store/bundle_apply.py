"""Bulk writes of checked bundles: new processes in a few multi-row statements, and stored
processes brought forward when their stored history is a prefix of the bundle's (position
records through `timeline.store.bundle_positions`).

Rows go in as plain dicts, never one ORM object per row: new rows by
`timeline.store.bulk_insert` (one COPY per table on PostgreSQL, the driver's executemany on
SQLite), updates by SQLAlchemy Core executemany, so a 100,000-event bundle is a handful of
statements. The caller holds the write transaction; everything here is all or
nothing with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.collector import collector_held_off
from timeline.domain.dates import parse_date
from timeline.domain.errors import Conflict, FieldError, InvalidFields
from timeline.domain.model import EventState
from timeline.store.bulk_insert import insert_rows
from timeline.store.bundle_positions import PositionPlan, plan_positions, write_positions
from timeline.store.event_writes import KeepEntry
from timeline.store.tables import Event, EventRevision, EventTag, Item, ItemRevision, Process

__all__ = ["Document", "ProcessOutcome", "apply_bundle", "insert_bundle"]

Document = Callable[[Any], dict[str, Any]]
"""The normalised event document a checked event revision (a bundle's record) stands for."""

_PROCESSES: Table = Process.__table__  # type: ignore[attr-defined]
_EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
_TAGS: Table = EventTag.__table__  # type: ignore[attr-defined]
_REVISIONS: Table = EventRevision.__table__  # type: ignore[attr-defined]
_ITEMS: Table = Item.__table__  # type: ignore[attr-defined]
_ITEM_REVISIONS: Table = ItemRevision.__table__  # type: ignore[attr-defined]

# SQLite allows 32,766 bound values per statement: IN lists stay well below.
_IN_CHUNK = 5000
_REVISION_COLUMNS = ("version", "change", "actor", "known_on", "recorded_at", "fields", "snapshot")
_PROCESS_FIELDS = ("title", "description", "timezone", "url")
_ITEM_FIELDS = ("title", "chapter", "status", "version", "known_on", "created_at", "updated_at")


@dataclass
class ProcessOutcome:
    """What applying a bundle did to one process."""

    slug: str
    result: str  # "created", "unchanged" or "updated"
    events_added: int = 0
    events_updated: int = 0
    revisions_added: int = 0
    items_added: int = 0
    items_updated: int = 0
    item_revisions_added: int = 0
    positions_added: int = 0
    positions_updated: int = 0
    position_revisions_added: int = 0


@dataclass
class _Plan:
    """The writes that bring one stored process to the bundle's state."""

    record: Any
    process_id: int | None  # None: a new process
    outcome: ProcessOutcome
    new_events: list[Any]
    grown_events: list[tuple[Any, int]]  # (event record, versions already stored)
    new_items: list[Any]
    grown_items: list[tuple[Any, int, int]]  # (item record, stored row id, versions stored)
    process_changed: bool = False
    positions: PositionPlan | None = None  # None: the bundle's records are all new


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def _owners(conn: AsyncConnection, event_ids: list[str]) -> dict[str, int]:
    """The process id of each of `event_ids` that is stored (in any process)."""
    found: dict[str, int] = {}
    for chunk in _chunks(event_ids):
        query = select(_EVENTS.c.id, _EVENTS.c.process_id).where(_EVENTS.c.id.in_(chunk))
        found.update((row.id, row.process_id) for row in await conn.execute(query))
    return found


async def insert_bundle(
    session: AsyncSession, bundle: Any, *, document: Document, keep_entry: KeepEntry
) -> dict[str, int]:
    """Write a checked bundle whose processes and events are all new (`timeline import`);
    refuses (naming the record, nothing written) a process or event that exists. Returns how
    many processes, events, revisions and items were written."""
    conn = await session.connection()
    slugs = [p.slug for p in bundle.processes]
    existing = set(
        (
            await conn.execute(select(_PROCESSES.c.slug).where(_PROCESSES.c.slug.in_(slugs)))
        ).scalars()
    )
    taken = await _owners(conn, [e.id for p in bundle.processes for e in p.events])
    errors = [
        FieldError(f"processes[{i}].slug", f"a process {p.slug!r} already exists")
        for i, p in enumerate(bundle.processes)
        if p.slug in existing
    ]
    errors += [
        FieldError(f"processes[{i}].events[{j}].id", f"an event {e.id!r} already exists")
        for i, p in enumerate(bundle.processes)
        for j, e in enumerate(p.events)
        if e.id in taken
    ]
    if errors:
        raise InvalidFields(errors)
    counts = {"processes": 0, "events": 0, "revisions": 0, "items": 0, "positions": 0}
    with collector_held_off():
        await _insert_all(conn, bundle, counts, document, keep_entry)
    return counts


async def _insert_all(
    conn: AsyncConnection,
    bundle: Any,
    counts: dict[str, int],
    document: Document,
    keep_entry: KeepEntry,
) -> None:
    for record in bundle.processes:
        plan = _Plan(
            record,
            None,
            ProcessOutcome(record.slug, "created"),
            record.events,
            [],
            record.items,
            [],
        )
        await _write(conn, plan, document, keep_entry)
        counts["processes"] += 1
        counts["events"] += len(record.events)
        counts["revisions"] += sum(len(e.revisions) for e in record.events)
        counts["items"] += len(record.items)
        counts["positions"] += len(record.positions)


async def apply_bundle(
    session: AsyncSession, bundle: Any, *, document: Document, keep_entry: KeepEntry
) -> list[ProcessOutcome]:
    """Bring every process of a checked bundle to the bundle's state, in the caller's
    transaction: a new process is created; a stored one whose every event and item history is
    a prefix of the bundle's has the missing revisions appended and its live rows updated (or
    is left `unchanged` when nothing is missing). Anything else raises Conflict naming the
    process, before anything is written."""
    conn = await session.connection()
    owners = await _owners(conn, [e.id for p in bundle.processes for e in p.events])
    plans = [await _plan(conn, record, owners) for record in bundle.processes]
    with collector_held_off():
        for plan in plans:
            await _write(conn, plan, document, keep_entry)
    return [plan.outcome for plan in plans]


def _same(stored: Any, revision: Any) -> bool:
    return all(getattr(stored, c) == getattr(revision, c) for c in _REVISION_COLUMNS)


async def _plan(conn: AsyncConnection, record: Any, owners: dict[str, int]) -> _Plan:
    slug = record.slug
    query = select(_PROCESSES).where(_PROCESSES.c.slug == slug)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()  # one applier of a process at a time
    stored = (await conn.execute(query)).one_or_none()
    process_id = None if stored is None else stored.id
    for event in record.events:
        owner = owners.get(event.id)
        if owner is not None and owner != process_id:
            raise Conflict(f"process {slug!r}: event {event.id!r} belongs to another process")
    if stored is None:
        outcome = ProcessOutcome(slug, "created")
        return _Plan(record, None, outcome, record.events, [], record.items, [])
    if stored.version > record.version or (
        stored.version == record.version
        and any(getattr(stored, f) != getattr(record, f) for f in _PROCESS_FIELDS)
    ):
        raise Conflict(f"process {slug!r}: the server's process differs from the bundle's")
    events = await _stored_histories(conn, _REVISIONS, _REVISIONS.c.event_id, stored.id)
    by_id = {e.id: e for e in record.events}
    new_events: list[Any] = []
    grown_events: list[tuple[Any, int]] = []
    for event_id in events:
        if event_id not in by_id:
            raise Conflict(f"process {slug!r}: the server has event {event_id!r}, the bundle not")
    for event in record.events:
        history = events.get(event.id)
        if history is None:
            new_events.append(event)
            continue
        _check_prefix(slug, f"event {event.id!r}", history, event.revisions)
        if len(history) < len(event.revisions):
            grown_events.append((event, len(history)))
    item_rows = {
        row.key: row
        for row in await conn.execute(
            select(_ITEMS.c.id, _ITEMS.c.key).where(_ITEMS.c.process_id == stored.id)
        )
    }
    item_histories = await _stored_histories(
        conn, _ITEM_REVISIONS, _ITEM_REVISIONS.c.item_id, stored.id
    )
    keys = {i.key: i for i in record.items}
    new_items: list[Any] = []
    grown_items: list[tuple[Any, int, int]] = []
    for key in item_rows:
        if key not in keys:
            raise Conflict(f"process {slug!r}: the server has item {key!r}, the bundle not")
    for item in record.items:
        row = item_rows.get(item.key)
        if row is None:
            new_items.append(item)
            continue
        history = item_histories.get(row.id, [])
        _check_prefix(slug, f"item {item.key!r}", history, item.revisions)
        if len(history) < len(item.revisions):
            grown_items.append((item, row.id, len(history)))
    positions = await plan_positions(conn, slug, stored.id, record.positions)
    changed = stored.version < record.version
    touched = (
        new_events
        or grown_events
        or new_items
        or grown_items
        or changed
        or positions.new
        or positions.grown
    )
    outcome = ProcessOutcome(slug, "updated" if touched else "unchanged")
    return _Plan(
        record,
        stored.id,
        outcome,
        new_events,
        grown_events,
        new_items,
        grown_items,
        changed,
        positions,
    )


async def _stored_histories(
    conn: AsyncConnection, table: Table, owner: Any, process_id: int
) -> dict[Any, list[Any]]:
    """Every stored revision of a process's events (or items), by owner, oldest first."""
    query = (
        select(owner.label("owner"), *(table.c[c] for c in _REVISION_COLUMNS))
        .where(table.c.process_id == process_id)
        .order_by(owner, table.c.version)
    )
    histories: dict[Any, list[Any]] = {}
    for row in await conn.execute(query):
        histories.setdefault(row.owner, []).append(row)
    return histories


def _check_prefix(slug: str, what: str, stored: list[Any], revisions: list[Any]) -> None:
    if len(stored) > len(revisions):
        raise Conflict(f"process {slug!r}: the server has more revisions of {what} than the bundle")
    for have, want in zip(stored, revisions, strict=False):
        if not _same(have, want):
            raise Conflict(
                f"process {slug!r}: revision {want.version} of {what} differs from the server's"
            )


async def _write(
    conn: AsyncConnection, plan: _Plan, document: Document, keep_entry: KeepEntry
) -> None:
    record = plan.record
    process_id = plan.process_id
    if process_id is None:
        values = {
            f: getattr(record, f)
            for f in (*_PROCESS_FIELDS, "slug", "version", "created_at", "updated_at")
        }
        result = await conn.execute(insert(_PROCESSES).returning(_PROCESSES.c.id), values)
        process_id = int(result.scalar_one())
    elif plan.process_changed:
        values = {f: getattr(record, f) for f in (*_PROCESS_FIELDS, "version", "updated_at")}
        await conn.execute(update(_PROCESSES).where(_PROCESSES.c.id == process_id).values(values))
    await _write_events(conn, plan, process_id, document, keep_entry)
    await _write_items(conn, plan, process_id)
    positions = plan.positions or PositionPlan(new=list(record.positions))
    await write_positions(conn, process_id, positions)
    plan.outcome.positions_added = positions.added
    plan.outcome.positions_updated = positions.updated
    plan.outcome.position_revisions_added = positions.revisions_added


async def _write_events(
    conn: AsyncConnection, plan: _Plan, process_id: int, document: Document, keep_entry: KeepEntry
) -> None:
    slug, outcome = plan.record.slug, plan.outcome
    rows: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    for event in plan.new_events:
        row, event_tags = _event_row(process_id, slug, event, document, keep_entry)
        rows.append(row)
        tags += event_tags
        revisions += _revision_rows("event_id", event.id, process_id, event.revisions)
    changed: list[dict[str, Any]] = []
    for event, stored in plan.grown_events:
        row, event_tags = _event_row(process_id, slug, event, document, keep_entry)
        changed.append({("b_" + k): v for k, v in row.items()})
        tags += event_tags
        revisions += _revision_rows("event_id", event.id, process_id, event.revisions[stored:])
    await insert_rows(conn, _EVENTS, rows)
    if changed:
        # Every column but the key, the owner and the creation time follows the last revision.
        names = [k[2:] for k in changed[0] if k[2:] not in ("id", "process_id", "created_at")]
        statement = (
            update(_EVENTS)
            .where(_EVENTS.c.id == bindparam("b_id"))
            .values({name: bindparam("b_" + name) for name in names})
        )
        await conn.execute(statement, changed)
        grown = [e.id for e, _ in plan.grown_events]
        for chunk in _chunks(grown):
            await conn.execute(delete(_TAGS).where(_TAGS.c.event_id.in_(chunk)))
    await insert_rows(conn, _TAGS, tags)
    await insert_rows(conn, _REVISIONS, revisions)
    outcome.events_added = len(rows)
    outcome.events_updated = len(changed)
    outcome.revisions_added = len(revisions)


def _event_row(
    process_id: int, slug: str, event: Any, normalise: Document, keep_entry: KeepEntry
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The events-table row for an event's last revision, and its tag rows."""
    first, last = event.revisions[0], event.revisions[-1]
    document = normalise(last)
    span = parse_date(document["date"])
    deleted = last.change == "deleted"
    row = {
        "id": event.id,
        "process_id": process_id,
        **{k: document[k] for k in ("kind", "title", "date", "status", "location", "summary")},
        **{k: document[k] for k in ("tags", "parent", "depends_on", "sources", "attributes")},
        "start_day": span.start,
        "end_day": span.end,
        "precision": span.precision,
        "version": last.version,
        "deleted": deleted,
        "known_on": last.known_on,
        "created_at": first.recorded_at,
        "updated_at": last.recorded_at,
        "ics_entry": None,
    }
    if deleted:
        return row, []
    state = EventState.from_document(
        document,
        id=event.id,
        process=slug,
        version=last.version,
        created_at=first.recorded_at,
        updated_at=last.recorded_at,
        known_on=last.known_on,
    )
    row["ics_entry"] = keep_entry(state)
    return row, [{"event_id": event.id, "tag": t} for t in document["tags"]]


def _revision_rows(
    owner: str, owner_id: Any, process_id: int, revisions: list[Any]
) -> list[dict[str, Any]]:
    return [
        {owner: owner_id, "process_id": process_id, **{c: getattr(r, c) for c in _REVISION_COLUMNS}}
        for r in revisions
    ]


async def _write_items(conn: AsyncConnection, plan: _Plan, process_id: int) -> None:
    outcome = plan.outcome
    rows = [
        {"process_id": process_id, "key": item.key, **{f: getattr(item, f) for f in _ITEM_FIELDS}}
        for item in plan.new_items
    ]
    await insert_rows(conn, _ITEMS, rows)
    ids: dict[str, int] = {}
    if rows:
        query = select(_ITEMS.c.id, _ITEMS.c.key).where(_ITEMS.c.process_id == process_id)
        ids = {row.key: row.id for row in await conn.execute(query)}
    revisions: list[dict[str, Any]] = []
    for item in plan.new_items:
        revisions += _revision_rows("item_id", ids[item.key], process_id, item.revisions)
    changed = []
    for item, row_id, stored in plan.grown_items:
        changed.append({"b_id": row_id, **{"b_" + f: getattr(item, f) for f in _ITEM_FIELDS}})
        revisions += _revision_rows("item_id", row_id, process_id, item.revisions[stored:])
    if changed:
        statement = (
            update(_ITEMS)
            .where(_ITEMS.c.id == bindparam("b_id"))
            .values({f: bindparam("b_" + f) for f in _ITEM_FIELDS})
        )
        await conn.execute(statement, changed)
    await insert_rows(conn, _ITEM_REVISIONS, revisions)
    outcome.items_added = len(rows)
    outcome.items_updated = len(changed)
    outcome.item_revisions_added = len(revisions)
