"""Export and import: a JSON bundle of processes, their events and items with full histories.

The bundle is the backup and migration format (`timeline export` / `timeline import`). Export is
deterministic (sorted keys, stable order), so export -> import -> export gives the same bytes.
Import checks the whole bundle before writing anything and writes it in one transaction; an
error names the record and field (`processes[0].events[3].revisions[1].snapshot.date`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.dates import parse_date
from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.events import find_cycle, validate_document_rules
from timeline.schemas import EventFields, ProcessCreate
from timeline.store.events import kept_calendar_entry, state_from_row
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
    "parse_bundle",
    "snapshot_transaction",
]

BUNDLE_FORMAT = "timeline-bundle"
BUNDLE_VERSION = 1
ITEM_STATUSES = ("open", "informals", "agreed", "dropped")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RevisionRecord(_Record):
    """One revision as exported."""

    version: int = Field(ge=1)
    change: Literal["created", "updated", "deleted"]
    actor: str = Field(min_length=1, max_length=200)
    known_on: dt.date
    recorded_at: dt.datetime
    fields: dict[str, Any]
    snapshot: dict[str, Any]


class EventRecord(_Record):
    """An event with every revision, oldest first."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    revisions: list[RevisionRecord] = Field(min_length=1)


class ItemRecord(_Record):
    """A negotiation item with its current fields and every revision."""

    key: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: str
    version: int = Field(ge=1)
    known_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    revisions: list[RevisionRecord] = Field(min_length=1)


class ProcessRecord(_Record):
    """A process with its events and items."""

    slug: str
    title: str
    description: str | None = None
    timezone: str = "UTC"
    url: str | None = None
    version: int = Field(ge=1)
    created_at: dt.datetime
    updated_at: dt.datetime
    events: list[EventRecord] = Field(default_factory=list)
    items: list[ItemRecord] = Field(default_factory=list)


class Bundle(_Record):
    """The whole export."""

    format: Literal["timeline-bundle"]
    version: Literal[1]
    processes: list[ProcessRecord]


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
        events = (
            await session.exec(
                select(EventRevision)
                .where(EventRevision.process_id == process.id)
                .order_by(col(EventRevision.event_id), col(EventRevision.version))
            )
        ).all()
        by_event: dict[str, list[dict[str, Any]]] = {}
        for revision in events:
            by_event.setdefault(revision.event_id, []).append(_revision_json(revision))
        items = (
            await session.exec(
                select(Item).where(Item.process_id == process.id).order_by(col(Item.key))
            )
        ).all()
        item_revisions = (
            await session.exec(
                select(ItemRevision)
                .where(ItemRevision.process_id == process.id)
                .order_by(col(ItemRevision.item_id), col(ItemRevision.version))
            )
        ).all()
        by_item: dict[int, list[dict[str, Any]]] = {}
        for item_revision in item_revisions:
            by_item.setdefault(item_revision.item_id, []).append(_revision_json(item_revision))
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


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "bundle"


def parse_bundle(raw: Any) -> Bundle:
    """Check a decoded bundle's structure and every event's content; raise naming the record."""
    try:
        bundle = Bundle.model_validate(raw)
    except ValidationError as error:
        raise InvalidFields(
            [FieldError(_path(tuple(e["loc"])), e["msg"]) for e in error.errors()]
        ) from None
    errors: list[FieldError] = []
    slugs: set[str] = set()
    for p_index, process in enumerate(bundle.processes):
        where = f"processes[{p_index}]"
        errors += _check_process(process, where)
        if process.slug in slugs:
            errors.append(FieldError(f"{where}.slug", f"{process.slug!r} appears twice"))
        slugs.add(process.slug)
        errors += _check_events(process, where)
        errors += _check_items(process, where)
    if errors:
        raise InvalidFields(errors)
    return bundle


def _check_process(process: ProcessRecord, where: str) -> list[FieldError]:
    try:
        ProcessCreate.model_validate(
            {
                "slug": process.slug,
                "title": process.title,
                "description": process.description,
                "timezone": process.timezone,
                "url": process.url,
            }
        )
    except ValidationError as error:
        return [FieldError(f"{where}.{_path(tuple(e['loc']))}", e["msg"]) for e in error.errors()]
    return []


