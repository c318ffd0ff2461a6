"""Where the event and item logs of a process stand, and what of them is known on a day.

`KnownStamp` names the revisions known on the day (their newest id and count, per log): every
answer of the models is a function of exactly those, so it is the part of a cache key that
moves only when an answer can.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, String, bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import NotFound
from timeline.store.log_position import LogPosition, position_columns
from timeline.store.tables import EventRevision, ItemRevision, Process

__all__ = ["KnownStamp", "LogStamps", "analysis_stamps", "process_log_version"]


_UNREAD = LogPosition()  # a log of which nothing is accounted for yet


@dataclass(frozen=True, slots=True)
class KnownStamp:
    """The revisions of a process known on a day: newest id and count, of events and of items.

    The logs only grow, so this moves whenever a revision known on the day is added, and never
    otherwise: changes made public after the day leave it (and every answer for the day) alone.
    """

    events: LogPosition = _UNREAD
    items: LogPosition = _UNREAD


@dataclass(frozen=True, slots=True)
class LogStamps:
    """Where the two logs of a process stand, and what of them is known on `as_of`."""

    process_id: int
    slug: str
    as_of: dt.date
    events: LogPosition
    items: LogPosition
    known: KnownStamp

    @property
    def version(self) -> str:
        """The text `process_log_version` gives for the same logs."""
        return f"{self.events}.{self.items}"


# Built once with bind parameters: these run on every request for an analysis (or its ETag),
# and building eight correlated subqueries cost more than the database took to answer them.
_SLUG = bindparam("slug", type_=String())
_AS_OF = bindparam("as_of", type_=Date())
_LOG_VERSION = select(
    *position_columns(EventRevision, Process.id), *position_columns(ItemRevision, Process.id)
).where(col(Process.slug) == _SLUG)
_STAMPS = select(
    Process.id,
    *position_columns(EventRevision, Process.id),
    *position_columns(ItemRevision, Process.id),
    *position_columns(EventRevision, Process.id, _AS_OF),
    *position_columns(ItemRevision, Process.id, _AS_OF),
).where(col(Process.slug) == _SLUG)


async def process_log_version(session: AsyncSession, slug: str) -> str:
    """A text that changes with every event or item revision recorded for the process `slug`;
    NotFound when there is no such process.

    It names the newest revision id and the number of revisions of each log: on PostgreSQL a
    transaction may commit a lower id after a higher one is visible, which the count catches.
    One statement, so both logs are read in one snapshot.
    """
    row = (await session.exec(_LOG_VERSION, params={"slug": slug})).one_or_none()
    if row is None:
        raise NotFound(f"no process {slug!r}")
    return f"{LogPosition.of(row[0], row[1])}.{LogPosition.of(row[2], row[3])}"


async def analysis_stamps(session: AsyncSession, slug: str, as_of: dt.date) -> LogStamps:
    """Where the event and item logs of process `slug` stand, and the stamp of what is known on
    `as_of`, in one statement (one snapshot, one round trip); NotFound without such a process."""
    params = {"slug": slug, "as_of": as_of}
    row = (await session.exec(_STAMPS, params=params)).one_or_none()
    if row is None:
        raise NotFound(f"no process {slug!r}")
    return LogStamps(
        process_id=row[0],
        slug=slug,
        as_of=as_of,
        events=LogPosition.of(row[1], row[2]),
        items=LogPosition.of(row[3], row[4]),
        known=KnownStamp(LogPosition.of(row[5], row[6]), LogPosition.of(row[7], row[8])),
    )
