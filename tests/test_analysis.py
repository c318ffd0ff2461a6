"""The analysis service: loads through the store, caches per log version, never serves stale."""

from __future__ import annotations

import datetime as dt

from timeline.analysis import _LRU, assess_entry_into_force, assess_risks
from timeline.seed import load_seed
from timeline.store.db import Database
from timeline.store.items import update_item
from timeline.store.processes import get_process

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def test_results_are_cached_until_the_log_changes(database_url: str) -> None:
    db = Database(database_url)
    try:
        await _check_cache(db)
    finally:
        await db.dispose()


async def _check_cache(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    day = dt.date(2023, 6, 30)
    first = await assess_risks(db, "ahc-cybercrime", day)
    assert await assess_risks(db, "ahc-cybercrime", day) is first  # served from the cache
    eif = await assess_entry_into_force(db, "ahc-cybercrime", day)
    assert await assess_entry_into_force(db, "ahc-cybercrime", day) is eif
    async with db.write() as session:
        process = await get_process(session, "ahc-cybercrime")
        await update_item(
            session, process, "copyright", {"status": "agreed"}, expected_version=None,
            known_on=dt.date(2023, 6, 1), actor="t", now=NOW,
        )  # fmt: skip
    again = await assess_risks(db, "ahc-cybercrime", day)
    assert again is not first
    assert again.log_version != first.log_version
    assert again.deadlines[0].open_items == first.deadlines[0].open_items - 1
    assert again.to_json()["deadlines"][0]["open_items"] == 21


def test_lru_forgets_the_least_recently_used_first() -> None:
    cache: _LRU[str] = _LRU(2)
    cache.put(("a",), "A")
    cache.put(("b",), "B")
    assert cache.get(("a",)) == "A"  # now "b" is the oldest
    cache.put(("c",), "C")
    assert cache.get(("b",)) is None
    assert (cache.get(("a",)), cache.get(("c",))) == ("A", "C")
