"""Events replayed from their revisions: as known on a day, and their histories."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import NotFound
from timeline.domain.model import EventState
from timeline.store.event_rows import EventFilter, PageKey, page_key, state_from_snapshot
from timeline.store.tables import Event, EventRevision, Process

__all__ = ["event_as_of", "history", "replayed_states", "state_from_revision"]


def state_from_revision(revision: EventRevision, row: Event, process: str) -> EventState:
    """The event as `revision` recorded it (`row` is the event's own row)."""
    return state_from_snapshot(revision.snapshot, revision, row.created_at, process)


async def event_as_of(
    session: AsyncSession, row: Event, process: str, as_of: dt.date
) -> EventState:
    """The event of `row` as it was known on `as_of`; NotFound when it did not exist then."""
    revision = (
        await session.exec(
            select(EventRevision)
            .where(EventRevision.event_id == row.id, col(EventRevision.known_on) <= as_of)
            .order_by(col(EventRevision.version).desc())
            .limit(1)
        )
    ).one_or_none()
    if revision is None or revision.change == "deleted":
        raise NotFound(f"event {row.id!r} was not known on {as_of.isoformat()}")
    return state_from_revision(revision, row, process)


async def replayed_states(
    session: AsyncSession,
    slugs: dict[int | None, str],
    flt: EventFilter,
    as_of: dt.date,
    after: PageKey | None,
    limit: int | None,
) -> list[EventState]:
    """The events of the processes `slugs` names (id to slug) as known on `as_of`, each from
    its latest revision known then, passing `flt`, in page order after `after`."""
    latest = (
        select(EventRevision.event_id, func.max(EventRevision.version).label("version"))
        .where(col(EventRevision.process_id).in_(slugs), col(EventRevision.known_on) <= as_of)
        .group_by(col(EventRevision.event_id))
        .subquery()
    )
    query = (
        select(EventRevision, Event)
        .join(
            latest,
            and_(
                col(EventRevision.event_id) == latest.c.event_id,
                col(EventRevision.version) == latest.c.version,
            ),
        )
        .join(Event, col(Event.id) == col(EventRevision.event_id))
        .where(EventRevision.change != "deleted")
    )
    states = [
        state_from_revision(revision, row, slugs[row.process_id])
        for revision, row in (await session.exec(query)).all()
    ]
    chosen = sorted(
        (s for s in states if flt.accepts(s) and (after is None or page_key(s) > after)),
        key=page_key,
    )
    return chosen if limit is None else chosen[:limit]


async def history(session: AsyncSession, process: Process, event_id: str) -> list[EventRevision]:
    """Every revision of an event, oldest first (deleted events included)."""
    row = await session.get(Event, event_id)
    if row is None or row.process_id != process.id:
        raise NotFound(f"no event {event_id!r} in process {process.slug!r}")
    query = (
        select(EventRevision)
        .where(EventRevision.event_id == event_id)
        .order_by(col(EventRevision.version))
    )
    return list((await session.exec(query)).all())
