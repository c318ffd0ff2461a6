"""Processes: create (admin), read with counts and links, list, change with If-Match."""

from __future__ import annotations

import httpx

from tests.api.conftest import record


async def test_create_process_returns_links_to_every_view(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await app_client.post(
        "/api/v1/processes",
        json={"slug": "bbnj", "title": "High seas treaty", "description": "BBNJ"},
        headers=admin_headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == "http://testserver/api/v1/processes/bbnj"
    assert body["timezone"] == "UTC" and body["counts"] == {"events": 0, "items": 0}
    links = body["links"]
    assert links["calendar"] == "http://testserver/api/v1/processes/bbnj/calendar.ics"
    assert links["webcal"] == "webcal://testserver/api/v1/processes/bbnj/calendar.ics"
    assert links["timeline"].endswith("/bbnj/timeline") and links["page"].endswith(
        "/processes/bbnj"
    )
    assert links["atom"].endswith("/changes.atom") and links["json_feed"].endswith("/changes.json")


async def test_duplicate_slug_is_409_and_bad_fields_are_422(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    again = await app_client.post(
        "/api/v1/processes", json={"slug": process, "title": "Again"}, headers=admin_headers
    )
    assert again.status_code == 409
    bad = await app_client.post(
        "/api/v1/processes",
        json={"slug": "Bad Slug", "title": "X", "timezone": "Mars/Olympus"},
        headers=admin_headers,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"slug", "timezone"}
    listing = (await app_client.get("/api/v1/processes")).json()
    assert [p["slug"] for p in listing["items"]] == [process]


async def test_counts_follow_events_and_the_etag_moves_with_them(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    first = await app_client.get(f"/api/v1/processes/{process}")
    await record(app_client, admin_headers, process)
    await record(app_client, admin_headers, process, kind="note", title="N")
    second = await app_client.get(
        f"/api/v1/processes/{process}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert second.status_code == 200
    assert second.json()["counts"] == {"events": 2, "items": 0, "note": 1, "session": 1}
    cached = await app_client.get(
        f"/api/v1/processes/{process}", headers={"If-None-Match": second.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_patch_process_needs_if_match_and_admin(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    url = f"/api/v1/processes/{process}"
    tag = (await app_client.get(url)).headers["etag"]
    assert (
        await app_client.patch(url, json={"title": "T"}, headers=admin_headers)
    ).status_code == 428
    changed = await app_client.patch(
        url, json={"title": "Plastics treaty (INC)"}, headers={**admin_headers, "If-Match": tag}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = await app_client.patch(
        url, json={"title": "Lost"}, headers={**admin_headers, "If-Match": tag}
    )
    assert stale.status_code == 412
    assert (await app_client.get(url)).json()["title"] == "Plastics treaty (INC)"
    slug_change = await app_client.patch(
        url, json={"slug": "x"}, headers={**admin_headers, "If-Match": changed.headers["etag"]}
    )
    assert slug_change.status_code == 422 and slug_change.json()["errors"][0]["field"] == "slug"


async def test_process_list_pages_by_slug(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for slug in ("c", "a", "b"):
        await app_client.post(
            "/api/v1/processes", json={"slug": slug, "title": slug}, headers=admin_headers
        )
    first = (await app_client.get("/api/v1/processes", params={"limit": 2})).json()
    assert [p["slug"] for p in first["items"]] == ["a", "b"]
    rest = (await app_client.get(first["next"])).json()
    assert [p["slug"] for p in rest["items"]] == ["c"] and rest["next"] is None


async def test_process_etag_moves_when_an_item_is_added(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    first = await app_client.get(f"/api/v1/processes/{process}")
    created = await app_client.post(
        f"/api/v1/processes/{process}/items",
        json={"key": "art-57", "title": "Data protection", "status": "open"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    second = await app_client.get(
        f"/api/v1/processes/{process}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert second.status_code == 200 and second.json()["counts"]["items"] == 1
