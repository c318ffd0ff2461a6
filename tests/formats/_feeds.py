"""A feed's identity for the Atom and JSON Feed tests (no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timeline.formats.feedinfo import FeedInfo, feed_id

ROOT = "https://timeline.example"


def feed_info(**fields: Any) -> FeedInfo:
    """The feed of process 'ahc' at ROOT; `fields` replace any of its fields."""
    values: dict[str, Any] = {
        "id": feed_id("ahc"),
        "title": "AHC: what changed",
        "subtitle": "Every recorded change.",
        "root": ROOT,
        "self_url": f"{ROOT}/api/v1/processes/ahc/changes.atom",
        "alternate_url": f"{ROOT}/processes/ahc",
        "author": "timeline",
        "fallback_updated": dt.datetime(2022, 3, 11, 9, 0, tzinfo=dt.UTC),
    }
    return FeedInfo(**{**values, **fields})
