"""Fixed-window request counters shared by every worker that uses the same database.

One row per key (`write:<token hash>`, `read:<client ip>`) holds the window it counts and the
count so far. Counting is one atomic statement, `INSERT .. ON CONFLICT DO UPDATE .. RETURNING`,
which SQLite (>= 3.35) and PostgreSQL both run without a read-modify-write race: two workers
adding to the same key always see distinct, increasing totals.
"""

from __future__ import annotations

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import RateLimitBucket

__all__ = ["add_hits", "prune_windows"]

_TABLE = RateLimitBucket.__table__  # type: ignore[attr-defined]


async def add_hits(session: AsyncSession, key: str, window_start: int, hits: int = 1) -> int:
    """Add `hits` to `key`'s counter for the window starting at `window_start` (epoch seconds)
    and return the window's total after the addition.

    A row still holding an older window starts again from `hits`: windows never mix.
    """
    bind = session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(key=key, window_start=window_start, count=hits)
    excluded = statement.excluded
    same_window = _TABLE.c.window_start == excluded.window_start
    upsert = statement.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={
            # Both values are computed from the row as it was before this statement.
            "count": case((same_window, _TABLE.c.count + excluded.count), else_=excluded.count),
            "window_start": excluded.window_start,
        },
    ).returning(_TABLE.c.count)
    result = await session.exec(upsert)
    return int(result.scalar_one())


async def prune_windows(session: AsyncSession, older_than: int) -> int:
    """Delete counters whose window started before `older_than`; the number deleted.

    Keys of clients that went away would otherwise stay forever.
    """
    result = await session.exec(delete(_TABLE).where(_TABLE.c.window_start < older_than))
    return int(result.rowcount or 0)
