"""The digest's document: what is coming, what changed, deadline risks, entry into force.

`build_digest` turns plain values (events, changes, and the analyses when there are any) into
one JSON-ready document; `digest_json` (here), `digest_markdown` and `digest_html` (their own
modules, sharing the sentences of `digest_words`) render that same document, so the three
formats always say the same thing. Pure: `as_of` and `since` are passed in, nothing reads a
clock, and the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline.domain.dates import describe_fuzzy
from timeline.domain.model import ChangeRecord, EventState, ProcessInfo
from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import (
    change_title,
    describe_value,
    entry_id,
    field_label,
    public_moment,
    rfc3339,
    status_phrase,
)
from timeline.formats.digest_words import human_day, plural
from timeline.formats.position_digest import merge_change_groups, position_change_groups

__all__ = [
    "DigestInput",
    "build_digest",
    "changed_since",
    "digest_json",
    "human_day",
    "when_phrase",
]

# Statuses that mean the date is still an expectation, not a fact.
_EXPECTED = frozenset({"planned", "tentative", "postponed"})


@dataclass(frozen=True)
class DigestInput:
    """Everything a digest is made of; the controller gathers it, nothing here does I/O.

    `coming_up`: events overlapping [as_of, as_of + days] (not cancelled), in timeline order.
    `changes`: changes known on as_of, newest first (those since `since` are kept).
    `deadlines` / `entry_into_force`: per process slug, the analyses in the shapes of
    `/risks` and `/entry-into-force`; None leaves the section out.
    """

    as_of: dt.date
    since: dt.date
    days: int
    root: str
    processes: Sequence[ProcessInfo]
    coming_up: Sequence[EventState]
    changes: Sequence[ChangeRecord]
    deadlines: Mapping[str, Mapping[str, Any]] | None = None
    entry_into_force: Mapping[str, Mapping[str, Any]] | None = None
    notes: Sequence[str] = field(default_factory=tuple)
    # Stance, placement, roll and proposal changes known on as_of, newest first.
    position_changes: Sequence[PositionChange] = field(default_factory=tuple)


def when_phrase(state: EventState) -> str:
    """The date the way a newsletter says it: 'expected June 2023' for an expected date that
    is not exact, '11–21 April 2023' for an exact one, 'early January 2024' for a deadline."""
    span = state.span
    text = describe_fuzzy(span)
    if not span.is_exact and state.status in _EXPECTED and state.kind != "deadline":
        return f"expected {text}"
    return text


def _countdown(state: EventState, as_of: dt.date) -> tuple[int, int, bool, str]:
    """(days until the earliest start, until the latest start, under way?, in words)."""
    span = state.span
    exact = span.is_exact or span.precision == "datetime"
    first = (span.start - as_of).days
    if span.start < as_of <= span.end:
        if exact:
            left = (span.end - as_of).days
            ends = "ends today" if left == 0 else f"ends in {plural(left, 'day')}"
            return 0, 0, True, f"under way, {ends}"
        # A fuzzy date that has begun: the event may come any day, or has happened.
        if state.status in _EXPECTED:
            return 0, (span.end - as_of).days, False, f"any day now, by {human_day(span.end)}"
        return 0, 0, False, status_phrase(state.kind, state.status)
    # A fuzzy date may start on any day it covers: say the whole range of days.
    last = first if exact else (span.end - as_of).days
    if last != first:
        words = f"within {plural(last, 'day')}" if first <= 0 else f"in {first}–{last} days"
    elif first == 0:
        words = "today"
    elif first == 1:
        words = "tomorrow"
    else:
        words = f"in {plural(first, 'day')}"
    return max(first, 0), max(last, 0), False, words


def _event_url(root: str, state: EventState) -> str:
    return f"{root}/processes/{state.process}/events/{state.id}"


def changed_since(record: ChangeRecord, since: dt.date, as_of: dt.date) -> bool:
    """Whether a change is news for a digest covering `since`..`as_of`: it was known on
    `as_of` and became public (`public_moment`: a live edit when recorded, history on its
    `known_on` day) in that range. History imported or seeded today is not news: it was
    public long before."""
    public = public_moment(record).date()
    return record.known_on <= as_of and since <= public <= as_of


def _coming(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for state in data.coming_up:
        first, last, ongoing, words = _countdown(state, data.as_of)
        items.append(
            {
                "process": state.process,
                "process_title": titles.get(state.process, state.process),
                "event": state.id,
                "kind": state.kind,
                "title": state.title,
                "status": state.status,
                "date": state.date,
                "start": state.start.isoformat(),
                "end": state.end.isoformat(),
                "when": when_phrase(state),
                "days_until": first,
                "days_until_latest": last,
                "ongoing": ongoing,
                "countdown": words,
                "location": state.location,
                "url": _event_url(data.root, state),
            }
        )
    return items


def _change_groups(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    # Newest first in, so the first record of a group is its latest: groups are ordered by
    # their latest change, and each lists its changes oldest first, as they happened.
    groups: dict[tuple[str, str], list[ChangeRecord]] = {}
    for record in data.changes:
        if changed_since(record, data.since, data.as_of):
            groups.setdefault((record.process, record.event_id), []).append(record)
    result = []
    for (process, event_id), records in groups.items():
        latest = records[0].event
        result.append(
            {
                "process": process,
                "process_title": titles.get(process, process),
                "event": event_id,
                "title": latest.title,
                "kind": latest.kind,
                "when": when_phrase(latest),
                "deleted": records[0].change == "deleted",
                "url": _event_url(data.root, latest),
                "changes": [
                    {
                        "id": entry_id(r),
                        "title": change_title(r),
                        "change": r.change,
                        "version": r.version,
                        "known_on": r.known_on.isoformat(),
                        "recorded_at": rfc3339(r.recorded_at),
                        "fields": [
                            {
                                "field": name,
                                "label": field_label(name),
                                "old": describe_value(name, old),
                                "new": describe_value(name, new),
                            }
                            for name, (old, new) in r.fields.items()
                            if r.change != "created"
                        ],
                    }
                    for r in reversed(records)
                ],
            }
        )
    return result


def _deadlines(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for slug, report in (data.deadlines or {}).items():
        for d in report.get("deadlines", []):
            event = d.get("event", {})
            items.append(
                {
                    "process": slug,
                    "process_title": titles.get(slug, slug),
                    "event": event.get("id"),
                    "title": event.get("title"),
                    "date": event.get("date"),
                    "status": d.get("status"),
                    "p_meet": d.get("p_meet"),
                    "slack_days": d.get("slack_days"),
                    "projected_date": _iso(d.get("projected_date")),
                    "reasons": list(d.get("reasons") or []),
                }
            )
    return items


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _eif(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for slug, report in (data.entry_into_force or {}).items():
        rule = report.get("rule")
        scenarios = list(report.get("scenarios") or [])
        if rule is None and not scenarios:
            continue  # the process has no entry-into-force threshold, adopted or proposed
        projection = report.get("projection") or {}
        items.append(
            {
                "process": slug,
                "process_title": titles.get(slug, slug),
                "rule": None if rule is None else (rule.get("event") or {}).get("title"),
                "instruments": None if rule is None else rule.get("instruments"),
                "delay_days": None if rule is None else rule.get("delay_days"),
                "count": report.get("count"),
                "reached_on": _iso(report.get("reached_on")),
                "entry_into_force": _iso(report.get("entry_into_force")),
                "p50": _iso(projection.get("p50")),
                "p80": _iso(projection.get("p80")),
                "scenarios": [
                    {
                        "instruments": s.get("instruments"),
                        "proposed_by": list(s.get("proposed_by") or []),
                        "entry_into_force": _iso(s.get("entry_into_force")),
                        "p50": _iso(s.get("p50")),
                    }
                    for s in scenarios
                ],
            }
        )
    return items


def build_digest(data: DigestInput) -> dict[str, Any]:
    """The digest as one JSON-ready document: the source of the Markdown and HTML too.

    'deadlines' and 'entry_into_force' are present only when their analyses were given.
    """
    titles = {p.slug: p.title for p in data.processes}
    until = data.as_of + dt.timedelta(days=data.days)
    scope = data.processes[0].title if len(data.processes) == 1 else "all processes"
    document: dict[str, Any] = {
        "title": f"Digest: {scope}, {human_day(data.as_of)}",
        "as_of": data.as_of.isoformat(),
        "since": data.since.isoformat(),
        "until": until.isoformat(),
        "days": data.days,
        "processes": [
            {"slug": p.slug, "title": p.title, "url": f"{data.root}/processes/{p.slug}"}
            for p in data.processes
        ],
        "coming_up": _coming(data, titles),
        "changes": merge_change_groups(
            _change_groups(data, titles),
            position_change_groups(
                data.position_changes,
                since=data.since,
                as_of=data.as_of,
                root=data.root,
                titles=titles,
            ),
        ),
    }
    if data.deadlines is not None:
        document["deadlines"] = _deadlines(data, titles)
    if data.entry_into_force is not None:
        document["entry_into_force"] = _eif(data, titles)
    document["notes"] = list(data.notes)
    return document


def digest_json(document: Mapping[str, Any]) -> bytes:
    """The digest document as UTF-8 JSON bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
