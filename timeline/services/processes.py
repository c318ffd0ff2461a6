"""The processes service: create, list, read and change processes, with counts and links."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from timeline.domain.model import ProcessInfo
from timeline.schemas.processes import ProcessLinks, ProcessPublic
from timeline.store import processes as process_store
from timeline.store.db import Database
from timeline.store.log_position import item_log_version, log_version
from timeline.store.tables import Process

__all__ = [
    "DescribedProcess",
    "create_process",
    "describe_process",
    "process_info",
    "process_links",
    "process_page",
    "update_process",
]


@dataclass(frozen=True, slots=True)
class DescribedProcess:
    """A process as served, and the version its ETag names."""

    body: ProcessPublic
    # The body carries counts, so the version moves with the event and item logs too.
    version: str


def process_links(root: str, slug: str) -> ProcessLinks:
    """Every view of a process, as absolute URLs."""
    api = f"{root}/api/v1/processes/{slug}"
    calendar = f"{api}/calendar.ics"
    return ProcessLinks(
        self=api,
        events=f"{api}/timeline",  # the GET listing of events (POST-only /events is a 405)
        timeline=f"{api}/timeline",
        calendar=calendar,
        webcal="webcal://" + calendar.split("://", 1)[1],
        atom=f"{api}/changes.atom",
        json_feed=f"{api}/changes.json",
        risks=f"{api}/risks",
        entry_into_force=f"{api}/entry-into-force",
        timelinejs=f"{api}/timelinejs.json",
        page=f"{root}/processes/{slug}",
    )


def process_info(process: Process) -> ProcessInfo:
    """The descriptive fields of a stored process, as the formats take them."""
    return ProcessInfo(
        slug=process.slug,
        title=process.title,
        description=process.description,
        timezone=process.timezone,
        url=process.url,
    )


def _public(row: Process, counts: dict[str, int], root: str) -> ProcessPublic:
    return ProcessPublic(
        **asdict(process_info(row)),  # slug, title, description, timezone, url
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        counts=counts,
        links=process_links(root, row.slug),
    )


async def create_process(
    db: Database, fields: dict[str, Any], *, root: str, now: dt.datetime
) -> DescribedProcess:
    """Store a new process; Conflict when the slug is taken."""
    async with db.write() as session:
        row = await process_store.create_process(session, fields, now=now)
    body = _public(row, {"events": 0, "items": 0}, root)
    return DescribedProcess(body, f"{row.version}.0.0.0")


async def process_page(
    db: Database, *, after: Any, limit: int, root: str
) -> tuple[list[ProcessPublic], str | None]:
    """The processes after slug `after`, ordered by slug, at most `limit`; and the slug of the
    last one when more follow (else None)."""
    async with db.read() as session:
        rows = await process_store.list_processes(session, after=after, limit=limit + 1)
        page = rows[:limit]
        counts = await process_store.count_events_many(session, [r.id for r in page if r.id])
        items = [_public(row, counts[row.id], root) for row in page if row.id is not None]
    return items, (rows[limit - 1].slug if len(rows) > limit else None)


async def describe_process(db: Database, slug: str, *, root: str) -> DescribedProcess:
    """The process with its counts and links; NotFound when there is none."""
    async with db.read() as session:
        row = await process_store.get_process(session, slug)
        assert row.id is not None
        counts = await process_store.count_events(session, row.id)
        events = await log_version(session, [row.id])
        items = await item_log_version(session, [row.id])
    return DescribedProcess(_public(row, counts, root), f"{row.version}.{events}.{items}")


async def update_process(
    db: Database,
    slug: str,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
    root: str,
    now: dt.datetime,
) -> DescribedProcess:
    """Apply a merge patch if the process is still at `expected_version` (PreconditionFailed
    when not); the process as it is afterwards."""
    async with db.write() as session:
        await process_store.update_process(
            session, slug, changes, expected_version=expected_version, now=now
        )
    return await describe_process(db, slug, root=root)
