"""Where the revision logs stand: the one position every cache key and validator is made from.

A position is the newest revision id and the number of revisions. The id alone is not enough:
on PostgreSQL a transaction that took a lower id can commit after one with a higher id is
already visible, which moves the count but not the max; so every stamp names both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import EventRevision, ItemRevision

__all__ = [
    "LogPosition",
    "RevisionLog",
    "item_log_version",
    "log_position",
    "log_version",
    "position_columns",
]

RevisionLog = type[EventRevision] | type[ItemRevision]


@dataclass(frozen=True, slots=True)
class LogPosition:
    """How far one revision log reaches: the newest id and how many revisions in all."""

    newest: int = 0
    count: int = 0

    @classmethod
    def of(cls, newest: Any, count: Any) -> LogPosition:
        """The position from the two aggregates `position_columns` answers (None when empty)."""
        return cls(int(newest or 0), int(count or 0))

    def __str__(self) -> str:
        return f"{self.newest}-{self.count}"

    @property
    def dotted(self) -> str:
        """The position as "newest.count", the form the process and feed validators carry."""
        return f"{self.newest}.{self.count}"


def position_columns(log: RevisionLog, process_id: Any, as_of: Any = None) -> list[Any]:
    """max(id) and count(*) of the revisions of `log` (known on `as_of`, when given) as scalar
    subqueries. `process_id` is a list of process ids, or a column or bound parameter naming
    one (a column of an outer query correlates)."""
    # One aggregate per subquery: SQLite answers a lone max() from the end of an index
    # (migration 0002); two aggregates in one SELECT would read every revision of the process.
    if isinstance(process_id, list | tuple):
        where = [col(log.process_id).in_(process_id)]
    else:
        where = [col(log.process_id) == process_id]
    if as_of is not None:
        where.append(col(log.known_on) <= as_of)
    return [
        select(func.max(log.id)).where(*where).scalar_subquery(),
        select(func.count()).select_from(log).where(*where).scalar_subquery(),
    ]


async def log_position(
    session: AsyncSession,
    log: RevisionLog,
    process_ids: Sequence[int | None],
    as_of: dt.date | None = None,
) -> LogPosition:
    """Where the revisions of `log` in these processes (known on `as_of`, when given) stand."""
    newest, count = (
        await session.exec(select(*position_columns(log, list(process_ids), as_of)))
    ).one()
    return LogPosition.of(newest, count)


async def log_version(session: AsyncSession, process_ids: Sequence[int | None]) -> str:
    """A stamp that changes with every event change recorded in these processes ("0.0" when
    none)."""
    return (await log_position(session, EventRevision, process_ids)).dotted


async def item_log_version(session: AsyncSession, process_ids: Sequence[int | None]) -> str:
    """A stamp that changes with every item change recorded in these processes ("0.0" when
    none)."""
    return (await log_position(session, ItemRevision, process_ids)).dotted
