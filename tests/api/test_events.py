"""Events: create every kind, reject bad input without storing it, change safely, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.api.conftest import record
from timeline.clock import today

KIND_EXAMPLES: list[dict[str, Any]] = [
    {"kind": "session", "date": "2023-08-21/2023-09-01", "attributes": {"number": "6"}},
    {"kind": "informal", "date": "2023-01-09/2023-01-20", "tags": ["jurisdiction"]},
    {"kind": "consultation", "date": "2023-06-20/2023-06-21"},
    {
        "kind": "vote_point",
        "date": "2024-08-08",
        "attributes": {"rule": "two_thirds_present_voting", "yes": 20, "no": 10, "abstain": 7},
    },
    {
        "kind": "eif_threshold",
        "date": "2023-04",
        "attributes": {"instruments": 30, "proposed_by": ["Russia", "China"]},
    },
    {"kind": "document", "date": "2023-06", "attributes": {"symbol": "A/AC.291/22"}},
    {"kind": "signature", "date": "2025-10-25/2025-10-26", "attributes": {"count": 72}},
    {"kind": "ratification", "date": "2026-02-03", "attributes": {"party": "Viet Nam"}},
    {"kind": "milestone", "date": "2024-12-24"},
    {"kind": "note", "date": "2023-21"},
    {"kind": "session", "date": "2023-02-22T15:00-05:00/2023-02-22T18:00-05:00"},
]


async def _count(client: httpx.AsyncClient, slug: str) -> int:
    response = await client.get(f"/api/v1/processes/{slug}/timeline?limit=500")
    return len(response.json()["items"])


@pytest.mark.parametrize("example", KIND_EXAMPLES, ids=lambda e: f"{e['kind']}:{e['date']}")
async def test_every_kind_is_recorded_with_its_day_bounds(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    process: str,
    example: dict[str, Any],
) -> None:
    created = await record(app_client, admin_headers, process, title="Thing", **example)
    stored = (await app_client.get(created["links"]["self"])).json()
    assert stored == created
    assert stored["kind"] == example["kind"] and stored["date"] == example["date"]
    assert stored["version"] == 1 and stored["process"] == process
    assert dt.date.fromisoformat(stored["start"]) <= dt.date.fromisoformat(stored["end"])
    assert stored["created_at"].endswith("Z") and stored["known_on"] == today().isoformat()


async def test_response_carries_start_end_precision_and_qualifiers(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await record(app_client, admin_headers, process, kind="document", date="2023-06?")
    assert (created["start"], created["end"]) == ("2023-06-01", "2023-06-30")
    assert created["precision"] == "month"
    assert (created["approximate"], created["uncertain"]) == (False, True)
    timed = await record(
        app_client, admin_headers, process, date="2023-02-22T21:00-05:00/2023-02-22T23:00-05:00"
    )
    assert (timed["start"], timed["end"], timed["precision"]) == (
        "2023-02-22",
        "2023-02-22",
        "datetime",
    )


async def test_create_answers_201_with_location_and_version_etag(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    response = await app_client.post(
        f"/api/v1/processes/{process}/events",
        json={"kind": "milestone", "title": "M", "date": "2024-12-24"},
        headers=admin_headers,
    )
    body = response.json()
    assert response.status_code == 201
    assert response.headers["location"] == body["links"]["self"]
    assert response.headers["etag"] == f'"event.{body["id"]}.1"'


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "session", "title": "S", "date": "next spring"}, "date"),
        ({"kind": "session", "title": "S", "date": "2023-02-22T15:00"}, "date"),
        ({"kind": "session", "title": "S", "date": "2023", "venue": "x"}, "venue"),
        ({"kind": "session", "title": "S", "date": "2023", "id": "abc"}, "id"),
        ({"kind": "session", "title": "S", "date": "2023", "version": 3}, "version"),
        (
            {"kind": "session", "title": "S", "date": "2023", "created_at": "2023-01-01"},
            "created_at",
        ),
        (
            {"kind": "session", "title": "S", "date": "2023", "attributes": {"rule": "consensus"}},
            "attributes.rule",
        ),
        (
            {
                "kind": "vote_point",
                "title": "V",
                "date": "2023",
                "attributes": {"outcome": "adopted"},
            },
            "attributes.outcome",
        ),
        ({"kind": "party", "title": "S", "date": "2023"}, "kind"),
        ({"kind": "session", "title": "S", "date": "2023", "status": "done"}, "status"),
        ({"kind": "session", "title": "", "date": "2023"}, "title"),
        (
            {"kind": "session", "title": "S", "date": "2023", "sources": [{"url": "ftp://x"}]},
            "sources.0.url",
        ),
        ({"kind": "session", "title": "S", "date": "2023", "parent": "missing"}, "parent"),
        (
            {"kind": "session", "title": "S", "date": "2023", "depends_on": [{"event": "missing"}]},
            "depends_on.0.event",
        ),
        ({"kind": "session", "title": "S", "date": "2023", "known_on": "2999-01-01"}, "known_on"),
    ],
)
async def test_invalid_event_is_422_naming_the_field_and_stores_nothing(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    process: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = await app_client.post(
        f"/api/v1/processes/{process}/events", json=body, headers=admin_headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["type"]
    assert field in [e["field"] for e in problem["errors"]]
    assert await _count(app_client, process) == 0


async def test_parent_in_another_process_is_refused(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await app_client.post(
        "/api/v1/processes", json={"slug": "other", "title": "Other"}, headers=admin_headers
    )
    elsewhere = await record(app_client, admin_headers, "other")
    response = await app_client.post(
        f"/api/v1/processes/{process}/events",
        json={"kind": "informal", "title": "I", "date": "2023", "parent": elsewhere["id"]},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "parent", "message": "the enclosing event is in another process"}
    ]


async def test_dependency_cycle_is_refused_and_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    first = await record(app_client, admin_headers, process, title="First")
    second = await record(
        app_client, admin_headers, process, title="Second", depends_on=[{"event": first["id"]}]
    )
    response = await app_client.patch(
        first["links"]["self"],
        json={"depends_on": [{"event": second["id"], "lag_days": 3}]},
        headers={**admin_headers, "If-Match": f'"event.{first["id"]}.1"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "depends_on"
    assert "cycle" in response.json()["errors"][0]["message"]
    again = (await app_client.get(first["links"]["self"])).json()
    assert again["version"] == 1 and again["depends_on"] == []


@pytest.mark.parametrize(
    ("title", "votes", "outcome", "required_yes"),
    [
        pytest.param(
            "Delete article 6(2)", {"yes": 25, "no": 102, "abstain": 23}, "rejected", 85,
            id="short-of-two-thirds-is-rejected",
        ),
        pytest.param(
            "Exactly two-thirds", {"yes": 20, "no": 10, "abstain": 99}, "adopted", 20,
            id="exactly-two-thirds-is-adopted",
        ),
    ],
)  # fmt: skip
async def test_vote_point_serves_outcome_and_required_yes(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    process: str,
    title: str,
    votes: dict[str, int],
    outcome: str,
    required_yes: int,
) -> None:
    vote = await record(
        app_client,
        admin_headers,
        process,
        kind="vote_point",
        title=title,
        date="2024-08-08",
        attributes={"rule": "two_thirds_present_voting", **votes},
    )
    assert vote["attributes"]["outcome"] == outcome
    assert vote["attributes"]["required_yes"] == required_yes


async def test_patch_is_a_merge_patch_and_appends_a_revision(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    # known on a day before the patch's: a revision is never known before the event (#19)
    event = await record(
        app_client, admin_headers, process, location="Vienna", tags=["a"], known_on="2023-02-01"
    )
    response = await app_client.patch(
        event["links"]["self"],
        content=b'{"status": "postponed", "location": null, "known_on": "2023-03-01"}',
        headers={
            **admin_headers,
            "If-Match": f'"event.{event["id"]}.1"',
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["status"] == "postponed" and changed["location"] is None
    assert changed["tags"] == ["a"] and changed["version"] == 2
    assert changed["known_on"] == "2023-03-01"
    assert response.headers["etag"] == f'"event.{event["id"]}.2"'
    history = (await app_client.get(event["links"]["history"])).json()["items"]
    assert [h["change"] for h in history] == ["created", "updated"]
    assert history[1]["fields"] == {
        "status": ["planned", "postponed"],
        "location": ["Vienna", None],
    }
    assert history[1]["known_on"] == "2023-03-01" and history[1]["actor"] == "admin"
    assert history[0]["fields"]["title"] == [None, "A session"]


async def test_patch_without_if_match_is_428_and_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process)
    response = await app_client.patch(
        event["links"]["self"], json={"status": "held"}, headers=admin_headers
    )
    assert response.status_code == 428
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await app_client.get(event["links"]["self"])).json() == event


async def test_patch_with_stale_etag_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process)
    stale = {**admin_headers, "If-Match": f'"event.{event["id"]}.1"'}
    first = await app_client.patch(event["links"]["self"], json={"status": "held"}, headers=stale)
    assert first.status_code == 200
    second = await app_client.patch(
        event["links"]["self"], json={"status": "cancelled"}, headers=stale
    )
    assert second.status_code == 412
    assert second.json()["status"] == 412
    current = (await app_client.get(event["links"]["self"])).json()
    assert current["status"] == "held" and current["version"] == 2
    history = (await app_client.get(event["links"]["history"])).json()["items"]
    assert len(history) == 2


async def test_if_none_match_gives_304_until_the_event_changes(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process)
    first = await app_client.get(event["links"]["self"])
    tag = first.headers["etag"]
    cached = await app_client.get(event["links"]["self"], headers={"If-None-Match": tag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == tag
    await app_client.patch(
        event["links"]["self"],
        json={"title": "Renamed"},
        headers={**admin_headers, "If-Match": tag},
    )
    fresh = await app_client.get(event["links"]["self"], headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.json()["title"] == "Renamed"


async def test_delete_leaves_a_tombstone_in_history(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(app_client, admin_headers, process)
    refused = await app_client.delete(event["links"]["self"], headers=admin_headers)
    assert refused.status_code == 428
    stale = await app_client.delete(
        event["links"]["self"], headers={**admin_headers, "If-Match": f'"event.{event["id"]}.9"'}
    )
    assert stale.status_code == 412
    gone = await app_client.delete(
        event["links"]["self"], headers={**admin_headers, "If-Match": f'"event.{event["id"]}.1"'}
    )
    assert gone.status_code == 204
    assert (await app_client.get(event["links"]["self"])).status_code == 404
    assert await _count(app_client, process) == 0
    history = (await app_client.get(event["links"]["history"])).json()["items"]
    assert [h["change"] for h in history] == ["created", "deleted"]
    assert [h["version"] for h in history] == [1, 2]


async def test_delete_of_an_event_others_depend_on_is_refused(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    approval = await record(app_client, admin_headers, process, kind="milestone", title="A")
    await record(
        app_client,
        admin_headers,
        process,
        kind="deadline",
        title="D",
        date="2024-01",
        depends_on=[{"event": approval["id"]}],
    )
    response = await app_client.delete(
        approval["links"]["self"],
        headers={**admin_headers, "If-Match": f'"event.{approval["id"]}.1"'},
    )
    assert response.status_code == 422
    assert (await app_client.get(approval["links"]["self"])).status_code == 200


async def test_as_of_replays_the_event_as_known_that_day(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event = await record(
        app_client,
        admin_headers,
        process,
        title="Concluding session",
        date="2024-01",
        known_on="2022-03-11",
    )
    await app_client.patch(
        event["links"]["self"],
        json={"date": "2024-01-29/2024-02-09", "known_on": "2023-09-01"},
        headers={**admin_headers, "If-Match": f'"event.{event["id"]}.1"'},
    )
    await app_client.patch(
        event["links"]["self"],
        json={"status": "suspended", "known_on": "2024-02-09"},
        headers={**admin_headers, "If-Match": f'"event.{event["id"]}.2"'},
    )
    url = event["links"]["self"]
    before = await app_client.get(url, params={"as_of": "2022-01-01"})
    assert before.status_code == 404
    june = (await app_client.get(url, params={"as_of": "2023-06-30"})).json()
    assert (june["date"], june["status"], june["version"]) == ("2024-01", "planned", 1)
    autumn = (await app_client.get(url, params={"as_of": "2023-12-31"})).json()
    assert (autumn["date"], autumn["status"]) == ("2024-01-29/2024-02-09", "planned")
    now = (await app_client.get(url)).json()
    assert now["status"] == "suspended" and now["version"] == 3


async def test_unknown_event_and_process_are_404_problems(
    app_client: httpx.AsyncClient, process: str
) -> None:
    for url in (f"/api/v1/processes/{process}/events/nope", "/api/v1/processes/nope/events/x"):
        response = await app_client.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
