"""`POST /api/v1/bundles`: one transaction that creates, leaves unchanged or brings forward each
process of an export bundle; a bad or conflicting bundle is a problem+json and changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
from dataclasses import replace
from typing import Any

import httpx
import pytest

from timeline.app import create_app
from timeline.domain.events import diff_documents
from timeline.schemas import EventFields
from timeline.services.bundle import dump_bundle, export_bundle
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.tokens import create_token

ROUTE = "/api/v1/bundles"
T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)

Step = tuple[str, dict[str, Any] | None]  # (known_on, document; None: deleted)


def _revisions(steps: list[Step], first: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before: dict[str, Any] | None = None
    for index, (known_on, raw) in enumerate(steps):
        deleted = raw is None
        document = before if deleted else EventFields.model_validate(raw).model_dump(mode="json")
        assert document is not None
        stamp = T0 + dt.timedelta(hours=first + index)
        out.append(
            {
                "version": index + 1,
                "change": "deleted" if deleted else ("created" if index == 0 else "updated"),
                "actor": "admin",
                "known_on": known_on,
                "recorded_at": stamp.isoformat().replace("+00:00", "Z"),
                "fields": {} if deleted else diff_documents(before, document),
                "snapshot": document,
            }
        )
        before = document
    return out


def _item(key: str, statuses: list[str]) -> dict[str, Any]:
    revisions = [
        {
            "version": i + 1,
            "change": "created" if i == 0 else "updated",
            "actor": "admin",
            "known_on": f"2024-0{i + 1}-01",
            "recorded_at": (T0 + dt.timedelta(days=i)).isoformat().replace("+00:00", "Z"),
            "fields": {"status": [statuses[i - 1] if i else None, status]},
            "snapshot": {"key": key, "title": f"Article {key}", "chapter": "II", "status": status},
        }
        for i, status in enumerate(statuses)
    ]
    last = revisions[-1]
    return {
        "key": key,
        "title": f"Article {key}",
        "chapter": "II",
        "status": statuses[-1],
        "version": len(statuses),
        "known_on": last["known_on"],
        "created_at": revisions[0]["recorded_at"],
        "updated_at": last["recorded_at"],
        "revisions": revisions,
    }


SESSION = {"kind": "session", "title": "First session", "date": "2024-04-08/2024-04-19"}
DEADLINE = {"kind": "document", "title": "Zero draft", "date": "2024-06", "tags": ["draft"]}


def bundle(slug: str = "plastics", *, grown: bool = False) -> dict[str, Any]:
    """A bundle of one process; `grown` is the same history with more revisions, a new event,
    a deletion and an item change appended (so the plain one is a prefix of it)."""
    session: list[Step] = [("2024-01-10", SESSION)]
    deadline: list[Step] = [
        ("2024-01-10", DEADLINE),
        ("2024-02-01", {**DEADLINE, "depends_on": [{"event": "s1"}], "tags": ["draft", "x"]}),
    ]
    note: list[Step] = [("2024-01-11", {"kind": "note", "title": "A note", "date": "2024-01"})]
    statuses = ["open"]
    if grown:
        session.append(("2024-04-20", {**SESSION, "status": "held"}))
        deadline.append(("2024-05-01", {**DEADLINE, "depends_on": [{"event": "s1"}], "tags": []}))
        note.append(("2024-05-02", None))
        statuses.append("agreed")
    events = [("d1", deadline, 0), ("n1", note, 10), ("s1", session, 20)]
    if grown:
        events.append(("t1", [("2024-05-03", {**SESSION, "title": "Second session"})], 30))
    items = [_item("art-1", statuses), _item("art-2", ["open"])]
    process = {
        "slug": slug,
        "title": "Plastics treaty",
        "description": None,
        "timezone": "UTC",
        "url": None,
        "version": 1,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "events": [
            {"id": f"{slug}-{eid}", "revisions": _revisions(_renamed(steps, slug), first)}
            for eid, steps, first in events
        ],
        "items": items,
    }
    return {"format": "timeline-bundle", "version": 1, "processes": [process]}


def _renamed(steps: list[Step], slug: str) -> list[Step]:
    def ref(document: dict[str, Any] | None) -> dict[str, Any] | None:
        if document is None or "depends_on" not in document:
            return document
        deps = [{**d, "event": f"{slug}-{d['event']}"} for d in document["depends_on"]]
        return {**document, "depends_on": deps}

    return [(day, ref(document)) for day, document in steps]


async def exported(settings: Settings) -> str:
    """Everything the database holds, as `timeline export` writes it."""
    db = Database(settings.database_url)
    async with db.read() as session:
        text_ = dump_bundle(await export_bundle(session))
    await db.dispose()
    return text_


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    sent = {**headers, "Content-Type": "application/json"}
    return await client.post(ROUTE, content=json.dumps(body), headers=sent)


async def test_a_new_process_is_created_in_one_request_and_exports_as_sent(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    sent = bundle()
    response = await post(app_client, admin_headers, sent)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == 1 and report["unchanged"] == report["updated"] == 0
    assert report["processes"] == [
        {
            "slug": "plastics",
            "result": "created",
            "events_added": 3,
            "events_updated": 0,
            "revisions_added": 4,
            "items_added": 2,
            "items_updated": 0,
            "item_revisions_added": 2,
        }
    ]
    assert await exported(settings) == dump_bundle(sent)
    timeline = (await app_client.get("/api/v1/processes/plastics/timeline")).json()["items"]
    assert {e["id"] for e in timeline} == {"plastics-d1", "plastics-n1", "plastics-s1"}
    tagged = (await app_client.get("/api/v1/processes/plastics/timeline?tag=x")).json()["items"]
    assert [e["id"] for e in tagged] == ["plastics-d1"]
    calendar = await app_client.get("/api/v1/processes/plastics/calendar.ics")
    assert calendar.status_code == 200 and calendar.text.count("BEGIN:VEVENT") == 3


async def test_the_same_bundle_again_is_unchanged_and_writes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    assert (await post(app_client, admin_headers, bundle())).status_code == 200
    before = await exported(settings)
    response = await post(app_client, admin_headers, bundle())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["unchanged"] == 1 and report["created"] == report["updated"] == 0
    counts = {k: v for k, v in report["processes"][0].items() if k not in ("slug", "result")}
    assert set(counts.values()) == {0}
    assert await exported(settings) == before


async def test_a_bundle_with_more_revisions_brings_the_process_forward(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    assert (await post(app_client, admin_headers, bundle())).status_code == 200
    response = await post(app_client, admin_headers, bundle(grown=True))
    assert response.status_code == 200, response.text
    report = response.json()["processes"][0]
    assert report["result"] == "updated"
    assert (report["events_added"], report["events_updated"], report["revisions_added"]) == (
        1,
        3,
        4,
    )
    assert (report["items_added"], report["items_updated"], report["item_revisions_added"]) == (
        0,
        1,
        1,
    )
    assert await exported(settings) == dump_bundle(bundle(grown=True))
    timeline = (await app_client.get("/api/v1/processes/plastics/timeline")).json()["items"]
    assert {e["id"]: e["status"] for e in timeline} == {
        "plastics-d1": "planned",
        "plastics-s1": "held",
        "plastics-t1": "planned",
    }
    assert (await app_client.get("/api/v1/processes/plastics/timeline?tag=x")).json()["items"] == []
    gone = await app_client.get("/api/v1/processes/plastics/events/plastics-n1")
    assert gone.status_code in (404, 410)
    item = (await app_client.get("/api/v1/processes/plastics/items/art-1")).json()
    assert item["status"] == "agreed"
    again = await post(app_client, admin_headers, bundle(grown=True))
    assert again.json()["unchanged"] == 1


async def test_a_conflicting_bundle_is_409_naming_the_process_and_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    assert (await post(app_client, admin_headers, bundle(grown=True))).status_code == 200
    before = await exported(settings)
    rewritten = bundle(grown=True)
    rewritten["processes"][0]["events"][0]["revisions"][0]["snapshot"]["title"] = "Other"
    behind = bundle()  # the server has revisions this bundle lacks
    for conflicting in (rewritten, behind):
        # A new process in the same bundle is not created either: all or nothing.
        conflicting["processes"].insert(0, bundle("another")["processes"][0])
        response = await post(app_client, admin_headers, conflicting)
        assert response.status_code == 409, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "'plastics'" in response.json()["detail"]
        assert await exported(settings) == before


async def test_a_bad_bundle_is_422_naming_the_field_and_changes_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], settings: Settings
) -> None:
    bad = bundle()
    bad["processes"].append(copy.deepcopy(bundle("second")["processes"][0]))
    bad["processes"][1]["events"][0]["revisions"][1]["snapshot"]["date"] = "not a date"
    response = await post(app_client, admin_headers, bad)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["processes[1].events[0].revisions[1].snapshot.date"]
    assert json.loads(await exported(settings))["processes"] == []
    as_json = {**admin_headers, "Content-Type": "application/json"}
    empty = await app_client.post(ROUTE, content=b"", headers=as_json)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    broken = await app_client.post(ROUTE, content=b"{not json", headers=as_json)
    assert broken.status_code == 400
    assert broken.headers["content-type"].startswith("application/problem+json")
    # held off for the check and the write, never left off by a refusal
    assert gc.isenabled()


async def test_only_an_admin_token_may_apply_a_bundle(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    db = Database(settings.database_url)
    async with db.write() as session:
        secret = await create_token(session, "newsroom", "editor", None, now=T0)
    await db.dispose()
    refused = await post(app_client, {"Authorization": f"Bearer {secret}"}, bundle())
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await post(app_client, {}, bundle())).status_code == 401
    assert json.loads(await exported(settings))["processes"] == []


@pytest.mark.parametrize("limit", [None, 2000])
async def test_bundles_have_their_own_body_limit(
    settings: Settings, admin_headers: dict[str, str], limit: int | None
) -> None:
    tuned = settings if limit is None else replace(settings, max_bundle_bytes=limit)
    app = create_app(tuned)
    large = bundle()
    note = large["processes"][0]["events"][1]
    for n in range(300):  # about 150 KB: over the 64 KiB every other route accepts
        large["processes"][0]["events"].append({**copy.deepcopy(note), "id": f"note-{n:03}"})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await post(client, admin_headers, large)
        other = await client.post(
            "/api/v1/processes",
            json={"slug": "big", "title": "B", "description": "x" * (70 * 1024)},
            headers=admin_headers,
        )
    await app.state.db.dispose()
    assert other.status_code == 413
    if limit is None:
        assert response.status_code == 200, response.text
        assert response.json()["processes"][0]["events_added"] == 303
    else:
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        assert json.loads(await exported(settings))["processes"] == []
