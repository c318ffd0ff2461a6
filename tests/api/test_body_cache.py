"""Feeds are served from a body cache keyed by their ETag: the same bytes until the log moves,
and the new bytes as soon as anything in the process changes."""

from __future__ import annotations

import httpx

from tests.api.conftest import record
from timeline.api.events import event_etag
from timeline.services.caches import BodyCache


async def test_a_cached_calendar_changes_as_soon_as_an_event_changes(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process, title="Fifth session")
    url = f"/api/v1/processes/{process}/calendar.ics"
    first = await app_client.get(url)
    again = await app_client.get(url)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    changed = await app_client.patch(
        f"/api/v1/processes/{process}/events/{event['id']}",
        json={"title": "Fifth session resumed"},
        headers={**admin_headers, "If-Match": event_etag(event["id"], event["version"])},
    )
    assert changed.status_code == 200, changed.text
    after = await app_client.get(url)
    assert after.headers["etag"] != first.headers["etag"]
    assert b"Fifth session resumed" in after.content
    assert b"SUMMARY:Fifth session\r\n" not in after.content


def test_the_body_cache_forgets_the_least_recently_used_beyond_its_budget() -> None:
    cache = BodyCache(max_bytes=10)
    cache.put('"a"', b"aaaa", "a.ics")
    cache.put('"b"', b"bbbb", "b.ics")
    assert cache.get('"a"') == (b"aaaa", "a.ics")  # now the most recently used
    cache.put('"c"', b"cccc", "c.ics")
    assert cache.get('"b"') is None
    assert cache.get('"a"') == (b"aaaa", "a.ics")
    assert cache.get('"c"') == (b"cccc", "c.ics")
    cache.put('"huge"', b"x" * 11)
    assert cache.get('"huge"') is None
