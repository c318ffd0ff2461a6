"""What a change feed says about itself, shared by the Atom and JSON Feed writers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import TAG_AUTHORITY

__all__ = ["FeedInfo", "event_page_url", "feed_id", "feed_updated"]


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed's identity and links. `fallback_updated` dates an empty feed (derived from the
    data, e.g. the process's creation, never the clock)."""

    id: str
    title: str
    subtitle: str
    root: str
    self_url: str
    alternate_url: str
    author: str
    fallback_updated: dt.datetime


def feed_id(process: str | None, kinds: Sequence[str] = (), tags: Sequence[str] = ()) -> str:
    """The permanent id of a feed: which processes and which filters, never the host."""
    scope = process or "all"
    filters = [f"kind={k}" for k in sorted(set(kinds))] + [f"tag={t}" for t in sorted(set(tags))]
    return f"tag:{TAG_AUTHORITY}:{scope}/changes" + ("?" + "&".join(filters) if filters else "")


def feed_updated(info: FeedInfo, records: Sequence[ChangeRecord | PositionChange]) -> dt.datetime:
    """When the feed last changed: the newest entry's recorded_at, else the fallback."""
    return max((r.recorded_at for r in records), default=info.fallback_updated)


def event_page_url(root: str, record: ChangeRecord) -> str:
    """Where a reader sees the changed event (its history once it was deleted)."""
    base = f"{root}/processes/{record.process}"
    if record.change == "deleted":
        return f"{root}/api/v1/processes/{record.process}/events/{record.event_id}/history"
    return f"{base}/events/{record.event_id}"
