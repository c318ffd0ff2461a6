"""What a calendar feed's validators are made from, read without loading any event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import EventRevision

__all__ = ["log_stamp"]


async def log_stamp(
    session: AsyncSession, process_ids: Sequence[int | None]
) -> tuple[str, dt.datetime | None]:
    """A stamp of these processes' event log that changes with every recorded change
    (deletions included; "0.0" when none), and when the newest change was recorded."""
    # One aggregate per subquery: SQLite answers a lone max() from the end of an index
    # (migration 0002), two aggregates in one SELECT would read every revision of the process.
    # The count is there because on PostgreSQL a lower id can commit after a higher one is
    # already visible: the max alone would not move, and a cached feed would stay stale.
    where = col(EventRevision.process_id).in_(process_ids)
    query = select(
        select(func.max(EventRevision.id)).where(where).scalar_subquery(),
        select(func.count()).select_from(EventRevision).where(where).scalar_subquery(),
        select(func.max(EventRevision.recorded_at)).where(where).scalar_subquery(),
    )
    newest, count, recorded = (await session.exec(query)).one()
    if isinstance(recorded, str):  # SQLite hands an aggregate back as text, without its type
        recorded = dt.datetime.fromisoformat(recorded)
    if recorded is not None and recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=dt.UTC)
    return f"{int(newest or 0)}.{int(count or 0)}", recorded
