"""Log stamps (ETags, caches) move with every committed change, whatever the commit order."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.store.calendar import log_stamp
from timeline.store.db import Database
from timeline.store.events import create_event, log_version
from timeline.store.processes import create_process, get_process

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOTE = {"kind": "note", "title": "N", "date": "2024-01-02"}


async def test_a_lower_revision_id_committed_last_still_moves_the_stamps(
    database_url: str,
) -> None:
    db = Database(database_url)
    if db.is_sqlite:
        await db.dispose()
        pytest.skip("SQLite serialises writers: ids always commit in order")
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
    await db.dispose()
    assert middle[0] != final[0]
    assert middle[1][0] != final[1][0]
