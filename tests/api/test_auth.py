"""Writes need a bearer token: 401 without, 403 outside its scope or process."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlmodel import select

from timeline.store.db import Database
from timeline.store.processes import get_process
from timeline.store.tables import ApiToken
from timeline.store.tokens import create_token, hash_token

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def _token(database_url: str, name: str, scope: str, process: str | None = None) -> str:
    db = Database(database_url)
    async with db.write() as session:
        tied = await get_process(session, process) if process else None
        secret = await create_token(session, name, scope, tied, now=NOW)
    await db.dispose()
    return secret


async def test_write_without_token_is_401_with_www_authenticate(
    app_client: httpx.AsyncClient, process: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = await app_client.post(
            f"/api/v1/processes/{process}/events",
            json={"kind": "note", "title": "N", "date": "2023"},
            headers=headers,
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"].startswith("application/problem+json")
    timeline = await app_client.get(f"/api/v1/processes/{process}/timeline")
    assert timeline.json()["items"] == []


async def test_editor_token_writes_events_but_not_processes(
    app_client: httpx.AsyncClient, database_url: str, process: str
) -> None:
    secret = await _token(database_url, "newsroom", "editor")
    headers = {"Authorization": f"Bearer {secret}"}
    created = await app_client.post(
        f"/api/v1/processes/{process}/events",
        json={"kind": "note", "title": "N", "date": "2023"},
        headers=headers,
    )
    assert created.status_code == 201
    history = (await app_client.get(created.json()["links"]["history"])).json()
    assert history["items"][0]["actor"] == "newsroom"
    refused = await app_client.post(
        "/api/v1/processes", json={"slug": "x", "title": "X"}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_token_tied_to_a_process_is_refused_elsewhere(
    app_client: httpx.AsyncClient, database_url: str, admin_headers: dict[str, str], process: str
) -> None:
    await app_client.post(
        "/api/v1/processes", json={"slug": "other", "title": "Other"}, headers=admin_headers
    )
    secret = await _token(database_url, "plastics-desk", "editor", process)
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"kind": "note", "title": "N", "date": "2023"}
    mine = await app_client.post(f"/api/v1/processes/{process}/events", json=body, headers=headers)
    assert mine.status_code == 201
    theirs = await app_client.post("/api/v1/processes/other/events", json=body, headers=headers)
    assert theirs.status_code == 403
    assert "plastics" in theirs.json()["detail"]
    assert (await app_client.get("/api/v1/processes/other/timeline")).json()["items"] == []


async def test_only_the_hash_of_a_token_is_stored(database_url: str) -> None:
    secret = await _token(database_url, "hashed", "admin")
    db = Database(database_url)
    async with db.read() as session:
        row = (await session.exec(select(ApiToken))).one()
    await db.dispose()
    assert row.token_hash == hash_token(secret) and secret not in row.token_hash
    assert secret.startswith("tl_") and len(secret) > 40
