"""Processes: create, change, look up, list, count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import Conflict, NotFound, PreconditionFailed
from timeline.store.tables import Event, Item, Process

__all__ = [
    "count_events",
    "count_events_many",
    "create_process",
    "get_process",
    "get_processes",
    "list_processes",
    "update_process",
]


async def get_process(session: AsyncSession, slug: str) -> Process:
    """The process with this slug, or NotFound."""
    row = (await session.exec(select(Process).where(Process.slug == slug))).one_or_none()
    if row is None:
        raise NotFound(f"no process {slug!r}")
    return row


async def get_processes(session: AsyncSession, slugs: Sequence[str]) -> list[Process]:
    """The processes named (every process when `slugs` is empty); NotFound names a missing one."""
    if not slugs:
        return await list_processes(session)
    rows = (await session.exec(select(Process).where(col(Process.slug).in_(slugs)))).all()
    missing = sorted(set(slugs) - {r.slug for r in rows})
    if missing:
        raise NotFound(f"no process {missing[0]!r}")
    return sorted(rows, key=lambda r: r.slug)


async def list_processes(
    session: AsyncSession, *, after: str | None = None, limit: int | None = None
) -> list[Process]:
    """Processes ordered by slug, after the slug `after`."""
    query = select(Process).order_by(col(Process.slug))
    if after is not None:
        query = query.where(col(Process.slug) > after)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.exec(query)).all())


async def create_process(
    session: AsyncSession, fields: dict[str, Any], *, now: dt.datetime
) -> Process:
    """Store a new process; Conflict when the slug is taken."""
    row = Process(**fields, version=1, created_at=now, updated_at=now)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"a process {fields['slug']!r} already exists") from None
    return row


async def update_process(
    session: AsyncSession,
    slug: str,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
    now: dt.datetime,
) -> Process:
    """Apply changes to a process if it is still at `expected_version`."""
    row = (
        await session.exec(select(Process).where(Process.slug == slug).with_for_update())
    ).one_or_none()
    if row is None:
        raise NotFound(f"no process {slug!r}")
    if expected_version is not None and row.version != expected_version:
        raise PreconditionFailed(f"the process is at version {row.version}: read it again")
    changed = False
    for name, value in changes.items():
        if name == "title" and value is None:
            continue
        if name == "timezone" and value is None:
            value = "UTC"
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.version += 1
        row.updated_at = now
        session.add(row)
        await session.flush()
    return row


async def count_events(session: AsyncSession, process_id: int) -> dict[str, int]:
    """Live events of a process by kind, with their total under 'events' and items under 'items'."""
    return (await count_events_many(session, [process_id]))[process_id]


async def count_events_many(
    session: AsyncSession, process_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """`count_events` of several processes in two queries (a list page must not run 2 per row)."""
    by_kind: dict[int, dict[str, int]] = {p: {} for p in process_ids}
    rows = await session.exec(
        select(Event.process_id, Event.kind, func.count())
        .where(col(Event.process_id).in_(process_ids), col(Event.deleted).is_(False))
        .group_by(col(Event.process_id), col(Event.kind))
    )
    for process_id, kind, n in rows.all():
        by_kind[process_id][kind] = int(n)
    item_rows = await session.exec(
        select(Item.process_id, func.count())
        .where(col(Item.process_id).in_(process_ids))
        .group_by(col(Item.process_id))
    )
    items = {process_id: int(n) for process_id, n in item_rows.all()}
    return {
        p: {
            "events": sum(counts.values()),
            "items": items.get(p, 0),
            **dict(sorted(counts.items())),
        }
        for p, counts in by_kind.items()
    }
