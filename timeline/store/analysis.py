"""The reads the deadline and entry-into-force analyses need beyond events and items."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import EventRevision, ItemRevision, Process

__all__ = ["analysis_log_version", "event_status_changes"]


async def analysis_log_version(session: AsyncSession, process: Process) -> str:
    """A text that changes with every event or item revision recorded for the process.

    It names the newest revision id and the number of revisions of each log: on PostgreSQL a
    transaction may commit a lower id after a higher one is visible, which the count catches.
    """
    parts: list[str] = []
    for table in (EventRevision, ItemRevision):
        query = select(func.max(table.id), func.count()).where(table.process_id == process.id)
        newest, count = (await session.exec(query)).one()
        parts.append(f"{newest or 0}-{count}")
    return ".".join(parts)


async def event_status_changes(
    session: AsyncSession, process: Process, as_of: dt.date
) -> dict[str, list[tuple[dt.date, str]]]:
    """For each event of the process, its (known_on, new status) changes known on `as_of`,
    in the order they were recorded."""
    query = (
        select(EventRevision)
        .where(EventRevision.process_id == process.id, col(EventRevision.known_on) <= as_of)
        .order_by(col(EventRevision.id))
    )
    changes: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for revision in (await session.exec(query)).all():
        status = (revision.fields or {}).get("status")
        if isinstance(status, list) and len(status) == 2 and isinstance(status[1], str):
            changes[revision.event_id].append((revision.known_on, status[1]))
    return dict(changes)
