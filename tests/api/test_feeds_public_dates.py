"""Seeded and imported history is dated by the day it became public, in the feeds and the
digest; a live edit by when it was recorded."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import feedparser
import httpx

AHC = "ahc-cybercrime"
API = "/api/v1"


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _midnight(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=dt.UTC)


def _changes(digest: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for group in digest["changes"] for c in group["changes"]]


async def test_a_freshly_seeded_digest_lists_no_change_older_than_its_window(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    data = (await app_client.get(f"{API}/digest?format=json")).json()
    # the demo's history was recorded a moment ago, but became public long before
    assert _changes(data) == []
    markdown = (await app_client.get(f"{API}/digest")).text
    assert "Concluding session suspended" not in markdown
    since = "2024-07-01"
    data = (await app_client.get(f"{API}/digest?format=json&since={since}")).json()
    listed = _changes(data)
    assert listed, "the demo has changes that became public after 1 July 2024"
    assert all(c["known_on"] >= since for c in listed)


async def test_a_live_edit_after_seeding_is_news_dated_when_recorded(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], seeded: str
) -> None:
    body = {"kind": "informal", "title": "Informal on technical assistance", "date": "2027-01-10"}
    response = await app_client.post(
        f"{API}/processes/{seeded}/events", json=body, headers=admin_headers
    )
    assert response.status_code == 201, response.text
    data = (await app_client.get(f"{API}/digest?format=json")).json()
    listed = _changes(data)
    assert [c["title"] for c in listed] == ["New: Informal on technical assistance"]
    feed = json.loads((await app_client.get(f"{API}/processes/{seeded}/changes.json")).content)
    newest = feed["items"][0]
    assert newest["_timeline"]["event"] == response.json()["id"]
    assert newest["date_published"] == newest["_timeline"]["recorded_at"]
    assert _moment(newest["date_published"]) == _moment(response.json()["created_at"])


async def test_seeded_feed_entries_are_dated_by_their_known_on_day(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    feed = json.loads(
        (await app_client.get(f"{API}/processes/{seeded}/changes.json?limit=500")).content
    )
    assert len(feed["items"]) > 40
    for item in feed["items"]:
        known_on = item["_timeline"]["known_on"]
        assert _moment(item["date_published"]) == _midnight(known_on), item["id"]
        assert _moment(item["date_modified"]) == _midnight(known_on)
        assert _moment(item["_timeline"]["recorded_at"]).date() > dt.date.fromisoformat(known_on)
    atom = feedparser.parse(
        (await app_client.get(f"{API}/processes/{seeded}/changes.atom?limit=500")).content
    )
    assert not atom.bozo
    by_id = {item["id"]: item["_timeline"]["known_on"] for item in feed["items"]}
    assert len(atom.entries) == len(by_id)
    for entry in atom.entries:
        assert _moment(entry.updated) == _moment(entry.published) == _midnight(by_id[entry.id])


async def test_a_replayed_feed_carries_no_date_after_its_day(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    feed = json.loads(
        (await app_client.get(f"{API}/processes/{seeded}/changes.json?as_of=2023-06-30")).content
    )
    assert feed["items"]
    assert all(_moment(i["date_published"]).date() <= dt.date(2023, 6, 30) for i in feed["items"])
