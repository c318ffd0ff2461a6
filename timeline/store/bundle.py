"""Export and import: a JSON bundle of processes, their events, items and position records
(proposals, stances, axes, placements, groups, vote rolls) with full histories.

The bundle is the backup and migration format (`timeline export` / `timeline import`). Export is
deterministic (sorted keys, stable order), so export -> import -> export gives the same bytes.
Import and apply write a checked bundle in bulk (`timeline/store/bundle_apply.py`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import InvalidFields
from timeline.store.position_tables import PositionRecord, PositionRevision
from timeline.store.tables import (
    EventRevision,
    Item,
    ItemRevision,
    Process,
)

__all__ = [
    "BUNDLE_FORMAT",
    "dump_bundle",
    "export_bundle",
    "snapshot_transaction",
]

BUNDLE_FORMAT = "timeline-bundle"
BUNDLE_VERSION = 1


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _revised(row: Item | PositionRecord, histories: Mapping[int, Any]) -> dict[str, Any]:
    # What an exported item and position record both end with: where their history stands,
    # and the history itself (`histories`, by row id).
    return {
        "version": row.version,
        "known_on": row.known_on.isoformat(),
        "created_at": _stamp(row.created_at),
        "updated_at": _stamp(row.updated_at),
        "revisions": histories.get(row.id or 0, []),
    }


def _revision_json(row: EventRevision | ItemRevision | PositionRevision) -> dict[str, Any]:
    return {
        "version": row.version,
        "change": row.change,
        "actor": row.actor,
        "known_on": row.known_on.isoformat(),
        "recorded_at": _stamp(row.recorded_at),
        "fields": row.fields,
        "snapshot": row.snapshot,
    }


_Revision = TypeVar("_Revision", EventRevision, ItemRevision, PositionRevision)


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
        positions = await _positions(session, process.id)
        exported.append(
            {
                # Only a process with position records carries the key, so bundles of
                # processes without any stay byte-identical to those exported before it.
                **({"positions": positions} if positions else {}),
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
                        **_revised(item, by_item),
                    }
                    for item in items
                ],
            }
        )
    return {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "processes": exported}


async def _positions(session: AsyncSession, process_id: int | None) -> list[dict[str, Any]]:
    """Every position record of the process with its full history, by kind then key."""
    records = (
        await session.exec(
            select(PositionRecord)
            .where(PositionRecord.process_id == process_id)
            .order_by(col(PositionRecord.kind), col(PositionRecord.key))
        )
    ).all()
    if not records:
        return []
    by_record = await _histories(session, PositionRevision, "record_id", process_id)
    return [
        {
            "kind": record.kind,
            "key": record.key,
            "parent": record.parent,
            **_revised(record, by_record),
        }
        for record in records
    ]


def dump_bundle(bundle: dict[str, Any]) -> str:
    """The bundle as canonical JSON text (the same data always gives the same bytes)."""
    return json.dumps(bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


async def snapshot_transaction(session: AsyncSession) -> None:
    """Make the session's reads one consistent snapshot (PostgreSQL: REPEATABLE READ).

    SQLite's read transaction is already a snapshot in WAL mode.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
