"""Limits: rate limits shared through the database, body size, page size, CORS, security headers."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from litestar import Litestar, MediaType, Response, get

from tests._statements import statements_sent
from timeline.api.middleware import HTML_CSP, SecurityHeadersMiddleware
from timeline.app import create_app
from timeline.clock import utcnow
from timeline.seed import load_seed
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.tokens import create_token

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
RATELIMIT = re.compile(r"^limit=(\d+), remaining=(\d+), reset=(\d+)$")


@pytest.fixture
def client_for(settings: Settings) -> ClientFactory:
    """Open an in-process client on a new app (a new "worker") with some settings changed."""

    @asynccontextmanager
    async def factory(**changes: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(dataclasses.replace(settings, **changes))  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield c
        finally:
            await app.state.db.dispose()

    return factory


async def fresh_window() -> None:
    """Wait, if needed, so that the test runs inside one rate-limit minute."""
    second = utcnow().second + utcnow().microsecond / 1e6
    if second > 45:
        await asyncio.sleep(60.5 - second)


def ratelimit(response: httpx.Response) -> tuple[int, int, int]:
    """(limit, remaining, reset) from a RateLimit header."""
    match = RATELIMIT.match(response.headers["RateLimit"])
    assert match, response.headers["RateLimit"]
    return int(match[1]), int(match[2]), int(match[3])


def new_process(n: int) -> dict[str, str]:
    return {"slug": f"p-{n}", "title": f"Process {n}"}


async def test_writes_over_the_limit_get_429_and_change_nothing(
    client_for: ClientFactory, admin_headers: dict[str, str]
) -> None:
    await fresh_window()
    async with client_for(write_rate_per_minute=3) as client:
        for n in range(3):
            r = await client.post("/api/v1/processes", json=new_process(n), headers=admin_headers)
            assert r.status_code == 201, r.text
            limit, remaining, reset = ratelimit(r)
            assert (limit, remaining) == (3, 2 - n)
            assert 1 <= reset <= 60
            assert r.headers["RateLimit-Policy"] == "3;w=60"
        refused = await client.post("/api/v1/processes", json=new_process(3), headers=admin_headers)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        body = refused.json()
        assert body["status"] == 429 and body["type"] == "/problems/rate-limited"
        assert "3 requests" in body["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert ratelimit(refused)[:2] == (3, 0)
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        listed = (await client.get("/api/v1/processes")).json()["items"]
        assert [p["slug"] for p in listed] == ["p-0", "p-1", "p-2"]


async def test_write_limits_are_per_token(
    client_for: ClientFactory, settings: Settings, admin_headers: dict[str, str]
) -> None:
    await fresh_window()
    db = Database(settings.database_url)
    async with db.write() as session:
        other = await create_token(session, "other", "admin", None, now=utcnow())
    await db.dispose()
    other_headers = {"Authorization": f"Bearer {other}"}
    async with client_for(write_rate_per_minute=1) as client:
        first = await client.post("/api/v1/processes", json=new_process(1), headers=admin_headers)
        second = await client.post("/api/v1/processes", json=new_process(2), headers=admin_headers)
        third = await client.post("/api/v1/processes", json=new_process(3), headers=other_headers)
    assert [first.status_code, second.status_code, third.status_code] == [201, 429, 201]


async def test_two_workers_sharing_the_database_share_the_write_limit(
    client_for: ClientFactory, admin_headers: dict[str, str]
) -> None:
    await fresh_window()
    async with client_for(write_rate_per_minute=6) as a, client_for(write_rate_per_minute=6) as b:
        # Both workers at once, so that their counter updates really race.
        responses = await asyncio.gather(
            *(
                (a if n % 2 else b).post(
                    "/api/v1/processes", json=new_process(n), headers=admin_headers
                )
                for n in range(14)
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 6 + [429] * 8
        remaining = sorted(ratelimit(r)[1] for r in responses if r.status_code == 201)
        assert remaining == [0, 1, 2, 3, 4, 5]  # every admitted write saw a distinct total
        stored = (await a.get("/api/v1/processes")).json()["items"]
        assert len(stored) == 6


async def test_reads_are_limited_per_client_and_exact_on_one_worker(
    client_for: ClientFactory,
) -> None:
    await fresh_window()
    async with client_for(read_rate_per_minute=40) as client:
        statuses = [(await client.get("/api/v1/processes")).status_code for _ in range(45)]
        assert statuses == [200] * 40 + [429] * 5
        refused = await client.get("/api/v1/processes")
        assert refused.json()["status"] == 429
        assert ratelimit(refused)[:2] == (40, 0)
        # Probes are never counted.
        assert (await client.get("/healthz")).status_code == 200
        assert "RateLimit" not in (await client.get("/healthz")).headers


async def test_reads_of_several_workers_overshoot_by_at_most_a_batch_each(
    client_for: ClientFactory,
) -> None:
    await fresh_window()
    limit, batch = 40, 2  # batch = limit // 20
    async with (
        client_for(read_rate_per_minute=limit) as a,
        client_for(read_rate_per_minute=limit) as b,
    ):
        admitted = 0
        for n in range(80):
            r = await (a if n % 2 else b).get("/api/v1/processes")
            admitted += r.status_code == 200
    assert limit <= admitted <= limit + 2 * batch


async def test_limits_of_zero_turn_limiting_off(client_for: ClientFactory) -> None:
    async with client_for(read_rate_per_minute=0, write_rate_per_minute=0) as client:
        responses = [await client.get("/api/v1/processes") for _ in range(30)]
    assert {r.status_code for r in responses} == {200}
    assert all("RateLimit" not in r.headers for r in responses)


async def test_bodies_over_64_kib_get_413_and_store_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    assert settings.max_body_bytes == 64 * 1024
    body = {"slug": "big", "title": "Big", "description": "x" * (64 * 1024)}
    r = await app_client.post("/api/v1/processes", json=body, headers=admin_headers)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "/problems/too-large"
    assert (await app_client.get("/api/v1/processes/big")).status_code == 404
    # Just under the limit is read, and judged on its merits (a too-long description).
    small = {"slug": "small", "title": "Small", "description": "x" * 60000}
    judged = await app_client.post("/api/v1/processes", json=small, headers=admin_headers)
    assert judged.status_code == 422
    assert [e["field"] for e in judged.json()["errors"]] == ["description"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/processes",
        "/api/v1/processes/nowhere/timeline",
        "/api/v1/upcoming",
        "/api/v1/changes.json",
        "/api/v1/changes.atom",
        "/api/v1/processes/nowhere/changes.json",
    ],
)
async def test_page_sizes_over_500_are_refused_naming_limit(
    app_client: httpx.AsyncClient, path: str
) -> None:
    r = await app_client.get(path, params={"limit": 501})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == ["limit"]


async def test_cors_is_off_unless_configured(
    app_client: httpx.AsyncClient, client_for: ClientFactory
) -> None:
    origin = {"Origin": "https://evil.example"}
    plain = await app_client.get("/api/v1/processes", headers=origin)
    assert plain.status_code == 200
    assert not any(h.lower().startswith("access-control-") for h in plain.headers)
    preflight = await app_client.options(
        "/api/v1/processes",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers

    async with client_for(cors_origins=("https://friends.example",)) as client:
        allowed = await client.get(
            "/api/v1/processes", headers={"Origin": "https://friends.example"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://friends.example"
        assert "ETag" in allowed.headers["access-control-expose-headers"]
        other = await client.get("/api/v1/processes", headers=origin)
        assert "access-control-allow-origin" not in other.headers


async def test_html_gets_security_headers_and_json_gets_nosniff(
    app_client: httpx.AsyncClient,
) -> None:
    html = await app_client.get("/schema/swagger")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in html.headers["Content-Security-Policy"]
    assert html.headers["X-Content-Type-Options"] == "nosniff"
    assert html.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    api = await app_client.get("/api/v1/processes")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in api.headers
    assert "X-Frame-Options" not in api.headers


async def test_security_headers_never_override_a_pages_own() -> None:
    @get("/own", media_type=MediaType.HTML)
    async def own() -> Response[str]:
        return Response("<p>hi</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    @get("/plain", media_type=MediaType.HTML)
    async def plain() -> str:
        return "<p>hi</p>"

    app = Litestar([own, plain], middleware=[SecurityHeadersMiddleware()])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        kept = await client.get("/own")
        added = await client.get("/plain")
    assert kept.headers.get_list("Content-Security-Policy") == ["default-src 'none'"]
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert added.headers["Content-Security-Policy"] == HTML_CSP


async def test_options_lists_every_method_of_the_path(app_client: httpx.AsyncClient) -> None:
    collection = await app_client.options("/api/v1/processes")
    assert collection.status_code == 204
    assert collection.headers["Allow"] == "GET, OPTIONS, POST"
    one = await app_client.options("/api/v1/processes/any/events/any")
    assert one.headers["Allow"] == "DELETE, GET, OPTIONS, PATCH"


async def test_feeds_are_bounded_by_their_limit(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    db = Database(settings.database_url)
    try:
        await load_seed(db, "ahc-cybercrime")
    finally:
        await db.dispose()
    everything = (await app_client.get("/api/v1/changes.json", params={"limit": 500})).json()
    assert len(everything["items"]) > 10
    few = (await app_client.get("/api/v1/changes.json", params={"limit": 10})).json()
    # Exactly the newest ten, not a truncation of something larger built first.
    assert [i["id"] for i in few["items"]] == [i["id"] for i in everything["items"][:10]]
    atom = await app_client.get("/api/v1/changes.atom", params={"limit": 10})
    assert atom.text.count("<entry>") == 10


async def test_a_workers_first_reads_wait_on_no_database_write(
    client_for: ClientFactory,
) -> None:
    await fresh_window()
    async with client_for(read_rate_per_minute=1200) as client:  # batch: 60 reads
        with statements_sent() as sent:
            for _ in range(3):
                assert (await client.get("/api/v1/processes")).status_code == 200
    statements = [s.text for s in sent]
    written = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE"))]
    assert written == []  # counted in memory: sent after a batch or a second
    assert any("processes" in s for s in statements)
