"""Random but valid changes to one process, written through the store's own functions: events
of the kinds the analyses read (created, patched, deleted) and items, each change made public on
a day drawn from `KNOWN_ON`, so that it falls before some of the days in `AS_OF` and after
others, and later revisions may carry earlier days than the ones they follow."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from timeline.domain.errors import InvalidFields
from timeline.services import events as event_store
from timeline.store.analysis import event_status_changes
from timeline.store.db import Database
from timeline.store.items import create_item, item_states, update_item
from timeline.store.processes import create_process, get_process

__all__ = [
    "AS_OF",
    "DATES",
    "KNOWN_ON",
    "NOW",
    "RandomLog",
    "random_log",
    "random_log_settings",
    "replayed",
]

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
D = dt.date
KNOWN_ON = (D(2023, 1, 2), D(2023, 3, 1), D(2023, 6, 1), D(2023, 9, 1))
AS_OF = (D(2023, 2, 1), D(2023, 6, 1), D(2023, 12, 31))
DATES = ("2023-01-09/2023-01-13", "2023-05-15/2023-05-19", "2023-07", "2023-10-02", "2024")

_slugs = itertools.count()


def random_log_settings(max_examples: int) -> settings:
    """Hypothesis settings for a test that draws a random log: no deadline (each example writes
    to a real database), and the fixtures (the test database) shared by every example."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class RandomLog:
    """Random but valid changes to one process through the store's write functions."""

    def __init__(self, db: Database, slug: str, data: st.DataObject) -> None:
        self.db, self.slug, self.data = db, slug, data
        self.live: list[str] = []
        self.items: list[str] = []
        # a later revision is never known before its record's first (the API refuses that)
        self.first_known: dict[str, dt.date] = {}

    def _known_on(self, record: str | None = None) -> dt.date:
        first = self.first_known.get(record) if record is not None else None
        days = [day for day in KNOWN_ON if first is None or day >= first]
        return self.data.draw(st.sampled_from(days), label="known_on")

    async def change(self) -> None:
        """Make one change drawn at random (none when the one drawn cannot be made)."""
        choices = ["create", "create_item"]
        if self.live:
            choices += ["patch", "patch", "delete"]
        if self.items:
            choices += ["update_item", "update_item"]
        what = self.data.draw(st.sampled_from(choices), label="change")
        draw = self.data.draw
        async with self.db.write() as session:
            process = await get_process(session, self.slug)
            if what == "create":
                kind = draw(st.sampled_from(["session", "informal", "milestone", "deadline",
                                             "ratification", "eif_threshold"]))  # fmt: skip
                document: dict[str, Any] = {
                    "kind": kind,
                    "title": f"{kind} {len(self.live)}",
                    "date": draw(st.sampled_from(DATES)),
                    "status": draw(st.sampled_from(["planned", "held", "postponed", "tentative"])),
                }
                if kind == "deadline":
                    if not self.live:
                        return
                    document["depends_on"] = [
                        {"event": draw(st.sampled_from(self.live)), "lag_days": 3}
                    ]
                elif kind == "ratification":
                    document["attributes"] = {"party": draw(st.sampled_from(["A", "B", "C"]))}
                elif kind == "eif_threshold":
                    document["attributes"] = {"instruments": draw(st.integers(1, 4)),
                                              "adopted": draw(st.booleans())}  # fmt: skip
                known_on = self._known_on()
                state = await event_store.create_event(
                    session, process, document, known_on=known_on, actor="t", now=NOW
                )
                self.live.append(state.id)
                self.first_known[state.id] = known_on
            elif what == "patch":
                patch = draw(
                    st.sampled_from(
                        [
                            {"status": "held"},
                            {"status": "postponed"},
                            {"status": "cancelled"},
                            {"date": draw(st.sampled_from(DATES))},
                            {"summary": "moved"},
                        ]
                    )
                )
                target = draw(st.sampled_from(self.live))
                await event_store.update_event(
                    session, process, target, patch,
                    expected_version=None, known_on=self._known_on(target), actor="t", now=NOW,
                )  # fmt: skip
            elif what == "delete":
                victim = draw(st.sampled_from(self.live))
                try:
                    await event_store.delete_event(
                        session, process, victim,
                        expected_version=None, known_on=self._known_on(victim), actor="t",
                        now=NOW,
                    )  # fmt: skip
                except InvalidFields:  # something depends on it: nothing is written
                    return
                self.live.remove(victim)
            elif what == "create_item":
                key = f"art-{len(self.items)}"
                raw = {"key": key, "title": key, "status": draw(st.sampled_from(["open",
                       "informals", "agreed"]))}  # fmt: skip
                known_on = self._known_on()
                await create_item(session, process, raw, known_on=known_on, actor="t",
                                  now=NOW)  # fmt: skip
                self.items.append(key)
                self.first_known[f"item:{key}"] = known_on
            else:
                key = draw(st.sampled_from(self.items))
                await update_item(
                    session, process, key,
                    {"status": draw(st.sampled_from(["open", "informals", "agreed", "dropped"]))},
                    expected_version=None, known_on=self._known_on(f"item:{key}"), actor="t",
                    now=NOW,
                )  # fmt: skip


@asynccontextmanager
async def random_log(database_url: str, data: st.DataObject) -> AsyncIterator[RandomLog]:
    """A `RandomLog` on a process of its own, new to the database, over a `Database` of its own
    (so that no cache keyed by the database outlives one example), disposed on the way out."""
    db = Database(database_url)
    slug = f"p{next(_slugs)}"
    try:
        async with db.write() as session:
            await create_process(session, {"slug": slug, "title": "P"}, now=NOW)
        yield RandomLog(db, slug, data)
    finally:
        await db.dispose()


async def replayed(db: Database, slug: str, as_of: dt.date) -> tuple[Any, Any, Any]:
    """The analyses' inputs (events, items, status changes) as known on `as_of`, through the
    store's general replays: the definition every cached or incremental answer must agree with."""
    async with db.read() as session:
        process = await get_process(session, slug)
        events = await event_store.event_states(
            session, [process], event_store.EventFilter(), as_of=as_of
        )
        items = await item_states(session, process, as_of)
        changes = await event_status_changes(session, process, as_of)
    return events, items, changes
