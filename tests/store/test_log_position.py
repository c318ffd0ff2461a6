"""Log stamps (ETags, caches) move with every committed change, whatever the commit order."""

from __future__ import annotations

import datetime as dt

from sqlmodel.ext.asyncio.session import AsyncSession

from tests.conftest import postgres_only
from timeline.services.events import create_event
from timeline.store.calendar import log_stamp
from timeline.store.db import Database
from timeline.store.items import create_item
from timeline.store.log_position import LogPosition, log_position, log_version
from timeline.store.processes import create_process, get_process
from timeline.store.tables import EventRevision, ItemRevision

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOTE = {"kind": "note", "title": "N", "date": "2024-01-02"}


@postgres_only
async def test_a_lower_revision_id_committed_last_still_moves_the_stamps(
    db: Database,
) -> None:
    async with db.write() as session:
        process = await create_process(session, {"slug": "p", "title": "P"}, now=NOW)
    async with db._write() as early, db._write() as late:
        async with early.begin():
            # `early` takes the lower revision id but commits after `late`.
            await create_event(
                early, await get_process(early, "p"), NOTE, known_on=NOW.date(), actor="a", now=NOW
            )
            async with late.begin():
                await create_event(
                    late,
                    await get_process(late, "p"),
                    NOTE,
                    known_on=NOW.date(),
                    actor="b",
                    now=NOW,
                )
            async with db.read() as reader:
                middle = (
                    await log_version(reader, [process.id]),
                    await log_stamp(reader, [process.id]),
                )
        async with db.read() as reader:
            final = (await log_version(reader, [process.id]), await log_stamp(reader, [process.id]))
    assert middle[0] != final[0]
    assert middle[1][0] != final[1][0]


async def test_log_position_moves_when_a_lower_id_commits_last(database_url: str) -> None:
    """On PostgreSQL the lower id commits after the higher one (two transactions at once); on
    SQLite, which serialises writers, one after the other: either way the position moves."""
    db = Database(database_url)
    async with db.write() as session:
        process = await create_process(session, {"slug": "p", "title": "P"}, now=NOW)
    ids = [process.id]

    async def position() -> tuple[LogPosition, LogPosition]:
        async with db.read() as reader:
            return (
                await log_position(reader, EventRevision, ids),
                await log_position(reader, ItemRevision, ids),
            )

    async def write(session: AsyncSession, key: str) -> None:
        found = await get_process(session, "p")
        await create_event(session, found, NOTE, known_on=NOW.date(), actor=key, now=NOW)
        item = {"key": key, "title": key.upper(), "chapter": None, "status": "open"}
        await create_item(session, found, item, known_on=NOW.date(), actor=key, now=NOW)

    start = await position()
    if db.is_sqlite:
        async with db.write() as early:
            await write(early, "a")
        middle = await position()
        async with db.write() as late:
            await write(late, "b")
    else:
        async with db._write() as early, db._write() as late, early.begin():
            await write(early, "a")  # takes the lower ids, commits last
            async with late.begin():
                await write(late, "b")
            middle = await position()
    final = await position()
    await db.dispose()
    assert start == (LogPosition(), LogPosition())
    assert middle[0].count == middle[1].count == 1
    assert final[0] != middle[0] and final[1] != middle[1]
    assert final[0].count == final[1].count == 2
