"""The request pipeline: request ids, security headers on every answer, 415 on non-JSON
bodies, write limits and idempotency rows only for verified tokens, links that answer GET."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from timeline.app import create_app
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.tables import IdempotencyRecord, RateLimitBucket

SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


@pytest.fixture
async def limited_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose write limit is 3 a minute."""
    app = create_app(dataclasses.replace(settings, write_rate_per_minute=3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await app.state.db.dispose()


async def _count(settings: Settings, table: type) -> int:
    db = Database(settings.database_url)
    try:
        async with db.read() as session:
            return int((await session.exec(select(func.count()).select_from(table))).one())
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/no/such/page", 404), ("DELETE", "/api/v1/processes", 405), ("GET", "/healthz", 200)],
)
async def test_every_answer_has_security_headers_and_a_request_id(
    app_client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await app_client.request(method, path)
    assert response.status_code == status
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    assert response.headers["x-request-id"]


async def test_problems_carry_the_request_id_of_their_header(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/api/v1/processes/missing")
    assert response.status_code == 404
    assert response.json()["request_id"] == response.headers["x-request-id"]
    other = await app_client.get("/api/v1/processes/missing")
    assert other.headers["x-request-id"] != response.headers["x-request-id"]


async def test_a_sane_incoming_request_id_is_kept_and_an_odd_one_replaced(
    app_client: httpx.AsyncClient,
) -> None:
    kept = await app_client.get("/no/such", headers={"X-Request-ID": "lb-1234.abc"})
    assert kept.headers["x-request-id"] == "lb-1234.abc"
    assert kept.json()["request_id"] == "lb-1234.abc"
    odd = await app_client.get("/no/such", headers={"X-Request-ID": "<script>" + "x" * 300})
    assert odd.headers["x-request-id"] != "<script>" + "x" * 300
    assert "<" not in odd.headers["x-request-id"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", None, "application/jsonx"]
)
async def test_json_bodies_sent_as_anything_else_get_415_and_change_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], content_type: str | None
) -> None:
    headers = dict(admin_headers)
    if content_type is not None:
        headers["Content-Type"] = content_type
    body = json.dumps({"slug": "p415", "title": "Not JSON by its type"}).encode()
    response = await app_client.post("/api/v1/processes", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "Content-Type"
    assert (await app_client.get("/api/v1/processes/p415")).status_code == 404


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = json.dumps({"slug": "pjson", "title": "JSON"}).encode()
    headers = {**admin_headers, "Content-Type": "application/json; charset=utf-8"}
    assert (
        await app_client.post("/api/v1/processes", content=body, headers=headers)
    ).status_code == 201


async def test_random_tokens_share_the_anonymous_write_budget(
    limited_client: httpx.AsyncClient, settings: Settings
) -> None:
    before = await _count(settings, RateLimitBucket)
    statuses = []
    for n in range(6):
        response = await limited_client.post(
            "/api/v1/processes",
            json={"slug": f"r{n}", "title": "r"},
            headers={"Authorization": f"Bearer random-token-{n}"},
        )
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429, 429, 429]
    # one anonymous counter, not one per made-up token
    assert await _count(settings, RateLimitBucket) == before + 1


async def test_a_valid_token_keeps_its_own_budget_after_anonymous_ones_are_spent(
    limited_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for n in range(4):
        await limited_client.post(
            "/api/v1/processes", json={"slug": f"a{n}", "title": "a"},
            headers={"Authorization": "Bearer made-up"},
        )  # fmt: skip
    ok = await limited_client.post(
        "/api/v1/processes", json={"slug": "real", "title": "real"}, headers=admin_headers
    )
    assert ok.status_code == 201


async def test_idempotency_keys_of_unknown_tokens_write_no_row(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", listener)
    try:
        for n in range(3):
            response = await app_client.post(
                "/api/v1/processes",
                json={"slug": f"i{n}", "title": "i"},
                headers={"Authorization": f"Bearer nobody-{n}", "Idempotency-Key": f"k{n}"},
            )
            assert response.status_code == 401
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    # not even reserved and released: no statement touches the table
    assert not [s for s in statements if "idempotency" in s.lower()]
    assert await _count(settings, IdempotencyRecord) == 0


async def test_every_link_of_a_process_answers_get(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    created = await app_client.post(
        "/api/v1/processes", json={"slug": "linked", "title": "Linked"}, headers=admin_headers
    )
    links = created.json()["links"]
    for name, url in links.items():
        if url.startswith("webcal://"):
            continue
        response = await app_client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Undo what JSON logging changes on the loggers it configures."""
    names = ("timeline", "uvicorn", "uvicorn.error", "uvicorn.access", "litestar")
    saved = {
        n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate,
            logging.getLogger(n).level, logging.getLogger(n).disabled)
        for n in names
    }  # fmt: skip
    yield
    for n, (handlers, propagate, level, disabled) in saved.items():
        logger = logging.getLogger(n)
        logger.handlers, logger.propagate, logger.disabled = handlers, propagate, disabled
        logger.setLevel(level)


async def test_json_logs_give_one_line_per_request_with_its_id(
    settings: Settings, restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(dataclasses.replace(settings, log_format="json"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/processes", headers={"X-Request-ID": "req-42"})
    await app.state.db.dispose()
    assert response.status_code == 200
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line[:1] == "{"]
    access = [line for line in lines if line["logger"] == "timeline.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "req-42"
    assert access[0]["route"] == "/api/v1/processes"
    assert access[0]["status"] == 200
    assert access[0]["duration_ms"] >= 0
