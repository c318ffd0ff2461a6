"""Fixtures for API tests: a process to write into, and a helper to record events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


@pytest.fixture
async def process(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> str:
    """The slug of a freshly created process."""
    response = await app_client.post(
        "/api/v1/processes",
        json={"slug": "plastics", "title": "Plastics treaty", "timezone": "Europe/Paris"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return "plastics"


async def record(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **fields: Any
) -> dict[str, Any]:
    """Create an event (defaults: a planned session) and return its JSON; fails loudly."""
    body = {"kind": "session", "title": "A session", "date": "2023-04-11/2023-04-21", **fields}
    response = await client.post(f"/api/v1/processes/{slug}/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
