"""What a calendar feed's validators are made from, read without loading any event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.log_position import LogPosition, position_columns
from timeline.store.tables import EventRevision

__all__ = ["log_stamp"]


async def log_stamp(
    session: AsyncSession, process_ids: Sequence[int | None]
) -> tuple[str, dt.datetime | None]:
    """A stamp of these processes' event log that changes with every recorded change
    (deletions included; "0.0" when none), and when the newest change was recorded."""
    # The position (see `timeline.store.log_position`) and the newest recording time, each its
    # own subquery for the same reason the position's two are.
    ids = list(process_ids)
    columns = [
        *position_columns(EventRevision, ids),
        select(func.max(EventRevision.recorded_at))
        .where(col(EventRevision.process_id).in_(ids))
        .scalar_subquery(),
    ]
    newest, count, recorded = (await session.exec(select(*columns))).one()
    if isinstance(recorded, str):  # SQLite hands an aggregate back as text, without its type
        recorded = dt.datetime.fromisoformat(recorded)
    if recorded is not None and recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=dt.UTC)
    return LogPosition.of(newest, count).dotted, recorded
