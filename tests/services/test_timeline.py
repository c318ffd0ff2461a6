"""The timeline service: a process's events and what is coming up, a page at a time, with the
key of each page's last event when more follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from timeline.domain.errors import InvalidFields, NotFound
from timeline.seed import load_seed
from timeline.services.events import change_event
from timeline.services.timeline import PageKey, timeline_page, upcoming_page
from timeline.store.db import Database

SLUG = "ahc-cybercrime"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await load_seed(database, SLUG)
    try:
        yield database
    finally:
        await database.dispose()


async def _whole(db: Database, limit: int) -> tuple[list[str], list[PageKey | None]]:
    ids: list[str] = []
    keys: list[PageKey | None] = []
    after: PageKey | None = None
    while True:
        page, after = await timeline_page(
            db, SLUG, start=None, end=None, kinds=(), tags=(), statuses=(),
            as_of=None, after=after, limit=limit,
        )  # fmt: skip
        ids += [s.id for s in page]
        keys.append(after)
        if after is None:
            return ids, keys


async def test_pages_follow_each_other_to_the_whole_timeline(db: Database) -> None:
    whole, _ = await _whole(db, 500)
    paged, keys = await _whole(db, 3)
    assert len(whole) > 6
    assert paged == whole
    assert keys[-1] is None and all(k is not None for k in keys[:-1])
    assert len(keys) == -(-len(whole) // 3)  # no empty page at the end


async def test_a_window_ending_before_it_starts_names_to(db: Database) -> None:
    with pytest.raises(InvalidFields) as raised:
        await timeline_page(
            db, SLUG, start=dt.date(2024, 1, 2), end=dt.date(2024, 1, 1), kinds=(), tags=(),
            statuses=(), as_of=None, after=None, limit=10,
        )  # fmt: skip
    assert [e.field for e in raised.value.errors] == ["to"]


async def test_an_unknown_process_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await timeline_page(
            db, "nowhere", start=None, end=None, kinds=(), tags=(), statuses=(),
            as_of=None, after=None, limit=10,
        )  # fmt: skip
    with pytest.raises(NotFound):
        await upcoming_page(
            db, ["nowhere"], day=dt.date(2024, 1, 1), days=30, kinds=(), as_of=None,
            after=None, limit=10,
        )  # fmt: skip


async def test_upcoming_keeps_what_overlaps_the_window_and_leaves_out_cancelled(
    db: Database,
) -> None:
    day = dt.date(2023, 6, 1)
    states, key = await upcoming_page(
        db, [SLUG], day=day, days=365, kinds=(), as_of=None, after=None, limit=500
    )
    assert states and key is None
    window_end = day + dt.timedelta(days=365)
    assert all(s.end >= day and s.start <= window_end for s in states)
    assert [(s.start, s.end, s.kind, s.id) for s in states] == sorted(
        (s.start, s.end, s.kind, s.id) for s in states
    )
    cancelled = states[0].id
    await change_event(
        db, SLUG, cancelled, {"status": "cancelled"}, expected_version=None,
        known_on=dt.date(2024, 1, 1), actor="t", now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    after, _ = await upcoming_page(
        db, [SLUG], day=day, days=365, kinds=(), as_of=None, after=None, limit=500
    )
    assert [s.id for s in after] == [s.id for s in states[1:]]
    whole, _ = await _whole(db, 500)
    assert cancelled in whole  # still on the timeline, only not coming
