"""Every read the service offers about a process, and the shared ones, for tests to sweep."""

from __future__ import annotations

import httpx

__all__ = ["failing_reads", "read_paths"]


def read_paths(slug: str, event_id: str | None = None) -> list[str]:
    """Every page, feed and analysis of process `slug` and every read shared by processes."""
    paths = [
        "/",
        "/?as_of=2024-01-01",
        f"/processes/{slug}",
        f"/processes/{slug}?as_of=2024-01-01",
        "/api/v1/calendar.ics",
        "/api/v1/upcoming",
        "/api/v1/upcoming?days=3650",
        "/api/v1/changes.atom",
        "/api/v1/changes.json",
        "/api/v1/digest?format=md",
        "/api/v1/digest?format=html",
        "/api/v1/digest?format=json",
        "/api/v1/processes",
        f"/api/v1/processes/{slug}",
        f"/api/v1/processes/{slug}/timeline",
        f"/api/v1/processes/{slug}/timeline?as_of=2024-01-01",
        f"/api/v1/processes/{slug}/calendar.ics",
        f"/api/v1/processes/{slug}/timelinejs.json",
        f"/api/v1/processes/{slug}/changes.atom",
        f"/api/v1/processes/{slug}/changes.json",
        f"/api/v1/processes/{slug}/items",
        f"/api/v1/processes/{slug}/items?as_of=2024-01-01",
        f"/api/v1/processes/{slug}/risks",
        f"/api/v1/processes/{slug}/risks?as_of=2024-01-01",
        f"/api/v1/processes/{slug}/entry-into-force",
        f"/api/v1/processes/{slug}/votes",
        f"/api/v1/processes/{slug}/spectrum",
        f"/api/v1/processes/{slug}/proposals",
        f"/api/v1/processes/{slug}/groups",
        "/api/v1/groups",
        "/forecasts",
        f"/embed/processes/{slug}",
        f"/processes/{slug}?zoom=all",
        f"/embed/processes/{slug}?zoom=all",
    ]
    if event_id is not None:
        paths += [
            f"/processes/{slug}/events/{event_id}",
            f"/api/v1/processes/{slug}/events/{event_id}",
            f"/api/v1/processes/{slug}/events/{event_id}/history",
            f"/api/v1/processes/{slug}/events/{event_id}.ics",
        ]
    return paths


async def failing_reads(
    client: httpx.AsyncClient, slug: str, event_id: str | None = None
) -> list[tuple[str, int, str]]:
    """The reads of `read_paths` that do not answer 200: path, status and the start of the body."""
    failed = []
    for path in read_paths(slug, event_id):
        response = await client.get(path)
        if response.status_code != 200:
            failed.append((path, response.status_code, response.text[:200]))
    return failed
