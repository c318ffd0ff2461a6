"""Export and import: a JSON bundle of processes, their events and items with full histories.

The bundle is the backup and migration format (`timeline export` / `timeline import`). Export is
deterministic (sorted keys, stable order), so export -> import -> export gives the same bytes.
Import writes a bundle `timeline.services.bundle` has checked, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.dates import parse_date
from timeline.domain.errors import FieldError, InvalidFields
from timeline.store.event_rows import state_from_row
from timeline.store.event_writes import KeepEntry
from timeline.store.tables import (
    Event,
    EventRevision,
    EventTag,
    Item,
    ItemRevision,
    Process,
)

__all__ = [
    "BUNDLE_FORMAT",
    "dump_bundle",
    "export_bundle",
    "import_bundle",
    "snapshot_transaction",
]

Document = Callable[[dict[str, Any]], dict[str, Any]]
"""The normalised event document a checked revision snapshot stands for."""

BUNDLE_FORMAT = "timeline-bundle"
BUNDLE_VERSION = 1


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _revision_json(row: EventRevision | ItemRevision) -> dict[str, Any]:
    return {
        "version": row.version,
        "change": row.change,
        "actor": row.actor,
        "known_on": row.known_on.isoformat(),
        "recorded_at": _stamp(row.recorded_at),
        "fields": row.fields,
        "snapshot": row.snapshot,
    }


_Revision = TypeVar("_Revision", EventRevision, ItemRevision)


async def _histories(
    session: AsyncSession,
    table: type[_Revision],
    owner: str,
    process_id: int | None,
) -> dict[Any, list[dict[str, Any]]]:
    # Every revision of the process, as exported, under the id in its `owner` column (what it
    # revises), oldest first.
    query = (
        select(table)
        .where(col(table.process_id) == process_id)
        .order_by(col(getattr(table, owner)), col(table.version))
    )
    histories: dict[Any, list[dict[str, Any]]] = {}
    for revision in (await session.exec(query)).all():
        histories.setdefault(getattr(revision, owner), []).append(_revision_json(revision))
    return histories


async def export_bundle(session: AsyncSession, slug: str | None = None) -> dict[str, Any]:
    """Every process (or the one named), with events, items and their full histories.

    Every read happens in one snapshot, so writers running meanwhile never half-appear.
    """
    await snapshot_transaction(session)
    query = select(Process).order_by(col(Process.slug))
    if slug is not None:
        query = query.where(Process.slug == slug)
    processes = list((await session.exec(query)).all())
    if slug is not None and not processes:
        raise InvalidFields.one("process", f"no process {slug!r}")
    exported = []
    for process in processes:
        by_event = await _histories(session, EventRevision, "event_id", process.id)
        items = (
            await session.exec(
                select(Item).where(Item.process_id == process.id).order_by(col(Item.key))
            )
        ).all()
        by_item = await _histories(session, ItemRevision, "item_id", process.id)
        exported.append(
            {
                "slug": process.slug,
                "title": process.title,
                "description": process.description,
                "timezone": process.timezone,
                "url": process.url,
                "version": process.version,
                "created_at": _stamp(process.created_at),
                "updated_at": _stamp(process.updated_at),
                "events": [
                    {"id": event_id, "revisions": revisions}
                    for event_id, revisions in sorted(by_event.items())
                ],
                "items": [
                    {
                        "key": item.key,
                        "title": item.title,
                        "chapter": item.chapter,
                        "status": item.status,
                        "version": item.version,
                        "known_on": item.known_on.isoformat(),
                        "created_at": _stamp(item.created_at),
                        "updated_at": _stamp(item.updated_at),
                        "revisions": by_item.get(item.id or 0, []),
                    }
                    for item in items
                ],
            }
        )
    return {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "processes": exported}


def dump_bundle(bundle: dict[str, Any]) -> str:
    """The bundle as canonical JSON text (the same data always gives the same bytes)."""
    return json.dumps(bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


async def import_bundle(
    session: AsyncSession, bundle: Any, *, document: Document, keep_entry: KeepEntry
) -> dict[str, int]:
    """Write a checked bundle (a `timeline.services.bundle.Bundle`); refuses (naming the
    record) a process or event that exists. `document` normalises an event's last snapshot,
    `keep_entry` derives the calendar entry kept with a live event."""
    existing = set(
        (
            await session.exec(
                select(Process.slug).where(
                    col(Process.slug).in_([p.slug for p in bundle.processes])
                )
            )
        ).all()
    )
    event_ids = [e.id for p in bundle.processes for e in p.events]
    taken = set(
        (await session.exec(select(Event.id).where(col(Event.id).in_(event_ids)))).all()
        if event_ids
        else []
    )
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
    counts = {"processes": 0, "events": 0, "revisions": 0, "items": 0}
    for record in bundle.processes:
        process = Process(
            slug=record.slug,
            title=record.title,
            description=record.description,
            timezone=record.timezone,
            url=record.url,
            version=record.version,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )
        session.add(process)
        await session.flush()
        assert process.id is not None
        counts["processes"] += 1
        for event in record.events:
            _add_event(session, process.id, process.slug, event, document, keep_entry)
            counts["events"] += 1
            counts["revisions"] += len(event.revisions)
        await session.flush()
        for item in record.items:
            await _add_item(session, process.id, item)
            counts["items"] += 1
    await session.flush()
    return counts


def _add_event(
    session: AsyncSession,
    process_id: int,
    slug: str,
    event: Any,
    normalised: Document,
    keep_entry: KeepEntry,
) -> None:
    first, last = event.revisions[0], event.revisions[-1]
    document = normalised(last.snapshot)
    span = parse_date(document["date"])
    deleted = last.change == "deleted"
    row = Event(
        id=event.id,
        process_id=process_id,
        kind=document["kind"],
        title=document["title"],
        date=document["date"],
        start_day=span.start,
        end_day=span.end,
        precision=span.precision,
        status=document["status"],
        location=document["location"],
        summary=document["summary"],
        tags=document["tags"],
        parent=document["parent"],
        depends_on=document["depends_on"],
        sources=document["sources"],
        attributes=document["attributes"],
        version=last.version,
        deleted=deleted,
        known_on=last.known_on,
        created_at=first.recorded_at,
        updated_at=last.recorded_at,
    )
    if not deleted:
        row.ics_entry = keep_entry(state_from_row(row, slug))
    session.add(row)
    if not deleted:
        session.add_all(EventTag(event_id=event.id, tag=t) for t in document["tags"])
    session.add_all(
        EventRevision(event_id=event.id, **_revision_columns(r, process_id))
        for r in event.revisions
    )


def _revision_columns(revision: Any, process_id: int) -> dict[str, Any]:
    # Event and item revisions share every column but the one naming what they revise.
    return {
        "process_id": process_id,
        "version": revision.version,
        "change": revision.change,
        "actor": revision.actor,
        "known_on": revision.known_on,
        "recorded_at": revision.recorded_at,
        "fields": revision.fields,
        "snapshot": revision.snapshot,
    }


async def _add_item(session: AsyncSession, process_id: int, item: Any) -> None:
    row = Item(
        process_id=process_id,
        key=item.key,
        title=item.title,
        chapter=item.chapter,
        status=item.status,
        version=item.version,
        known_on=item.known_on,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    session.add_all(
        ItemRevision(item_id=row.id, **_revision_columns(r, process_id)) for r in item.revisions
    )


async def snapshot_transaction(session: AsyncSession) -> None:
    """Make the session's reads one consistent snapshot (PostgreSQL: REPEATABLE READ).

    SQLite's read transaction is already a snapshot in WAL mode.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
