"""Read a demo data file (`timeline/seed/<name>.json`) into the steps a seed applies in order."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from importlib import resources
from typing import Any, NamedTuple

__all__ = [
    "DataSet",
    "EventStep",
    "ItemStep",
    "PositionStep",
    "available",
    "read_dataset",
    "seed_event_id",
]

_NAMESPACE = uuid.UUID("6f1b3f3e-3c55-4a39-9a43-6f0f7b1f2b10")
_PACKAGE = "timeline.seed"
# Data files are every `*.json` in the package but the schema that describes them.
_SCHEMA_FILE = "process.schema.json"


class EventStep(NamedTuple):
    """One recorded change of an event: its first document (`first`) or a merge patch."""

    known_on: dt.date
    event_id: str
    first: bool
    body: dict[str, Any]


class ItemStep(NamedTuple):
    """One recorded change of a negotiation item: its creation (`first`) or a new status."""

    known_on: dt.date
    key: str
    first: bool
    body: dict[str, Any]


class PositionStep(NamedTuple):
    """One position record to write: an axis, proposal, placement or stance.

    `target` names what it is written under: the axis key, the proposal key, (axis, holder) or
    (proposal, holder); `body` is the document as the API takes it, `known_on` included.
    """

    known_on: dt.date
    kind: str
    target: tuple[str, ...]
    body: dict[str, Any]


class DataSet(NamedTuple):
    """A data file resolved: the process document, then its event, item and position steps in
    log order (vote_point events of the `votes` section among the events)."""

    process: dict[str, Any]
    events: list[EventStep]
    items: list[ItemStep]
    positions: list[PositionStep] = []


def seed_event_id(slug: str, key: str) -> str:
    """The stable id of a seeded event, the same on every machine."""
    return uuid.uuid5(_NAMESPACE, f"{slug}/{key}").hex[:16]


def available() -> list[str]:
    """The names of the data sets shipped in the package, sorted."""
    names = (
        entry.name.removesuffix(".json")
        for entry in resources.files(_PACKAGE).iterdir()
        if entry.name.endswith(".json") and entry.name != _SCHEMA_FILE
    )
    return sorted(names)


def read_raw(name: str) -> dict[str, Any]:
    """The data file `name` as written (for the schema check); KeyError when there is none."""
    if name not in available():
        raise KeyError(name)
    text = resources.files(_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8")
    raw: dict[str, Any] = json.loads(text)
    return raw


def read_dataset(name: str) -> DataSet:
    """The data set `name` with references resolved, its steps in the order they became public.

    "@key" strings become the referenced event's id, and the names in a `sources` list become
    the entries of the file's `sources`. Steps sort by the day they became public, then by their
    place in the file, so the log reads chronologically and the same file always writes the same
    log.
    """
    raw = read_raw(name)
    process: dict[str, Any] = raw["process"]
    slug: str = process["slug"]
    positions: dict[str, Any] = raw.get("positions", {})
    votes: dict[str, Any] = raw.get("votes", {})
    # The positions section brings its own sources; a name means the same in every section.
    sources: dict[str, dict[str, str]] = {**raw["sources"], **positions.get("sources", {})}

    def resolve(value: Any, key: str | None = None) -> Any:
        if key == "sources" and isinstance(value, list):
            return [dict(sources[v]) if isinstance(v, str) else resolve(v) for v in value]
        if isinstance(value, str) and value.startswith("@"):
            return seed_event_id(slug, value[1:])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v, k) for k, v in value.items()}
        return value

    events = [
        EventStep(
            known_on,
            seed_event_id(slug, event["key"]),
            index == 0,
            resolve(step["document"] if index == 0 else step["patch"]),
        )
        for known_on, index, event, step in _in_log_order(raw["events"], "steps")
    ]
    # A recorded decision is a vote_point event of its own, created on the day it was taken:
    # merged into the log by day (a stable sort keeps the order within a day).
    decisions = [
        EventStep(
            dt.date.fromisoformat(vote["known_on"]),
            seed_event_id(slug, vote["key"]),
            True,
            resolve(vote["document"]),
        )
        for vote in votes.get("events", [])
    ]
    events = sorted([*events, *decisions], key=lambda step: step.known_on)
    items = [
        ItemStep(
            known_on,
            item["key"],
            index == 0,
            (
                {
                    "key": item["key"],
                    "title": item["title"],
                    "chapter": item.get("chapter"),
                    "status": change["status"],
                }
                if index == 0
                else {"status": change["status"]}
            ),
        )
        for known_on, index, item, change in _in_log_order(raw["items"], "history")
    ]
    steps = _position_steps(positions, lambda v: resolve(v, "sources"))
    return DataSet(process, events, items, steps)


_KIND_ORDER = {"axis": 0, "proposal": 1, "placement": 2, "stance": 3}


def _position_steps(section: dict[str, Any], sourced: Any) -> list[PositionStep]:
    """The positions section as steps: axes and proposals before what hangs off them, each
    step public from its own `known_on` (default: the section's `known_on`), sources resolved."""
    default_day = section.get("known_on")
    default_sources = section.get("default_sources", [])

    def common(entry: dict[str, Any], parent: dict[str, Any] | None = None) -> dict[str, Any]:
        outer = parent or {}
        day = entry.get("known_on", outer.get("known_on", default_day))
        names = entry.get("sources", outer.get("sources", default_sources))
        return {"known_on": day, "sources": sourced(list(names))}

    steps: list[PositionStep] = []
    for axis in section.get("axes", []):
        body = {k: axis[k] for k in ("name", "low", "high")}
        body["known_on"] = axis.get("known_on", default_day)
        steps.append(PositionStep(_day(body), "axis", (axis["key"],), body))
    for cluster in section.get("clusters", []):
        for axis_key, value in cluster["values"].items():
            for holder in cluster["holders"]:
                body = {"value": value, "note": cluster["name"], **common(cluster)}
                steps.append(PositionStep(_day(body), "placement", (axis_key, holder), body))
    for proposal in section.get("proposals", []):
        body = {k: proposal[k] for k in ("key", "title", "item", "rule", "summary")}
        body.update(common(proposal))
        steps.append(PositionStep(_day(body), "proposal", (proposal["key"],), body))
        for stance in proposal["stances"]:
            for holder in stance["holders"]:
                found = {"stance": stance["stance"], "note": stance.get("note")}
                found.update(common(stance, proposal))
                target = (proposal["key"], holder)
                steps.append(PositionStep(_day(found), "stance", target, found))
    # By day, then axes and proposals before placements and stances, then file order.
    return sorted(steps, key=lambda s: (s.known_on, _KIND_ORDER[s.kind]))


def _day(body: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(body["known_on"]))


def _in_log_order(
    records: list[dict[str, Any]], steps: str
) -> list[tuple[dt.date, int, dict[str, Any], dict[str, Any]]]:
    # By the day each step became public, then by the record's place in the file, then by the
    # step's place in its record: (day, index, record, step), index 0 being the record's first.
    ordered = sorted(
        (
            (dt.date.fromisoformat(step["known_on"]), order, index, record, step)
            for order, record in enumerate(records)
            for index, step in enumerate(record[steps])
        ),
        key=lambda entry: entry[:3],
    )
    return [(day, index, record, step) for day, _, index, record, step in ordered]
