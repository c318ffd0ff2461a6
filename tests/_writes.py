"""Writing through the API in tests: creates that must succeed, returning the JSON answer."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["new_process", "record"]


async def new_process(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, title: str, **fields: Any
) -> dict[str, Any]:
    """Create process `slug` titled `title` (with any other `fields`) and return its JSON;
    fails loudly."""
    body = {"slug": slug, "title": title, **fields}
    response = await client.post("/api/v1/processes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def record(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **fields: Any
) -> dict[str, Any]:
    """Create an event (defaults: a planned session) and return its JSON; fails loudly."""
    body = {"kind": "session", "title": "A session", "date": "2023-04-11/2023-04-21", **fields}
    response = await client.post(f"/api/v1/processes/{slug}/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
