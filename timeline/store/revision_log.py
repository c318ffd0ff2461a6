"""Reading a revision log: the revisions of many owners (events' items', position records')
in one query, grouped by owner, oldest first, optionally only those known by a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import RevisionColumns

__all__ = ["grouped_revisions"]

_Revision = TypeVar("_Revision", bound=RevisionColumns)


async def grouped_revisions(
    session: AsyncSession,
    table: type[_Revision],
    owner: str,
    owner_ids: Sequence[int | None],
    as_of: dt.date | None = None,
) -> dict[int, list[_Revision]]:
    """The revisions of `table` whose `owner` column is one of `owner_ids`, by owner id, in
    version order; with `as_of`, only those known by that day (an owner with none is absent)."""
    if not owner_ids:
        return {}
    owned = col(getattr(table, owner))
    query = select(table).where(owned.in_(owner_ids))
    if as_of is not None:
        query = query.where(col(table.known_on) <= as_of)
    query = query.order_by(owned, col(table.version))
    grouped: dict[int, list[_Revision]] = defaultdict(list)
    for revision in (await session.exec(query)).all():
        grouped[getattr(revision, owner)].append(revision)
    return grouped
