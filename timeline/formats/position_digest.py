"""The digest's position news: stance, placement, vote-roll and proposal changes grouped by
what they are about (a proposal, an axis, a voted event), merged by time with the event
groups in the same shape, so the Markdown and HTML say them without a second template."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import public_moment, rfc3339
from timeline.formats.position_words import (
    position_entry_id,
    position_fields,
    position_title,
    position_url,
)

__all__ = ["merge_change_groups", "position_change_groups", "position_changed_since"]

_ABOUT: dict[str, str] = {
    "proposal": "Positions on a proposal",
    "stance": "Positions on a proposal",
    "placement": "Placements on the spectrum",
    "roll": "Recorded vote",
}


def position_changed_since(change: PositionChange, since: dt.date, as_of: dt.date) -> bool:
    """The digest's rule for event changes (`changed_since`), for a position change: known on
    `as_of` and public (`public_moment`) within `since`..`as_of`."""
    public = public_moment(change).date()
    return change.known_on <= as_of and since <= public <= as_of


def _about(change: PositionChange) -> tuple[str, str]:
    # What a change is news about: its proposal, its axis, or its voted event.
    if change.kind == "stance":
        return "proposal", str(change.document.get("proposal", change.key))
    if change.kind == "placement":
        return "axis", str(change.document.get("axis", change.key))
    if change.kind == "roll":
        return "roll", str(change.document.get("event", change.key))
    return "proposal", change.key


def _group_title(change: PositionChange, about: str, key: str) -> str:
    if change.kind == "proposal":
        return str(change.document.get("title") or key)
    if about == "axis":
        return f"Spectrum: {change.subject or key}"
    return change.subject or key


def position_change_groups(
    changes: Sequence[PositionChange],
    *,
    since: dt.date,
    as_of: dt.date,
    root: str,
    titles: Mapping[str, str],
) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """The position changes (given newest first) that are news for `since`..`as_of`, grouped
    by what they are about, each group with its latest recording time, latest first; each
    group lists its changes oldest first, as they happened."""
    groups: dict[tuple[str, str, str], list[PositionChange]] = {}
    for change in changes:
        if position_changed_since(change, since, as_of):
            about, key = _about(change)
            groups.setdefault((change.process, about, key), []).append(change)
    result = []
    for (process, about, key), members in groups.items():
        latest = members[0]
        named = next((c for c in members if c.kind == "proposal"), latest)
        document = {
            "process": process,
            "process_title": titles.get(process, process),
            "position": about,
            "key": key,
            "title": _group_title(named, about, key),
            "kind": "position",
            "when": _ABOUT[latest.kind],
            "url": position_url(root, latest),
            "changes": [
                {
                    "id": position_entry_id(c),
                    "title": position_title(c),
                    "change": c.change,
                    "record": c.kind,
                    "version": c.version,
                    "known_on": c.known_on.isoformat(),
                    "recorded_at": rfc3339(c.recorded_at),
                    "fields": [
                        {"field": name, "label": label, "old": old, "new": new}
                        for name, label, old, new in position_fields(c)
                        if c.change != "created"
                    ],
                }
                for c in reversed(members)
            ],
        }
        result.append((latest.recorded_at, document))
    return result


def _latest(group: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(group["changes"][-1]["recorded_at"])


def merge_change_groups(
    event_groups: list[dict[str, Any]],
    position_groups: Sequence[tuple[dt.datetime, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The event groups and the position groups in one list, latest change first; the event
    groups keep their order (and are returned as given when there is no position news)."""
    if not position_groups:
        return event_groups
    keyed_events = [(_latest(g), g) for g in event_groups]
    merged = heapq.merge(keyed_events, position_groups, key=lambda pair: pair[0], reverse=True)
    return [group for _, group in merged]
