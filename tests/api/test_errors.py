"""Every error is problem+json: no tracebacks, no SQL, no file paths."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from timeline.app import create_app
from timeline.settings import Settings


async def test_unknown_route_and_method_are_problems(app_client: httpx.AsyncClient) -> None:
    missing = await app_client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await app_client.put("/api/v1/processes")
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"slug": "x", "title": ', "application/json", 400),
        (b"slug=x&title=y", "application/x-www-form-urlencoded", 415),
    ],
    ids=["malformed-json", "not-json"],
)
async def test_an_unreadable_body_is_a_problem_without_internals_and_stores_nothing(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    content: bytes,
    content_type: str,
    status: int,
) -> None:
    response = await app_client.post(
        "/api/v1/processes",
        content=content,
        headers={**admin_headers, "Content-Type": content_type},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    for leak in ("Traceback", "site-packages", ".py", "SELECT", "sqlalchemy"):
        assert leak not in response.text
    assert (await app_client.get("/api/v1/processes/x")).status_code == 404


async def test_openapi_document_lists_every_route(app_client: httpx.AsyncClient) -> None:
    schema = (await app_client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/processes",
        "/api/v1/processes/{slug}",
        "/api/v1/processes/{slug}/events",
        "/api/v1/processes/{slug}/events/{event_id}",
        "/api/v1/processes/{slug}/events/{event_id}/history",
        "/api/v1/processes/{slug}/timeline",
        "/api/v1/upcoming",
    ):
        assert path in paths
    patch = paths["/api/v1/processes/{slug}/events/{event_id}"]["patch"]
    assert {"412", "422", "428"} <= set(patch["responses"])


async def test_health_and_readiness(app_client: httpx.AsyncClient) -> None:
    assert (await app_client.get("/healthz")).json() == {"status": "ok"}
    ready = await app_client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_readiness_is_503_until_the_schema_is_migrated(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/readyz")
        alive = await client.get("/healthz")
    await app.state.db.dispose()
    assert response.status_code == 503
    assert "migrate" in response.json()["detail"]
    assert alive.status_code == 200
