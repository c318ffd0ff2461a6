"""The position change log: revisions of proposals, stances, placements and vote rolls, newest
first, each with the document before it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.position_changes import NEWS_KINDS, PositionChange
from timeline.store.position_tables import PositionRevision
from timeline.store.revision_log import LogPage, newest_first
from timeline.store.revision_rows import revision_fields
from timeline.store.tables import Process

__all__ = ["list_position_changes"]


async def list_position_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    kinds: Sequence[str] = NEWS_KINDS,
    **page: Unpack[LogPage],
) -> list[PositionChange]:
    """Up to `limit` revisions of records of `kinds` in `processes`, newest recorded first,
    each with the record's document before it; with `as_of`, only those known on that day."""
    slugs = {p.id: p.slug for p in processes}
    if not slugs or not kinds or page["limit"] <= 0:
        return []
    previous = aliased(PositionRevision)
    query = (
        select(PositionRevision, previous.snapshot)
        .outerjoin(
            previous,
            and_(
                col(previous.record_id) == PositionRevision.record_id,
                col(previous.version) == PositionRevision.version - 1,
            ),
        )
        .where(
            col(PositionRevision.process_id).in_(slugs),
            col(PositionRevision.kind).in_(kinds),
        )
    )
    query = newest_first(query, PositionRevision, page)
    changes = []
    for revision, before in (await session.exec(query)).all():
        assert revision.id is not None
        changes.append(
            PositionChange(
                id=revision.id,
                process=slugs[revision.process_id],
                kind=revision.kind,
                key=revision.key,
                document=dict(revision.snapshot),
                previous=None if before is None else dict(before),
                **revision_fields(revision, revision.fields),
            )
        )
    return changes