def _check_history(revisions: list[RevisionRecord], where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, revision in enumerate(revisions):
        here = f"{where}.revisions[{index}]"
        if revision.version != index + 1:
            errors.append(FieldError(f"{here}.version", f"expected {index + 1}"))
        expected = "created" if index == 0 else None
        if expected and revision.change != expected:
            errors.append(FieldError(f"{here}.change", "the first revision must be 'created'"))
        if index > 0 and revision.change == "created":
            errors.append(FieldError(f"{here}.change", "only the first revision is 'created'"))
        if revision.change == "deleted" and index != len(revisions) - 1:
            errors.append(FieldError(f"{here}.change", "nothing may follow a deletion"))
        if index > 0 and revision.recorded_at < revisions[index - 1].recorded_at:
            errors.append(FieldError(f"{here}.recorded_at", "is earlier than the revision before"))
    return errors


def _check_events(process: ProcessRecord, where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    ids = [e.id for e in process.events]
    live: dict[str, dict[str, Any]] = {}
    for e_index, event in enumerate(process.events):
        here = f"{where}.events[{e_index}]"
        if ids.count(event.id) > 1:
            errors.append(FieldError(f"{here}.id", f"{event.id!r} appears twice"))
        errors += _check_history(event.revisions, here)
        for r_index, revision in enumerate(event.revisions):
            errors += _check_snapshot(revision.snapshot, f"{here}.revisions[{r_index}].snapshot")
        if event.revisions[-1].change != "deleted":
            live[event.id] = event.revisions[-1].snapshot
    if errors:
        return errors
    for e_index, event in enumerate(process.events):
        if event.id not in live:
            continue
        document = live[event.id]
        here = f"{where}.events[{e_index}].revisions[{len(event.revisions) - 1}].snapshot"
        parent = document.get("parent")
        if parent is not None and parent not in live:
            errors.append(FieldError(f"{here}.parent", f"no live event {parent!r} in this process"))
        for d_index, dependency in enumerate(document.get("depends_on") or []):
            if dependency["event"] not in live:
                errors.append(
                    FieldError(
                        f"{here}.depends_on[{d_index}].event",
                        f"no live event {dependency['event']!r} in this process",
                    )
                )
    graph = {k: [d["event"] for d in v.get("depends_on") or []] for k, v in live.items()}
    for event_id, predecessors in graph.items():
        others = {k: v for k, v in graph.items() if k != event_id}
        cycle = find_cycle(event_id, others, predecessors)
        if cycle:
            errors.append(FieldError(f"{where}.events", "dependency cycle: " + " -> ".join(cycle)))
            break
    return errors


def _check_snapshot(snapshot: dict[str, Any], where: str) -> list[FieldError]:
    try:
        document = EventFields.model_validate(snapshot).model_dump(mode="json")
    except ValidationError as error:
        return [FieldError(f"{where}.{_path(tuple(e['loc']))}", e["msg"]) for e in error.errors()]
    try:
        _, problems = validate_document_rules(document)
    except InvalidFields as error:
        problems = error.errors
    return [FieldError(f"{where}.{p.field}", p.message) for p in problems]


def _check_items(process: ProcessRecord, where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    keys = [i.key for i in process.items]
    for i_index, item in enumerate(process.items):
        here = f"{where}.items[{i_index}]"
        if keys.count(item.key) > 1:
            errors.append(FieldError(f"{here}.key", f"{item.key!r} appears twice"))
        if item.status not in ITEM_STATUSES:
            errors.append(
                FieldError(f"{here}.status", f"must be one of {', '.join(ITEM_STATUSES)}")
            )
        if item.version != len(item.revisions):
            errors.append(FieldError(f"{here}.version", "must equal the number of revisions"))
        errors += _check_history(item.revisions, here)
    return errors


async def import_bundle(session: AsyncSession, bundle: Bundle) -> dict[str, int]:
    """Write a checked bundle; refuses (naming the record) a process or event that exists."""
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
            _add_event(session, process.id, process.slug, event)
            counts["events"] += 1
            counts["revisions"] += len(event.revisions)
        await session.flush()
        for item in record.items:
            await _add_item(session, process.id, item)
            counts["items"] += 1
    await session.flush()
    return counts


def _add_event(session: AsyncSession, process_id: int, slug: str, event: EventRecord) -> None:
    first, last = event.revisions[0], event.revisions[-1]
    document = EventFields.model_validate(last.snapshot).model_dump(mode="json")
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
        row.ics_entry = kept_calendar_entry(state_from_row(row, slug))
    session.add(row)
    if not deleted:
        session.add_all(EventTag(event_id=event.id, tag=t) for t in document["tags"])
    session.add_all(
        EventRevision(event_id=event.id, **_revision_columns(r, process_id))
        for r in event.revisions
    )


def _revision_columns(revision: RevisionRecord, process_id: int) -> dict[str, Any]:
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


async def _add_item(session: AsyncSession, process_id: int, item: ItemRecord) -> None:
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
