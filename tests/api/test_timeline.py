"""Reading the timeline and upcoming milestones: windows, filters, order, pages, replay."""

from __future__ import annotations

import datetime as dt

import httpx

from tests._reads import all_pages
from tests.api.conftest import record
from timeline.clock import today


async def test_timeline_window_keeps_events_that_overlap_it(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    inside = await record(app_client, admin_headers, process, title="In", date="2023-05-10")
    straddling = await record(
        app_client, admin_headers, process, title="Across", date="2023-04-20/2023-05-02"
    )
    month = await record(
        app_client, admin_headers, process, kind="document", title="Zero", date="2023-06"
    )
    await record(app_client, admin_headers, process, title="Before", date="2023-03-01")
    await record(app_client, admin_headers, process, title="After", date="2023-07-02")
    items = await all_pages(
        app_client,
        f"/api/v1/processes/{process}/timeline",
        **{"from": "2023-05-01", "to": "2023-06-01"},
    )
    assert [i["id"] for i in items] == [straddling["id"], inside["id"], month["id"]]


async def test_timeline_orders_by_start_end_kind_id(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    for kind, date in [
        ("session", "2023-05-01/2023-05-03"),
        ("informal", "2023-05-01/2023-05-03"),
        ("document", "2023-05"),
        ("note", "2023-04-30"),
    ]:
        await record(app_client, admin_headers, process, kind=kind, title=kind, date=date)
    items = await all_pages(app_client, f"/api/v1/processes/{process}/timeline")
    keys = [(i["start"], i["end"], i["kind"], i["id"]) for i in items]
    assert keys == sorted(keys)
    assert [i["kind"] for i in items] == ["note", "informal", "session", "document"]


async def test_repeated_filters_mean_any_of(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    session = await record(app_client, admin_headers, process, tags=["jurisdiction"])
    informal = await record(
        app_client,
        admin_headers,
        process,
        kind="informal",
        title="I",
        tags=["terminology"],
        status="held",
    )
    await record(app_client, admin_headers, process, kind="note", title="N", tags=["other"])
    url = f"/api/v1/processes/{process}/timeline"
    by_kind = (await app_client.get(url, params=[("kind", "session"), ("kind", "informal")])).json()
    assert {i["id"] for i in by_kind["items"]} == {session["id"], informal["id"]}
    by_tag = (
        await app_client.get(url, params=[("tag", "jurisdiction"), ("tag", "terminology")])
    ).json()
    assert {i["id"] for i in by_tag["items"]} == {session["id"], informal["id"]}
    by_status = (await app_client.get(url, params={"status": "held"})).json()
    assert [i["id"] for i in by_status["items"]] == [informal["id"]]
    both = (await app_client.get(url, params={"kind": "session", "tag": "terminology"})).json()
    assert both["items"] == []


async def test_pagination_visits_every_event_exactly_once(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = set()
    for day in range(1, 24):
        # Pairs on the same day exercise the tie-breakers of the keyset (kind, then id).
        for kind in ("session", "note"):
            event = await record(
                app_client,
                admin_headers,
                process,
                kind=kind,
                title=f"{kind} {day}",
                date=f"2023-05-{day:02d}",
            )
            created.add(event["id"])
    items = await all_pages(app_client, f"/api/v1/processes/{process}/timeline", limit=5)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == len(created) and set(ids) == created


async def test_limit_over_500_and_bad_cursor_are_422(
    app_client: httpx.AsyncClient, process: str
) -> None:
    url = f"/api/v1/processes/{process}/timeline"
    too_many = await app_client.get(url, params={"limit": 501})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"
    bad = await app_client.get(url, params={"cursor": "not-ours"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    backwards = await app_client.get(url, params={"from": "2023-05-01", "to": "2023-04-01"})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
    kind = await app_client.get(url, params={"kind": "party"})
    assert kind.status_code == 422 and kind.json()["errors"][0]["field"] == "kind"


async def test_timeline_as_of_shows_only_what_was_known(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    early = await record(app_client, admin_headers, process, title="Early", known_on="2022-01-01")
    await record(app_client, admin_headers, process, title="Late", known_on="2024-01-01")
    await app_client.patch(
        early["links"]["self"],
        json={"title": "Early, renamed", "known_on": "2024-06-01"},
        headers={**admin_headers, "If-Match": f'"event.{early["id"]}.1"'},
    )
    url = f"/api/v1/processes/{process}/timeline"
    old = (await app_client.get(url, params={"as_of": "2023-01-01"})).json()["items"]
    assert [(i["title"], i["version"]) for i in old] == [("Early", 1)]
    mid = (await app_client.get(url, params={"as_of": "2024-03-01"})).json()["items"]
    assert sorted(i["title"] for i in mid) == ["Early", "Late"]
    now = (await app_client.get(url)).json()["items"]
    assert sorted(i["title"] for i in now) == ["Early, renamed", "Late"]


async def test_timeline_as_of_forgets_deleted_events_only_after_deletion(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process, known_on="2022-01-01")
    await app_client.delete(
        event["links"]["self"],
        params={"known_on": "2023-01-01"},
        headers={**admin_headers, "If-Match": f'"event.{event["id"]}.1"'},
    )
    url = f"/api/v1/processes/{process}/timeline"
    assert len((await app_client.get(url, params={"as_of": "2022-06-01"})).json()["items"]) == 1
    assert (await app_client.get(url, params={"as_of": "2023-06-01"})).json()["items"] == []


async def test_upcoming_lists_soonest_first_with_days_until_and_ongoing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await app_client.post(
        "/api/v1/processes", json={"slug": "other", "title": "Other"}, headers=admin_headers
    )
    ongoing = await record(
        app_client,
        admin_headers,
        process,
        title="Under way",
        date="2023-08-21/2023-09-01",
        known_on="2023-01-01",
    )
    soon = await record(
        app_client,
        admin_headers,
        "other",
        kind="consultation",
        title="Soon",
        date="2023-09-05",
        known_on="2023-01-01",
    )
    await record(
        app_client, admin_headers, process, title="Far", date="2023-12-01", known_on="2023-01-01"
    )
    await record(
        app_client, admin_headers, process, title="Over", date="2023-08-01", known_on="2023-01-01"
    )
    await record(
        app_client,
        admin_headers,
        process,
        title="Called off",
        date="2023-09-06",
        status="cancelled",
        known_on="2023-01-01",
    )
    body = (
        await app_client.get("/api/v1/upcoming", params={"as_of": "2023-08-25", "days": 30})
    ).json()
    assert body["as_of"] == "2023-08-25" and body["days"] == 30
    assert [(i["id"], i["days_until"], i["ongoing"]) for i in body["items"]] == [
        (ongoing["id"], 0, True),
        (soon["id"], 11, False),
    ]
    assert body["items"][1]["process"] == "other"
    only_other = (
        await app_client.get("/api/v1/upcoming", params={"as_of": "2023-08-25", "process": "other"})
    ).json()
    assert [i["id"] for i in only_other["items"]] == [soon["id"]]
    sessions = (
        await app_client.get(
            "/api/v1/upcoming", params={"as_of": "2023-08-25", "kind": "consultation"}
        )
    ).json()
    assert [i["id"] for i in sessions["items"]] == [soon["id"]]


async def test_upcoming_without_as_of_counts_from_today(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    day = today() + dt.timedelta(days=3)
    event = await record(app_client, admin_headers, process, date=day.isoformat())
    body = (await app_client.get("/api/v1/upcoming", params={"days": 7})).json()
    assert [(i["id"], i["days_until"]) for i in body["items"]] == [(event["id"], 3)]


async def test_upcoming_for_an_unknown_process_is_404(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/api/v1/upcoming", params={"process": "nope"})
    assert response.status_code == 404


async def test_timeline_list_has_a_content_etag_and_answers_304(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process)
    url = f"/api/v1/processes/{process}/timeline"
    first = await app_client.get(url)
    again = await app_client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
