"""Negotiation items over HTTP: create, list with history, replay as of a day, safe changes."""

from __future__ import annotations

import httpx

ITEMS = "/api/v1/processes/plastics/items"


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: object
) -> httpx.Response:
    body = {"key": "article-57", "title": "Article 57: data protection", **fields}
    return await client.post(ITEMS, json=body, headers=headers)


async def test_create_returns_item_with_location_etag_and_first_revision(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    response = await _create(
        app_client, admin_headers, chapter="Cooperation", status="informals", known_on="2023-04-21"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"http://testserver{ITEMS}/article-57"
    assert response.headers["etag"] == '"item.article-57.1"'
    assert body["status"] == "informals"
    assert body["chapter"] == "Cooperation"
    assert body["known_on"] == "2023-04-21"
    assert [(h["version"], h["status"], h["change"]) for h in body["history"]] == [
        (1, "informals", "created")
    ]
    assert body["history"][0]["actor"] == "admin"
    again = await app_client.get(f"{ITEMS}/article-57")
    assert again.json() == body


async def test_duplicate_key_is_a_conflict_and_stores_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await _create(app_client, admin_headers)
    response = await _create(app_client, admin_headers, title="Another title")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    listed = (await app_client.get(ITEMS)).json()["items"]
    assert [i["title"] for i in listed] == ["Article 57: data protection"]


async def test_bad_input_names_the_field_and_stores_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    for fields, name in (
        ({"status": "closed"}, "status"),
        ({"key": "Not A Key"}, "key"),
        ({"title": ""}, "title"),
        ({"colour": "red"}, "colour"),
    ):
        response = await _create(app_client, admin_headers, **fields)
        assert response.status_code == 422, response.text
        assert any(name in e["field"] for e in response.json()["errors"]), response.text
    assert (await app_client.get(ITEMS)).json()["items"] == []


async def test_writes_need_a_token(app_client: httpx.AsyncClient, process: str) -> None:
    response = await _create(app_client, {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await app_client.get(ITEMS)).json()["items"] == []


async def test_patch_changes_status_and_appends_a_revision(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await _create(app_client, admin_headers, known_on="2023-04-21")
    response = await app_client.patch(
        f"{ITEMS}/article-57",
        json={"status": "agreed", "known_on": "2024-08-08"},
        headers={**admin_headers, "If-Match": created.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"item.article-57.2"'
    body = response.json()
    assert body["status"] == "agreed"
    assert [(h["known_on"], h["status"]) for h in body["history"]] == [
        ("2023-04-21", "open"),
        ("2024-08-08", "agreed"),
    ]
    assert body["history"][1]["fields"] == {"status": ["open", "agreed"]}


async def test_patch_with_stale_etag_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await _create(app_client, admin_headers)
    stale = created.headers["etag"]
    first = await app_client.patch(
        f"{ITEMS}/article-57",
        json={"status": "informals"},
        headers={**admin_headers, "If-Match": stale},
    )
    assert first.status_code == 200
    response = await app_client.patch(
        f"{ITEMS}/article-57",
        json={"status": "dropped"},
        headers={**admin_headers, "If-Match": stale},
    )
    assert response.status_code == 412
    missing = await app_client.patch(
        f"{ITEMS}/article-57", json={"status": "dropped"}, headers=admin_headers
    )
    assert missing.status_code == 428
    now = (await app_client.get(f"{ITEMS}/article-57")).json()
    assert now["status"] == "informals"
    assert now["version"] == 2


async def test_patch_cannot_remove_status(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await _create(app_client, admin_headers)
    response = await app_client.patch(
        f"{ITEMS}/article-57",
        json={"status": None},
        headers={**admin_headers, "If-Match": created.headers["etag"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"
    assert (await app_client.get(f"{ITEMS}/article-57")).json()["version"] == 1


async def test_as_of_replays_status_and_history(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await _create(app_client, admin_headers, known_on="2023-01-20", status="informals")
    await app_client.patch(
        f"{ITEMS}/article-57",
        json={"status": "agreed", "known_on": "2024-08-08"},
        headers={**admin_headers, "If-Match": created.headers["etag"]},
    )
    await _create(app_client, admin_headers, key="scope", title="Scope", known_on="2023-09-01")
    then = (await app_client.get(ITEMS, params={"as_of": "2023-06-30"})).json()["items"]
    assert [(i["key"], i["status"], len(i["history"])) for i in then] == [
        ("article-57", "informals", 1)
    ]
    later = (await app_client.get(ITEMS, params={"as_of": "2024-08-08"})).json()["items"]
    assert [(i["key"], i["status"]) for i in later] == [("article-57", "agreed"), ("scope", "open")]
    before = await app_client.get(f"{ITEMS}/scope", params={"as_of": "2023-06-30"})
    assert before.status_code == 404


async def test_list_pages_by_key_and_answers_304(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    for key in ("c", "a", "b"):
        await _create(app_client, admin_headers, key=key, title=key.upper())
    first = await app_client.get(ITEMS, params={"limit": 2})
    body = first.json()
    assert [i["key"] for i in body["items"]] == ["a", "b"]
    second = (await app_client.get(body["next"])).json()
    assert [i["key"] for i in second["items"]] == ["c"]
    assert second["next"] is None
    cached = await app_client.get(
        ITEMS, params={"limit": 2}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert cached.status_code == 304
    bad = await app_client.get(ITEMS, params={"cursor": "nonsense"})
    assert bad.status_code == 422
