"""The change log: recorded event changes, newest first, each with the event before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.model import ChangeRecord
from timeline.store.event_replays import state_from_revision
from timeline.store.tables import Event, EventRevision, Process

__all__ = ["list_changes"]


async def list_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    limit: int,
    before_id: int | None = None,
    as_of: dt.date | None = None,
) -> list[ChangeRecord]:
    """Recorded changes of `processes`, newest first, each with the event before and after.

    With `as_of`, only changes known on that day are listed.
    """
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    query = select(EventRevision, Event).join(Event, col(Event.id) == EventRevision.event_id)
    query = query.where(col(EventRevision.process_id).in_(slugs))
    if before_id is not None:
        query = query.where(col(EventRevision.id) < before_id)
    if as_of is not None:
        query = query.where(col(EventRevision.known_on) <= as_of)
    query = query.order_by(col(EventRevision.id).desc()).limit(limit)
    pairs = (await session.exec(query)).all()
    wanted = [(r.event_id, r.version - 1) for r, _ in pairs if r.version > 1]
    previous: dict[tuple[str, int], EventRevision] = {}
    if wanted:
        earlier = await session.exec(
            select(EventRevision).where(
                or_(
                    *(
                        and_(col(EventRevision.event_id) == e, col(EventRevision.version) == v)
                        for e, v in wanted
                    )
                )
            )
        )
        previous = {(r.event_id, r.version): r for r in earlier.all()}
    records: list[ChangeRecord] = []
    for revision, row in pairs:
        slug = slugs[row.process_id]
        before = previous.get((revision.event_id, revision.version - 1))
        assert revision.id is not None
        records.append(
            ChangeRecord(
                id=revision.id,
                event_id=revision.event_id,
                process=slug,
                version=revision.version,
                change=revision.change,
                actor=revision.actor,
                known_on=revision.known_on,
                recorded_at=revision.recorded_at,
                fields=dict(revision.fields),
                event=state_from_revision(revision, row, slug),
                previous=None if before is None else state_from_revision(before, row, slug),
            )
        )
    return records
