"""Position news for the change feeds and the digest: the position change log read through
the store, named in readers' words (party and group names, proposal titles, axis ends, voted
events' titles), and merged by time with the event changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import NotFound
from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import public_moment
from timeline.services.parties import registry
from timeline.store import positions as store
from timeline.store.events import get_event
from timeline.store.position_changes import list_position_changes
from timeline.store.tables import Process

__all__ = ["merge_news", "position_news"]

_BATCH = 500


async def position_news(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    limit: int,
    as_of: dt.date | None = None,
    keep: Callable[[PositionChange], bool] | None = None,
) -> list[PositionChange]:
    """Up to `limit` position changes of `processes`, newest recorded first, known on `as_of`
    and accepted by `keep`, each named as known on `as_of` (now when None)."""
    found: list[PositionChange] = []
    before: int | None = None
    while len(found) < limit:
        batch = await list_position_changes(
            session, processes, limit=_BATCH, before_id=before, as_of=as_of
        )
        found.extend(c for c in batch if keep is None or keep(c))
        if len(batch) < _BATCH:
            break
        before = batch[-1].id
    found = found[:limit]
    by_slug = {p.slug: p for p in processes}
    named: list[PositionChange] = []
    names: dict[str, _Names] = {}
    for change in found:
        if change.process not in names:
            names[change.process] = await _Names.read(session, by_slug[change.process], as_of)
        named.append(await names[change.process].name(session, change))
    return named


class _Names:
    """What a process's position changes are about, as known on a day, read once per feed."""

    def __init__(
        self,
        process: Process,
        holders: dict[str, str],
        proposals: dict[str, dict[str, Any]],
        axes: dict[str, dict[str, Any]],
    ) -> None:
        self.process = process
        self.holders = holders
        self.proposals = proposals
        self.axes = axes
        self.events: dict[str, str] = {}

    @classmethod
    async def read(cls, session: AsyncSession, process: Process, as_of: dt.date | None) -> _Names:
        reg = registry()
        holders = {p.code: p.name for p in reg.parties}
        holders.update({g.key: g.name for g in reg.groups})
        groups = await store.replay_documents(session, process, "group", as_of=as_of)
        holders.update({k: str(d.get("name") or k) for k, d in groups.items()})
        proposals = await store.replay_documents(session, process, "proposal", as_of=as_of)
        axes = await store.replay_documents(session, process, "axis", as_of=as_of)
        return cls(process, holders, proposals, axes)

    async def _event_title(self, session: AsyncSession, event_id: str) -> str:
        if event_id not in self.events:
            try:
                self.events[event_id] = (await get_event(session, self.process, event_id)).title
            except NotFound:
                self.events[event_id] = event_id
        return self.events[event_id]

    async def name(self, session: AsyncSession, change: PositionChange) -> PositionChange:
        document = change.document
        holder = document.get("holder")
        holder_name = self.holders.get(str(holder)) if holder is not None else None
        subject: str | None = None
        axis: tuple[str, str] | None = None
        if change.kind == "stance":
            proposal = self.proposals.get(str(document.get("proposal")), {})
            subject = proposal.get("title")
        elif change.kind == "placement":
            found = self.axes.get(str(document.get("axis")), {})
            subject = found.get("name")
            if found.get("low") and found.get("high"):
                axis = (str(found["low"]), str(found["high"]))
        elif change.kind == "roll":
            subject = await self._event_title(session, str(document.get("event", change.key)))
        return dataclasses.replace(change, holder_name=holder_name, subject=subject, axis=axis)


def merge_news(
    records: Sequence[ChangeRecord], positions: Sequence[PositionChange], limit: int
) -> list[ChangeRecord | PositionChange]:
    """Event changes and position changes in one list, newest public first (`public_moment`,
    the moment the feeds date them by), at most `limit`; without position changes the event
    changes keep the log's order."""
    if not positions:
        return list(records[:limit])
    both: list[ChangeRecord | PositionChange] = [*records, *positions]
    return sorted(both, key=public_moment, reverse=True)[:limit]
