"""Feed validators remembered per URL: a repeated poll is answered without a database round trip,
yet a write is seen at once in the same process and within the recheck window elsewhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from tests._statements import statements_sent
from tests.conftest import in_process_client
from timeline.services import events as event_store
from timeline.services.caches import ValidatorCache, Validators
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.processes import get_process

FEED = "/api/v1/processes/plastics/calendar.ics"
SOME = Validators('"a"', dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_validators_are_trusted_only_inside_the_window_and_the_generation() -> None:
    cache = ValidatorCache(recheck_seconds=2.0)
    cache.put("u", SOME, generation=7, checked_at=100.0)
    assert cache.get("u", 7, 101.9) == SOME
    assert cache.get("u", 7, 102.0) is None  # the window is over: look at the log again
    cache.put("u", SOME, generation=7, checked_at=100.0)
    assert cache.get("u", 8, 100.5) is None  # a write ran since
    cache.put("u", SOME, generation=7, checked_at=100.0)
    assert cache.get("u", 7, 99.0) is None  # a clock that went backwards is not trusted


def test_a_zero_window_remembers_nothing_and_the_bound_holds() -> None:
    off = ValidatorCache(recheck_seconds=0)
    off.put("u", SOME, generation=1, checked_at=0.0)
    assert off.get("u", 1, 0.0) is None
    small = ValidatorCache(recheck_seconds=60, max_entries=2)
    for url in ("a", "b", "c"):
        small.put(url, SOME, generation=1, checked_at=0.0)
    assert small.get("a", 1, 1.0) is None
    assert small.get("c", 1, 1.0) == SOME


@pytest.fixture
async def long_window_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose validators would stay trusted for an hour unless a write intervenes."""
    async with in_process_client(
        dataclasses.replace(settings, feed_recheck_seconds=3600)
    ) as client:
        yield client


async def _create(client: httpx.AsyncClient, headers: dict[str, str], title: str) -> None:
    response = await client.post(
        "/api/v1/processes/plastics/events",
        json={"kind": "session", "title": title, "date": "2024-05-06"},
        headers=headers,
    )
    assert response.status_code == 201, response.text


async def _make_process(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/processes", json={"slug": "plastics", "title": "Plastics"}, headers=headers
    )
    assert response.status_code == 201, response.text


async def test_a_repeated_poll_is_answered_304_without_any_sql(
    long_window_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _make_process(long_window_client, admin_headers)
    await _create(long_window_client, admin_headers, "First session")
    first = await long_window_client.get(FEED)
    assert first.status_code == 200
    with statements_sent() as statements:
        again = await long_window_client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
        full = await long_window_client.get(FEED)
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    assert full.status_code == 200 and full.content == first.content
    assert statements == []


async def test_a_write_through_the_api_is_seen_by_the_next_poll(
    long_window_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _make_process(long_window_client, admin_headers)
    first = await long_window_client.get(FEED)
    await _create(long_window_client, admin_headers, "Added session")
    after = await long_window_client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != first.headers["etag"]
    assert b"Added session" in after.content


async def test_a_write_through_another_database_object_is_seen_by_the_next_poll(
    long_window_client: httpx.AsyncClient, admin_headers: dict[str, str], database_url: str
) -> None:
    await _make_process(long_window_client, admin_headers)
    first = await long_window_client.get(FEED)
    other = Database(database_url)  # as a seed or import command in the same process would
    try:
        async with other.write() as session:
            process = await get_process(session, "plastics")
            await event_store.create_event(
                session,
                process,
                {"kind": "note", "title": "Written elsewhere", "date": "2024-05-07"},
                known_on=dt.date(2024, 5, 7),
                actor="test",
                now=dt.datetime(2024, 5, 7, tzinfo=dt.UTC),
            )
    finally:
        await other.dispose()
    after = await long_window_client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert b"Written elsewhere" in after.content


async def test_with_a_zero_window_every_poll_looks_at_the_log(
    admin_headers: dict[str, str], settings: Settings
) -> None:
    assert settings.feed_recheck_seconds > 0  # the default window is on ...
    async with in_process_client(dataclasses.replace(settings, feed_recheck_seconds=0)) as client:
        await _make_process(client, admin_headers)
        first = await client.get(FEED)
        with statements_sent() as statements:
            again = await client.get(FEED, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert statements  # ... and off, the log is read on every request


def test_the_window_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).feed_recheck_seconds == 2.0
    assert Settings.from_env({"TIMELINE_FEED_RECHECK_SECONDS": "0.5"}).feed_recheck_seconds == 0.5
    for bad in ("soon", "-1", "nan"):
        with pytest.raises(ValueError, match="TIMELINE_FEED_RECHECK_SECONDS"):
            Settings.from_env({"TIMELINE_FEED_RECHECK_SECONDS": bad})
