"""Crash safety: SIGKILL the server in the middle of a burst of writes and lose nothing.

Every write the server answered 2xx must be there after a restart, and the log must be whole:
every event's version equals its number of revisions (no revision without its event row, no
event row ahead of its revisions).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests.robustness.server import ADMIN_TOKEN, ServerProcess, running_server, start_server
from timeline.store.db import Database
from timeline.store.tables import Event, EventRevision

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CLIENTS = 4
WRITES_PER_CLIENT = 125  # 500 in all
KILL_AFTER = 200  # acknowledged writes


@dataclass
class Acknowledged:
    """What the server promised: per event, the last version it answered 2xx and its title."""

    versions: dict[str, tuple[int, str]] = field(default_factory=dict)
    count: int = 0
    failed: int = 0


async def writer(
    client: httpx.AsyncClient, number: int, acked: Acknowledged, enough: asyncio.Event
) -> None:
    """Create an event every fifth write and patch it in between, until the server dies."""
    event_url, etag = "", ""
    for i in range(WRITES_PER_CLIENT):
        title = f"client {number} write {i}"
        try:
            if i % 5 == 0:
                r = await client.post(
                    "/api/v1/processes/crash/events",
                    json={"kind": "note", "title": title, "date": "2024-03-01"},
                    headers=AUTH,
                )
            else:
                r = await client.patch(
                    event_url, json={"title": title}, headers={**AUTH, "If-Match": etag}
                )
        except httpx.TransportError:
            acked.failed += 1
            return  # the server is gone
        assert r.status_code in (200, 201), r.text
        body = r.json()
        event_url, etag = body["links"]["self"], r.headers["ETag"]
        acked.versions[body["id"]] = (body["version"], title)
        acked.count += 1
        if acked.count >= KILL_AFTER:
            enough.set()


async def test_sigkill_during_a_burst_of_writes_loses_no_acknowledged_write(
    database_url: str,
) -> None:
    acked = Acknowledged()
    server: ServerProcess = start_server(database_url, workers=2)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/processes", json={"slug": "crash", "title": "Crash"}, headers=AUTH
            )
            assert r.status_code == 201, r.text
            enough = asyncio.Event()
            writers = [
                asyncio.create_task(writer(client, n, acked, enough)) for n in range(CLIENTS)
            ]
            await asyncio.wait_for(enough.wait(), timeout=240)
            server.kill()
            await asyncio.gather(*writers)
    finally:
        server.kill()
        server.log.unlink(missing_ok=True)
    # The kill really landed in the middle of the burst.
    assert KILL_AFTER <= acked.count < CLIENTS * WRITES_PER_CLIENT
    assert acked.failed > 0

    with running_server(database_url) as restarted:
        async with httpx.AsyncClient(base_url=restarted.url, timeout=30) as client:
            for event_id, (version, title) in acked.versions.items():
                url = f"/api/v1/processes/crash/events/{event_id}"
                current = await client.get(url)
                assert current.status_code == 200, (event_id, current.text)
                # At most one more write (sent, committed, never answered) may follow it.
                assert current.json()["version"] in (version, version + 1)
                history = (await client.get(f"{url}/history")).json()["items"]
                assert len(history) == current.json()["version"]
                acknowledged = history[version - 1]
                assert acknowledged["version"] == version
                if version > 1:
                    assert acknowledged["fields"]["title"][1] == title

    db = Database(database_url)
    try:
        async with db.read() as session:
            revisions = (
                select(EventRevision.event_id, func.count().label("n"))
                .group_by(EventRevision.event_id)
                .subquery()
            )
            rows = (
                await session.exec(
                    select(Event.id, Event.version, revisions.c.n).join(
                        revisions, revisions.c.event_id == Event.id, isouter=True
                    )
                )
            ).all()
            assert len(rows) >= len(acked.versions)
            assert all(version == count for _, version, count in rows), rows
            orphans = await session.exec(
                select(func.count())
                .select_from(EventRevision)
                .where(EventRevision.event_id.not_in(select(Event.id)))  # type: ignore[attr-defined]
            )
            assert orphans.one() == 0
            if db.is_sqlite:
                check = await session.exec(text("PRAGMA integrity_check"))
                assert check.scalar_one() == "ok"
    finally:
        await db.dispose()
