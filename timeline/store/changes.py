"""The change log: recorded event changes, newest first, each with the event before and after."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

from sqlalchemy import and_, exists, func, or_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.model import ChangeRecord
from timeline.store.event_replays import state_from_revision
from timeline.store.revision_log import LogPage, newest_first
from timeline.store.revision_rows import revision_fields
from timeline.store.tables import Event, EventRevision, Process

__all__ = ["list_changes"]


async def list_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    kinds: Sequence[str] = (),
    tags: Sequence[str] = (),
    **page: Unpack[LogPage],
) -> list[ChangeRecord]:
    """Recorded changes of `processes`, newest first, each with the event before and after.

    With `as_of`, only changes known on that day are listed. With `kinds` (`tags`), only
    changes whose event is of one of them (carries one of them) before or after the change.
    """
    slugs = {p.id: p.slug for p in processes}
    if not slugs:
        return []
    query = select(EventRevision, Event).join(Event, col(Event.id) == EventRevision.event_id)
    query = query.where(col(EventRevision.process_id).in_(slugs))
    if kinds or tags:
        dialect = (await session.connection()).dialect.name
        query = _of_kinds_and_tags(query, kinds, tags, dialect)
    query = newest_first(query, EventRevision, page)
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
                event=state_from_revision(revision, row, slug),
                previous=None if before is None else state_from_revision(before, row, slug),
                **revision_fields(revision, revision.fields),
            )
        )
    return records


def _of_kinds_and_tags(query: Any, kinds: Sequence[str], tags: Sequence[str], dialect: str) -> Any:
    # A change that takes an event out of a kind or tag is news to that kind's or tag's readers,
    # so the state before the change (the revision one version lower) counts as well as the
    # state after it. Filtering here rather than after reading keeps a feed of a rare tag from
    # paging through the whole log.
    previous = aliased(EventRevision)
    query = query.outerjoin(
        previous,
        and_(
            col(previous.event_id) == EventRevision.event_id,
            col(previous.version) == EventRevision.version - 1,
        ),
    )
    states = (EventRevision, previous)
    if kinds:
        query = query.where(or_(*(_kind(s).in_(kinds) for s in states)))
    if tags:
        query = query.where(or_(*(_has_tag(s, tags, dialect) for s in states)))
    return query


def _kind(revision: Any) -> Any:
    return col(revision.snapshot)["kind"].as_string()


def _has_tag(revision: Any, tags: Sequence[str], dialect: str) -> Any:
    # Whether the snapshot's `tags` array holds one of `tags` (false when it has none).
    if dialect == "postgresql":
        return type_coerce(revision.snapshot, JSONB)["tags"].has_any(array(list(tags)))
    elements = func.json_each(revision.snapshot, "$.tags").table_valued("value")
    return exists().select_from(elements).where(elements.c.value.in_(tags))
