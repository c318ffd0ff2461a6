"""Reading the API in tests: answers that must succeed, returned as plain JSON."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["all_pages", "timeline_items"]


async def timeline_items(
    client: httpx.AsyncClient, slug: str, **params: Any
) -> list[dict[str, Any]]:
    """The events of process `slug`'s timeline (up to 500) filtered by `params`; fails the test
    unless the answer is a 200."""
    response = await client.get(
        f"/api/v1/processes/{slug}/timeline", params={"limit": 500, **params}
    )
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def all_pages(client: httpx.AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of the list at `url`, following `next` page after page, in the order
    served; fails the test unless every page is a 200."""
    seen: list[dict[str, Any]] = []
    response = await client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        if page["next"] is None:
            return seen
        response = await client.get(page["next"])
