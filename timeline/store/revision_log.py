"""Reading a revision log: the revisions of many owners (events' items', position records')
in one query, grouped by owner, oldest first, optionally only those known by a day; or a page
of the whole log, newest first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Required, TypedDict, TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import RevisionColumns

__all__ = ["LogPage", "grouped_revisions", "newest_first"]

_Revision = TypeVar("_Revision", bound=RevisionColumns)


class LogPage(TypedDict, total=False):
    """Which page of a revision log to read, newest first: at most `limit` revisions, only
    those older than `before_id` (the last one of the page before) and, with `as_of`, only
    those known on that day."""

    limit: Required[int]
    before_id: int | None
    as_of: dt.date | None


def newest_first(query: Any, table: Any, page: LogPage) -> Any:
    """`query` (of revisions of `table`, a revision log with an `id`) narrowed to `page`,
    newest first."""
    before_id, as_of = page.get("before_id"), page.get("as_of")
    if before_id is not None:
        query = query.where(col(table.id) < before_id)
    if as_of is not None:
        query = query.where(col(table.known_on) <= as_of)
    return query.order_by(col(table.id).desc()).limit(page["limit"])


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
