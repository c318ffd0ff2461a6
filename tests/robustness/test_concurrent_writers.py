"""Concurrent editors over a real socket: expected-version writes let exactly one win a race.

The same test runs on SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and on PostgreSQL (row locks,
unique event+version), chosen by TIMELINE_TEST_DATABASE_URL like every other test.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from tests._writes import new_process, record
from tests.robustness.server import ADMIN_TOKEN, running_server

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ROUNDS = 20
WRITERS = 20


async def test_twenty_patches_with_one_if_match_have_exactly_one_winner(
    database_url: str,
) -> None:
    # Two worker processes, so the race is between processes as well as between tasks.
    with running_server(database_url, workers=2) as server:
        limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as client:
            await new_process(client, AUTH, "race", "Race")
            start = await record(
                client, AUTH, "race", kind="session", title="start", date="2024-02-01"
            )
            event = start["links"]["self"].removeprefix(server.url)

            winners: list[str] = []
            for round_ in range(ROUNDS):
                current = await client.get(event)
                etag = current.headers["ETag"]
                assert current.json()["version"] == round_ + 1

                async def attempt(writer: int, etag: str = etag, round_: int = round_) -> tuple:
                    title = f"round {round_} writer {writer}"
                    response = await client.patch(
                        event, json={"title": title}, headers={**AUTH, "If-Match": etag}
                    )
                    return title, response

                results = await asyncio.gather(*(attempt(w) for w in range(WRITERS)))
                statuses = Counter(response.status_code for _, response in results)
                assert statuses == {200: 1, 412: WRITERS - 1}, (round_, statuses)
                for title, response in results:
                    if response.status_code == 200:
                        winners.append(title)
                        assert response.json()["version"] == round_ + 2
                        assert response.json()["title"] == title
                    else:
                        assert response.headers["content-type"] == "application/problem+json"
                        assert response.json()["status"] == 412

            final = (await client.get(event)).json()
            assert final["version"] == ROUNDS + 1
            assert final["title"] == winners[-1]
            history = (await client.get(f"{event}/history")).json()["items"]
            assert [h["version"] for h in history] == list(range(1, ROUNDS + 2))
            # Each round's one revision is its winner's change, against the previous winner.
            titles = [h["fields"]["title"] for h in history[1:]]
            assert [new for _, new in titles] == winners
            assert [old for old, _ in titles] == ["start", *winners[:-1]]
        log = server.output()
    assert "database is locked" not in log
    assert "Traceback" not in log
