"""No N+1: every list request runs the same number of SQL statements whatever its row count.

An engine event listener counts the statements each request sends. The same requests run
against a process with a few rows and one with many more; a count that grows with the rows
means a query per row (an N+1), which these tests refuse. Counts, not time: nothing is timed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests._statements import statements_sent
from timeline.app import create_app
from timeline.services import events as event_store
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.items import create_item
from timeline.store.processes import create_process

NOW = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
KNOWN = dt.date(2024, 3, 1)
SMALL, LARGE = 3, 40

LIST_PATHS = (
    "/api/v1/processes",
    "/api/v1/processes/{slug}",
    "/api/v1/processes/{slug}/timeline?limit=500",
    "/api/v1/processes/{slug}/timeline?limit=500&as_of=2024-03-01",
    "/api/v1/processes/{slug}/timeline?limit=500&tag=plenary",
    "/api/v1/upcoming?process={slug}&as_of=2023-01-01&days=3660&limit=500",
    "/api/v1/processes/{slug}/events/{first}/history",
    "/api/v1/processes/{slug}/items",
    "/api/v1/processes/{slug}/calendar.ics",
    "/api/v1/calendar.ics",
    "/api/v1/processes/{slug}/changes.atom",
    "/api/v1/processes/{slug}/changes.json",
    "/api/v1/changes.json",
    "/api/v1/processes/{slug}/timelinejs.json",
    "/api/v1/processes/{slug}/risks?as_of=2024-03-01",
    "/api/v1/processes/{slug}/entry-into-force?as_of=2024-03-01",
    "/processes/{slug}",
)


async def _fill(db: Database, slug: str, count: int) -> str:
    """A process with `count` events (each changed once, some tagged) and `count` items."""
    async with db.write() as session:
        process = await create_process(session, {"slug": slug, "title": f"Process {slug}"}, now=NOW)
        ids: list[str] = []
        for index in range(count):
            day = dt.date(2023, 1, 2) + dt.timedelta(days=index * 3)
            kind = ("session", "informal", "deadline")[index % 3]
            # a deadline waits for the session two events before it
            waits = [{"event": ids[index - 2], "lag_days": 0}] if kind == "deadline" else []
            state = await event_store.create_event(
                session,
                process,
                {
                    "kind": kind,
                    "title": f"Event {index}",
                    "date": day.isoformat(),
                    "tags": ["plenary"] if index % 2 else [],
                    "depends_on": waits,
                },
                known_on=KNOWN,
                actor="test",
                now=NOW,
            )
            await event_store.update_event(
                session,
                process,
                state.id,
                {"title": f"Event {index} (moved)", "status": "held"},
                expected_version=1,
                known_on=KNOWN,
                actor="test",
                now=NOW,
            )
            ids.append(state.id)
            await create_item(
                session,
                process,
                {"key": f"art-{index}", "title": f"Article {index}", "status": "open"},
                known_on=KNOWN,
                actor="test",
                now=NOW,
            )
    return ids[0]


@pytest.fixture
async def app_and_client(settings: Settings) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The app with rate limits off (their batched writes are not part of a list request)."""
    app = create_app(dataclasses.replace(settings, read_rate_per_minute=0, write_rate_per_minute=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield app, client
    await app.state.db.dispose()


async def _counts(
    app: Any, client: httpx.AsyncClient, slug: str, first: str
) -> dict[str, tuple[int, int]]:
    """{path: (statements, response bytes)} for every list path on process `slug`."""
    db: Database = app.state.db
    found: dict[str, tuple[int, int]] = {}
    for template in LIST_PATHS:
        path = template.format(slug=slug, first=first)
        with statements_sent(db) as statements:
            response = await client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        found[template] = (len(statements), len(response.content))
    return found


async def test_list_requests_run_as_many_statements_for_many_rows_as_for_few(
    app_and_client: tuple[Any, httpx.AsyncClient],
) -> None:
    app, client = app_and_client
    db: Database = app.state.db
    small_first = await _fill(db, "small", SMALL)
    small = await _counts(app, client, "small", small_first)
    large_first = await _fill(db, "large", LARGE)
    large = await _counts(app, client, "large", large_first)
    for template in LIST_PATHS:
        (few, _), (many, _) = small[template], large[template]
        assert few > 0, f"{template}: no statement counted (is the listener on the right engine?)"
        assert many == few, f"{template}: {few} statements for {SMALL} rows, {many} for {LARGE}"
    # the large process really serves more rows: the pages grew, the statement counts did not
    timeline = "/api/v1/processes/{slug}/timeline?limit=500"
    assert large[timeline][1] > 5 * small[timeline][1]


async def test_a_cached_analysis_is_served_without_recomputing_from_rows(
    app_and_client: tuple[Any, httpx.AsyncClient],
) -> None:
    app, client = app_and_client
    db: Database = app.state.db
    await _fill(db, "cached", LARGE)
    path = "/api/v1/processes/cached/risks?as_of=2024-03-01"
    with statements_sent(db) as cold:
        first = await client.get(path)
    with statements_sent(db) as warm:
        second = await client.get(path)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert len(warm) < len(cold), f"cold {len(cold)} statements, cached {len(warm)}"
