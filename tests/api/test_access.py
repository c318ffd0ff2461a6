"""Access: process-bound tokens, server-owned fields, token comparison.

Write routes are enumerated from the OpenAPI document, so a route added later is covered (or
makes these tests fail until it is given a valid body below).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlmodel import select

from timeline.clock import utcnow
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.processes import get_process
from timeline.store.tables import ApiToken
from timeline.store.tokens import create_token, hash_token

WRITE_METHODS = ("post", "put", "patch", "delete")
# A body each write operation accepts, so that only the token can be the reason for a refusal.
VALID_BODIES: dict[str, dict[str, Any] | None] = {
    "createProcess": {"slug": "gamma", "title": "Gamma"},
    "updateProcess": {"title": "Renamed"},
    "createEvent": {"kind": "note", "title": "Written", "date": "2024-01-01"},
    "updateEvent": {"title": "Changed"},
    "deleteEvent": None,
    "createItem": {"key": "new-item", "title": "New item", "status": "open"},
    "updateItem": {"status": "agreed"},
    "applyBundle": {"format": "timeline-bundle", "version": 1, "processes": []},
    "createProcessGroup": {"key": "pole", "name": "Pole", "members": [{"party": "EGY"}]},
    "createProposal": {"key": "p1", "title": "A proposal"},
    "putPosition": {"stance": "support"},
    "putAxis": {"name": "Scope", "low": "narrow", "high": "wide"},
    "putPlacement": {"value": 0.5},
    "putVote": {"roll": [{"party": "EGY", "vote": "yes"}]},
}
SERVER_OWNED = ("id", "version", "created_at")


async def _setup(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, dict[str, str]]:
    """Processes alpha and beta, each with an event and an item; their real ids."""
    ids: dict[str, dict[str, str]] = {}
    for slug in ("alpha", "beta"):
        r = await client.post(
            "/api/v1/processes", json={"slug": slug, "title": slug}, headers=admin
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            f"/api/v1/processes/{slug}/events",
            json={"kind": "session", "title": "Session", "date": "2024-02-01"},
            headers=admin,
        )
        assert r.status_code == 201, r.text
        event_id = r.json()["id"]
        r = await client.post(
            f"/api/v1/processes/{slug}/items",
            json={"key": "art-1", "title": "Article 1", "status": "open"},
            headers=admin,
        )
        assert r.status_code == 201, r.text
        ids[slug] = {
            "slug": slug,
            "event_id": event_id,
            "key": "art-1",
            "holder": "EGY",
            "axis": "scope",
        }
    return ids


async def _write_operations(client: httpx.AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    document = (await client.get("/schema/openapi.json")).json()
    operations = [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in WRITE_METHODS
    ]
    assert len(operations) >= len(VALID_BODIES)
    return operations


def _fill(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no real id for a parameter of {path}: add it to _setup"
    return path


async def _snapshot(client: httpx.AsyncClient, ids: dict[str, str]) -> list[Any]:
    """What a reader sees of a process: the process, its events and items (ETags and bodies)."""
    base = f"/api/v1/processes/{ids['slug']}"
    paths = [base, f"{base}/timeline", f"{base}/items", f"{base}/events/{ids['event_id']}"]
    responses = [await client.get(p) for p in paths]
    return [(r.status_code, r.headers.get("ETag"), r.json()) for r in responses]


async def test_a_token_of_one_process_is_refused_on_every_write_route_of_another(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    ids = await _setup(app_client, admin_headers)
    db = Database(settings.database_url)
    async with db.write() as session:
        alpha = await get_process(session, "alpha")
        secret = await create_token(session, "alpha-editor", "editor", alpha, now=utcnow())
    await db.dispose()
    token = {"Authorization": f"Bearer {secret}"}
    before = await _snapshot(app_client, ids["beta"])

    operations = await _write_operations(app_client)
    for method, template, operation in operations:
        name = operation["operationId"]
        assert name in VALID_BODIES, f"{method} {template}: add a valid body for {name}"
        url = _fill(template, ids["beta"])
        headers = dict(token)
        if method in ("PATCH", "DELETE"):
            headers["If-Match"] = (await app_client.get(url)).headers["ETag"]
        body = VALID_BODIES[name]
        r = await app_client.request(method, url, json=body, headers=headers)
        assert r.status_code == 403, (method, url, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == 403

    assert await _snapshot(app_client, ids["beta"]) == before
    # The same token does write its own process.
    own = await app_client.post(
        "/api/v1/processes/alpha/events", json=VALID_BODIES["createEvent"], headers=token
    )
    assert own.status_code == 201, own.text


@pytest.mark.parametrize("field", SERVER_OWNED)
async def test_server_owned_fields_in_a_body_are_422_and_change_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], field: str
) -> None:
    ids = await _setup(app_client, admin_headers)
    before = await _snapshot(app_client, ids["alpha"])
    checked = 0
    for method, template, operation in await _write_operations(app_client):
        body = VALID_BODIES[operation["operationId"]]
        if body is None:
            continue
        url = _fill(template, ids["alpha"])
        headers = dict(admin_headers)
        if method in ("PATCH", "DELETE"):
            headers["If-Match"] = (await app_client.get(url)).headers["ETag"]
        value = (
            7 if field == "version" else "2020-01-01T00:00:00Z" if field == "created_at" else "x1"
        )
        r = await app_client.request(method, url, json={**body, field: value}, headers=headers)
        assert r.status_code == 422, (method, url, r.text)
        assert field in [e["field"] for e in r.json()["errors"]], r.text
        checked += 1
    assert checked >= 6
    assert await _snapshot(app_client, ids["alpha"]) == before
    assert (await app_client.get("/api/v1/processes/gamma")).status_code == 404


async def test_tokens_are_stored_only_as_hashes_and_near_misses_are_refused(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    """DB tokens are found by the SHA-256 of the secret (an index lookup on a hash reveals
    nothing usable about the secret through timing); the admin token is compared with
    hmac.compare_digest. Here: near misses of both are refused, and no secret is stored."""
    db = Database(settings.database_url)
    async with db.write() as session:
        secret = await create_token(session, "someone", "admin", None, now=utcnow())
    async with db.read() as session:
        rows = (await session.exec(select(ApiToken))).all()
    await db.dispose()
    assert [row.token_hash for row in rows] == [hash_token(secret)]
    assert all(secret not in str(row.model_dump()) for row in rows)

    admin = admin_headers["Authorization"]
    near_misses = [admin[:-1] + ("0" if admin[-1] != "0" else "1"), admin + "0", admin[:-1]]
    near_misses += [f"Bearer {secret[:-1]}", f"Bearer {secret.upper()}"]
    for header in near_misses:
        r = await app_client.post(
            "/api/v1/processes", json={"slug": "x", "title": "X"}, headers={"Authorization": header}
        )
        assert r.status_code == 401, header
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    ok = await app_client.post(
        "/api/v1/processes",
        json={"slug": "x", "title": "X"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert ok.status_code == 201
