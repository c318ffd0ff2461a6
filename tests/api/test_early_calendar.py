"""Calendar polls answered before routing (a 304 for a matching tag, the kept body for a poll
with no validator): the same answer the handler gives, and never one it would not give."""

from __future__ import annotations

import dataclasses

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.api.conftest import record
from timeline.api.early_calendar import early_answer
from timeline.app import create_app
from timeline.settings import Settings

FEED = "/api/v1/processes/plastics/calendar.ics"
_PER_ANSWER = {"x-request-id", "date"}


def _stable(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in _PER_ANSWER}


async def test_an_early_304_equals_the_handlers(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, settings: Settings
) -> None:
    await record(app_client, admin_headers, process)
    etag = (await app_client.get(FEED)).headers["etag"]
    # recheck 0: no cached validators, so the handler itself answers from the database
    app = create_app(dataclasses.replace(settings, feed_recheck_seconds=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        from_handler = await other.get(FEED, headers={"If-None-Match": etag})
    await app.state.db.dispose()
    early = await app_client.get(FEED, headers={"If-None-Match": etag})
    assert from_handler.status_code == early.status_code == 304
    assert _stable(early) == _stable(from_handler)
    assert early.content == from_handler.content == b""


async def test_an_early_200_equals_the_handlers(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, settings: Settings
) -> None:
    await record(app_client, admin_headers, process)
    await app_client.get(FEED)  # the handler builds the feed; this worker keeps its body
    app = create_app(dataclasses.replace(settings, feed_recheck_seconds=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        from_handler = await other.get(FEED)
    await app.state.db.dispose()
    early = await app_client.get(FEED)
    assert from_handler.status_code == early.status_code == 200
    assert _stable(early) == _stable(from_handler)
    assert early.content == from_handler.content
    assert b"BEGIN:VEVENT" in early.content


async def test_a_poll_with_no_validator_takes_the_kept_body_before_routing(
    admin_headers: dict[str, str], settings: Settings
) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        created = await client.post(
            "/api/v1/processes", json={"slug": "plastics", "title": "P"}, headers=admin_headers
        )
        assert created.status_code == 201
        await record(client, admin_headers, "plastics")
        first = await client.get(FEED)
    db = app.state.db
    poll = [(b"host", b"testserver"), (b"user-agent", b"Google-Calendar-Importer")]
    try:
        early = early_answer(FEED, b"", poll, "http", settings, db)
        by_date = [*poll, (b"if-modified-since", first.headers["last-modified"].encode())]
        assert early_answer(FEED, b"", by_date, "http", settings, db) is None
        assert early_answer(FEED, b"kind=session", poll, "http", settings, db) is None
    finally:
        await db.dispose()
    assert early is not None
    assert (early.status, early.body) == (200, first.content)
    assert dict(early.headers)[b"etag"] == first.headers["etag"].encode()


async def test_a_kept_feed_is_answered_without_the_database(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process)
    first = await app_client.get(FEED)
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", listener)
    try:
        again = await app_client.get(FEED)
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    assert again.status_code == 200
    assert again.content == first.content
    # the read limit may send its batched count; nothing reads the log or the events
    assert [s for s in statements if "rate_limit" not in s] == []


async def test_a_poll_by_date_alone_reaches_the_handler(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process)
    first = await app_client.get(FEED)
    since = first.headers["last-modified"]
    poll = await app_client.get(FEED, headers={"If-Modified-Since": since})
    assert poll.status_code == 304
    assert poll.content == b""


async def test_a_write_through_the_worker_ends_early_answers_at_once(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    before = (await app_client.get(FEED)).content
    assert (await app_client.get(FEED)).content == before
    await record(app_client, admin_headers, process, title="A session added later")
    after = await app_client.get(FEED)
    assert after.status_code == 200
    assert b"A session added later" in after.content


async def test_a_write_through_the_worker_ends_early_304s_at_once(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    etag = (await app_client.get(FEED)).headers["etag"]
    assert (await app_client.get(FEED, headers={"If-None-Match": etag})).status_code == 304
    await record(app_client, admin_headers, process, title="New")
    changed = await app_client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_other_tags_and_filtered_feeds_reach_the_handler(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    etag = (await app_client.get(FEED)).headers["etag"]
    assert (await app_client.get(FEED, headers={"If-None-Match": '"other"'})).status_code == 200
    # not `*`: the handler's comparison, shared, says so for both
    assert (await app_client.get(FEED, headers={"If-None-Match": "W/*"})).status_code == 200
    filtered = await app_client.get(
        FEED, params={"kind": "session"}, headers={"If-None-Match": etag}
    )
    assert filtered.status_code == 200  # another feed: another ETag
    assert (
        await app_client.get(FEED, headers={"If-None-Match": f'W/{etag}, "x"'})
    ).status_code == 304


async def test_cross_origin_polls_keep_their_cors_headers(
    admin_headers: dict[str, str], settings: Settings
) -> None:
    origin = "https://newsroom.example"
    app = create_app(dataclasses.replace(settings, cors_origins=(origin,)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        created = await client.post(
            "/api/v1/processes", json={"slug": "plastics", "title": "P"}, headers=admin_headers
        )
        assert created.status_code == 201
        etag = (await client.get(FEED)).headers["etag"]
        poll = await client.get(FEED, headers={"If-None-Match": etag, "Origin": origin})
    await app.state.db.dispose()
    assert poll.status_code == 304
    assert poll.headers["access-control-allow-origin"] == origin
