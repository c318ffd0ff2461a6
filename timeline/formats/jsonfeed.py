"""Change feeds as JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

The same entries as the Atom feed (same ids, titles and content); `date_published` and
`date_modified` are when the change became public (`public_moment`). A `_timeline` extension
object carries the machine-readable change (event, version, change, known_on, recorded_at,
fields) for scripts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import (
    change_html,
    change_text,
    change_title,
    entry_id,
    public_moment,
    rfc3339,
)
from timeline.formats.feedinfo import FeedInfo, event_page_url, feed_updated
from timeline.formats.position_feed import json_item

__all__ = ["JSON_FEED_MEDIA_TYPE", "JSON_FEED_VERSION", "json_feed", "json_feed_document"]

JSON_FEED_MEDIA_TYPE = "application/feed+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def _item(info: FeedInfo, record: ChangeRecord) -> dict[str, Any]:
    page = event_page_url(info.root, record)
    event = record.event
    return {
        "id": entry_id(record),
        "url": page,
        "title": change_title(record),
        "content_html": change_html(record, page),
        "content_text": change_text(record),
        "summary": change_title(record),
        "date_published": rfc3339(public_moment(record)),
        "date_modified": rfc3339(public_moment(record)),
        "authors": [{"name": record.actor}],
        "tags": [event.kind, *event.tags],
        "_timeline": {
            "about": f"{info.root}/schema",
            "process": record.process,
            "event": record.event_id,
            "version": record.version,
            "change": record.change,
            "known_on": record.known_on.isoformat(),
            "recorded_at": rfc3339(record.recorded_at),
            "fields": record.fields,
        },
    }


def json_feed_document(
    info: FeedInfo, records: Sequence[ChangeRecord | PositionChange]
) -> dict[str, Any]:
    """The JSON Feed object for `records` (event and position changes, newest first)."""
    return {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.alternate_url,
        "feed_url": info.self_url,
        "description": info.subtitle,
        "authors": [{"name": info.author, "url": info.root}],
        "language": "en",
        "_timeline": {
            "about": f"{info.root}/schema",
            "id": info.id,
            "updated": rfc3339(feed_updated(info, records)),
        },
        "items": [
            json_item(info.root, r) if isinstance(r, PositionChange) else _item(info, r)
            for r in records
        ],
    }


def json_feed(info: FeedInfo, records: Sequence[ChangeRecord | PositionChange]) -> bytes:
    """The JSON Feed as UTF-8 bytes; the same records give the same bytes."""
    document = json_feed_document(info, records)
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()
