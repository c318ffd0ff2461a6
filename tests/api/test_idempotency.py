"""Idempotency-Key on creates: one resource per key, replayed responses, scoped keys."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json

import httpx
from sqlalchemy import update
from sqlmodel import select

from tests.clients.server import ADMIN_TOKEN, live_server
from timeline.api.idempotency import request_fingerprint
from timeline.clock import utcnow
from timeline.store import idempotency as records
from timeline.store.db import Database
from timeline.store.tables import IdempotencyRecord
from timeline.store.tokens import create_token

EVENT = {"kind": "session", "title": "Seventh session", "date": "2026-09-01/2026-09-05"}
PROCESS = {"slug": "plastics", "title": "Plastics treaty talks"}


async def _process(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/processes", json=PROCESS, headers=headers)
    assert response.status_code == 201, response.text


async def _create(
    client: httpx.AsyncClient, body: dict[str, str], headers: dict[str, str]
) -> httpx.Response:
    """POST `body` as a new event of the plastics process."""
    return await client.post("/api/v1/processes/plastics/events", json=body, headers=headers)


async def _first_create(
    client: httpx.AsyncClient, admin_headers: dict[str, str], key: str
) -> tuple[httpx.Response, dict[str, str]]:
    """Make the plastics process, then POST `EVENT` under Idempotency-Key `key`: the answer,
    and the headers to send again."""
    await _process(client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": key}
    return await _create(client, EVENT, headers), headers


async def _event_ids(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/api/v1/processes/plastics/timeline")
    return [e["id"] for e in response.json()["items"]]


async def test_retry_after_success_replays_the_first_response(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first, headers = await _first_create(app_client, admin_headers, "create-7th")
    again = await _create(app_client, EVENT, headers)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert await _event_ids(app_client) == [first.json()["id"]]
    history = await app_client.get(
        f"/api/v1/processes/plastics/events/{first.json()['id']}/history"
    )
    assert [r["change"] for r in history.json()["items"]] == ["created"]


async def test_same_key_with_another_body_is_a_422_and_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first, headers = await _first_create(app_client, admin_headers, "k1")
    other = {**EVENT, "title": "Eighth session"}
    clash = await _create(app_client, other, headers)
    assert clash.status_code == 422
    assert clash.headers["content-type"].startswith("application/problem+json")
    assert clash.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await _event_ids(app_client) == [first.json()["id"]]


async def test_json_spacing_and_key_order_do_not_make_another_request(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "k2", "Content-Type": "application/json"}
    first = await app_client.post(
        "/api/v1/processes/plastics/events", content=json.dumps(EVENT), headers=headers
    )
    reordered = json.dumps(dict(reversed(list(EVENT.items()))), indent=4)
    again = await app_client.post(
        "/api/v1/processes/plastics/events", content=reordered, headers=headers
    )
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


async def test_keys_are_scoped_to_the_token(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], database_url: str
) -> None:
    await _process(app_client, admin_headers)
    db = Database(database_url)
    async with db.write() as session:
        secret = await create_token(session, "editor", "editor", None, now=utcnow())
    await db.dispose()
    editor = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "same"}
    admin = {**admin_headers, "Idempotency-Key": "same"}
    by_admin = await app_client.post("/api/v1/processes/plastics/events", json=EVENT, headers=admin)
    by_editor = await app_client.post(
        "/api/v1/processes/plastics/events", json=EVENT, headers=editor
    )
    assert by_admin.status_code == by_editor.status_code == 201
    assert "idempotent-replayed" not in by_editor.headers
    assert by_admin.json()["id"] != by_editor.json()["id"]
    assert sorted(await _event_ids(app_client)) == sorted(
        [by_admin.json()["id"], by_editor.json()["id"]]
    )


async def test_a_failed_create_releases_its_key(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "fix-and-retry"}
    bad = await app_client.post(
        "/api/v1/processes/plastics/events", json={**EVENT, "date": "June"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "date"
    good = await _create(app_client, EVENT, headers)
    assert good.status_code == 201
    assert "idempotent-replayed" not in good.headers
    assert await _event_ids(app_client) == [good.json()["id"]]


async def test_a_key_is_forgotten_after_24_hours(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], database_url: str
) -> None:
    first, headers = await _first_create(app_client, admin_headers, "old")
    db = Database(database_url)
    async with db.write() as session:
        await session.exec(
            update(IdempotencyRecord).values(
                created_at=utcnow() - dt.timedelta(hours=24, minutes=1)
            )
        )
    await db.dispose()
    later = await _create(app_client, EVENT, headers)
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert later.json()["id"] != first.json()["id"]


async def test_a_malformed_key_is_a_422_naming_the_header(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "x" * 201}
    response = await app_client.post(
        "/api/v1/processes/plastics/events", json=EVENT, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await _event_ids(app_client) == []


async def test_process_creates_are_idempotent_too(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "new-process"}
    first = await app_client.post("/api/v1/processes", json=PROCESS, headers=headers)
    again = await app_client.post("/api/v1/processes", json=PROCESS, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    listed = await app_client.get("/api/v1/processes")
    assert [p["slug"] for p in listed.json()["items"]] == ["plastics"]


async def test_ten_concurrent_posts_with_one_key_make_one_event(
    database_url: str, admin_headers: dict[str, str]
) -> None:
    """Over a real socket: every request gets the same event, exactly one of them made it."""
    with live_server(database_url) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            await _process(client, admin_headers)
            headers = {**admin_headers, "Idempotency-Key": "burst"}
            responses = await asyncio.gather(
                *(
                    client.post("/api/v1/processes/plastics/events", json=EVENT, headers=headers)
                    for _ in range(10)
                )
            )
            assert [r.status_code for r in responses] == [201] * 10
            assert len({r.json()["id"] for r in responses}) == 1
            fresh = [r for r in responses if "idempotent-replayed" not in r.headers]
            assert len(fresh) == 1
            assert await _event_ids(client) == [responses[0].json()["id"]]


async def test_a_duplicate_waits_for_the_first_request_and_replays_its_answer(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], database_url: str
) -> None:
    """A key held by a request still running (here: reserved by hand) makes the duplicate wait;
    once the first stores its answer, the duplicate gets that answer and writes nothing."""
    await _process(app_client, admin_headers)
    path = "/api/v1/processes/plastics/events"
    owner = "token:" + hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest()
    fingerprint = request_fingerprint("POST", path, "", json.dumps(EVENT).encode())
    db = Database(database_url)
    now = utcnow()
    async with db.write() as session:
        held = await records.reserve(
            session, owner, "slow", fingerprint, now=now, expires_before=now - dt.timedelta(days=1)
        )
    assert held is None
    duplicate = asyncio.create_task(
        app_client.post(path, json=EVENT, headers={**admin_headers, "Idempotency-Key": "slow"})
    )
    await asyncio.sleep(0.5)
    assert not duplicate.done()
    stored = {"id": "made-by-the-first", "title": EVENT["title"]}
    async with db.write() as session:
        await records.complete(
            session,
            owner,
            "slow",
            status_code=201,
            headers={"content-type": "application/json", "location": "/first"},
            body=json.dumps(stored),
        )
    await db.dispose()
    response = await asyncio.wait_for(duplicate, timeout=10)
    assert response.status_code == 201
    assert response.headers["idempotent-replayed"] == "true"
    assert response.headers["location"] == "/first"
    assert response.json() == stored
    assert await _event_ids(app_client) == []


async def test_records_older_than_24_hours_are_pruned_on_the_next_create(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], database_url: str
) -> None:
    await _process(app_client, admin_headers)
    path = "/api/v1/processes/plastics/events"
    await app_client.post(path, json=EVENT, headers={**admin_headers, "Idempotency-Key": "a"})
    db = Database(database_url)
    async with db.write() as session:
        await session.exec(
            update(IdempotencyRecord).values(created_at=utcnow() - dt.timedelta(hours=25))
        )
    other = {**EVENT, "title": "Eighth session"}
    await app_client.post(path, json=other, headers={**admin_headers, "Idempotency-Key": "b"})
    async with db.read() as session:
        keys = (await session.exec(select(IdempotencyRecord.key))).all()
    await db.dispose()
    assert sorted(keys) == ["b"]
