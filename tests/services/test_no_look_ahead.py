"""No look-ahead: recording anything known after day D never changes an answer as of D.

Through the services on the real database (SQLite, or PostgreSQL with
TIMELINE_TEST_DATABASE_URL): the deadline risks, the entry-into-force view, the events coming up
and the digest of the demo process as of D are computed, then Hypothesis records new events
(treaty events among them), status and attribute changes and item changes whose `known_on` is
after D (some dated long before D), and every answer as of D must be byte for byte the same.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.domain.errors import InvalidFields
from timeline.seed import load_seed, seed_event_id
from timeline.services import analysis
from timeline.services.events import create_event, update_event
from timeline.services.feeds import digest
from timeline.services.timeline import upcoming_page
from timeline.store.db import Database
from timeline.store.items import update_item
from timeline.store.processes import get_process

SLUG = "ahc-cybercrime"
FIRST = dt.date(2021, 6, 1)
LAST = dt.date(2026, 11, 30)  # known_on may not be in the future
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
PARTIES = ["Chad", "Peru", "Fiji", "Norway", "Viet Nam", "European Union"]

days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + dt.timedelta(days=n))


@st.composite
def later_writes(draw: st.DrawFn, as_of: dt.date) -> list[dict[str, Any]]:
    """Writes known after `as_of`, about any day (before or after it)."""
    writes = []
    for _ in range(draw(st.integers(1, 4))):
        known = as_of + dt.timedelta(days=draw(st.integers(1, max(1, (LAST - as_of).days))))
        known = min(known, LAST)
        dated = draw(days).isoformat()
        choice = draw(st.sampled_from(["deposit", "rank", "session", "deadline", "status", "item",
                                       "treaty-event", "package"]))  # fmt: skip
        writes.append({"what": choice, "known_on": known, "date": dated,
                       "party": draw(st.sampled_from(PARTIES)),
                       "status": draw(st.sampled_from(["held", "missed", "postponed"])),
                       "rank": draw(st.integers(1, 80))})  # fmt: skip
    return writes


async def _answers(db: Database, as_of: dt.date) -> list[str]:
    risks = (await analysis.assess_risks(db, SLUG, as_of)).to_json()
    eif = (await analysis.assess_entry_into_force(db, SLUG, as_of)).to_json()
    served = await digest(db, slugs=[SLUG], days=60, since=None, fmt="json", as_of=as_of,
                          today=LAST, root="http://testserver")  # fmt: skip
    coming, _ = await upcoming_page(db, [SLUG], day=as_of, days=60, kinds=(), as_of=as_of,
                                    after=None, limit=500)  # fmt: skip
    return [json.dumps(risks, sort_keys=True), json.dumps(eif, sort_keys=True), served.body.hex(),
            repr(coming)]  # fmt: skip


async def _unless_known_too_early(change: Awaitable[Any]) -> None:
    """Make `change`; one refused because it would be known before its record was writes
    nothing, which is all this test needs of it."""
    try:
        await change
    except InvalidFields as error:
        if [e.field for e in error.errors] != ["known_on"]:
            raise


async def _record(db: Database, write: dict[str, Any], serial: int) -> None:
    meta = {"known_on": write["known_on"], "actor": "test", "now": NOW}
    async with db.write() as session:
        process = await get_process(session, SLUG)
        what = write["what"]
        if what in ("deposit", "rank"):
            attributes: dict[str, Any] = {"party": write["party"]}
            if what == "rank":
                attributes["count"] = write["rank"]
            document = {"kind": "ratification", "title": f"Deposit {serial}", "status": "held",
                        "date": write["date"], "attributes": attributes}  # fmt: skip
            await create_event(session, process, document, **meta)
        elif what == "session":
            document = {"kind": "session", "title": f"Session {serial}", "status": "planned",
                        "date": f"{write['date']}/{write['date']}"}  # fmt: skip
            await create_event(session, process, document, **meta)
        elif what == "treaty-event":
            # an announced treaty event is a likely deposit wave, from the day it is known
            document = {"kind": "milestone", "title": f"Treaty event {serial}", "status": "planned",
                        "date": write["date"], "tags": ["treaty-event"]}  # fmt: skip
            await create_event(session, process, document, **meta)
        elif what == "package":
            await _unless_known_too_early(
                update_event(
                    session,
                    process,
                    seed_event_id(SLUG, "adoption-deadline"),
                    {"attributes": {"hard": False, "package": True}},
                    expected_version=None,
                    **meta,
                )
            )
        elif what == "deadline":
            document = {"kind": "deadline", "title": f"Mandate {serial}", "date": write["date"]}
            await create_event(session, process, document, **meta)
        elif what == "status":
            event_id = seed_event_id(SLUG, "committee-approval")
            # a change cannot be known before the event itself was: such a write is refused
            # (and so records nothing), whatever day it is drawn for
            await _unless_known_too_early(
                update_event(
                    session,
                    process,
                    event_id,
                    {"status": write["status"]},
                    expected_version=None,
                    **meta,
                )
            )
        else:
            await _unless_known_too_early(
                update_item(
                    session,
                    process,
                    "terminology",
                    {"status": "agreed"},
                    expected_version=None,
                    **meta,
                )
            )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_nothing_known_after_d_changes_an_answer_at_d(
    database_url: str, data: st.DataObject
) -> None:
    as_of = data.draw(days.filter(lambda d: d < LAST), label="as_of")
    writes = data.draw(later_writes(as_of), label="writes")

    async def check() -> None:
        db = Database(database_url)
        try:
            await load_seed(db, SLUG)  # once per database: None when already loaded
            before = await _answers(db, as_of)
            for serial, write in enumerate(writes):
                await _record(db, write, serial)
            assert await _answers(db, as_of) == before
        finally:
            await db.dispose()

    asyncio.run(check())
