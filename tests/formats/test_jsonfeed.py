"""The JSON Feed 1.1 change feed: required fields, same entries as Atom, stable bytes."""

from __future__ import annotations

import datetime as dt
import json

from tests.formats._feeds import ROOT, feed_info
from tests.formats._records import record
from timeline.formats.feedinfo import FeedInfo, feed_id
from timeline.formats.jsonfeed import JSON_FEED_VERSION, json_feed

RECORDED = dt.datetime(2024, 2, 9, 23, 15, 7, tzinfo=dt.UTC)


def _info() -> FeedInfo:
    return feed_info(
        id=feed_id(None, kinds=["session"], tags=["b", "a"]),
        title="timeline: what changed",
        self_url=f"{ROOT}/api/v1/changes.json?kind=session",
        alternate_url=f"{ROOT}/",
        fallback_updated=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )


def _records() -> list:
    return [
        record({}, {"status": "suspended"}, rid=3, version=3, recorded_at=RECORDED),
        record(None, {}, rid=1, recorded_at=dt.datetime(2022, 3, 11, tzinfo=dt.UTC)),
    ]


def test_required_fields_of_json_feed_1_1() -> None:
    feed = json.loads(json_feed(_info(), _records()))
    assert feed["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "timeline: what changed"
    assert feed["feed_url"] == "https://timeline.example/api/v1/changes.json?kind=session"
    assert feed["home_page_url"] == "https://timeline.example/"
    assert feed["authors"] == [{"name": "timeline", "url": "https://timeline.example"}]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item["content_html"] and item["content_text"]  # one of them is required
        assert item["url"].startswith("https://")
    # Extensions start with an underscore, as the spec requires of unknown keys.
    assert all(k in _KNOWN_TOP or k.startswith("_") for k in feed)


_KNOWN_TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "authors",
    "language",
    "items",
}


def test_items_are_changes_with_recorded_times_and_permanent_ids() -> None:
    items = json.loads(json_feed(_info(), _records()))["items"]
    assert [i["id"] for i in items] == [
        "tag:timeline.negotiations,2026:ahc/ev6/3",
        "tag:timeline.negotiations,2026:ahc/ev6/1",
    ]
    first = items[0]
    assert first["title"] == "Sixth session suspended"
    assert first["date_published"] == first["date_modified"] == "2024-02-09T23:15:07Z"
    assert first["authors"] == [{"name": "editor-anna"}]
    assert first["tags"] == ["session", "zero-draft"]
    assert first["_timeline"]["fields"] == {"status": ["planned", "suspended"]}
    assert first["_timeline"]["change"] == "updated"
    assert first["_timeline"]["known_on"] == "2024-02-09"


def test_feed_id_is_canonical_over_filter_order() -> None:
    assert feed_id(None, ["session"], ["b", "a"]) == feed_id(None, ["session"], ["a", "b"])
    assert json.loads(json_feed(_info(), []))["_timeline"]["updated"] == "2021-01-01T00:00:00Z"


def test_same_records_give_the_same_bytes() -> None:
    assert json_feed(_info(), _records()) == json_feed(_info(), _records())
