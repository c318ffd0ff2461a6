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
) -> tuple[int, dt.datetime | None]:
    """The newest revision of these processes: its id (grows with every event change, deletions
    included; 0 when none) and when it was recorded (None when none)."""
    # One aggregate per subquery: SQLite answers a lone max() from the end of an index
    # (migration 0002), two aggregates in one SELECT would read every revision of the process.
    where = col(EventRevision.process_id).in_(process_ids)
    query = select(
        select(func.max(EventRevision.id)).where(where).scalar_subquery(),
        select(func.max(EventRevision.recorded_at)).where(where).scalar_subquery(),
    )
    newest, recorded = (await session.exec(query)).one()
    if isinstance(recorded, str):  # SQLite hands an aggregate back as text, without its type
        recorded = dt.datetime.fromisoformat(recorded)
    if recorded is not None and recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=dt.UTC)
    return int(newest or 0), recorded
