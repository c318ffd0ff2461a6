"""Read a demo data file (`timeline/seed/<name>.json`) into the steps a seed applies in order."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from importlib import resources
from typing import Any, NamedTuple

__all__ = ["DataSet", "EventStep", "ItemStep", "available", "read_dataset", "seed_event_id"]

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


class DataSet(NamedTuple):
    """A data file resolved: the process document, then its event and item steps in log order."""

    process: dict[str, Any]
    events: list[EventStep]
    items: list[ItemStep]


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
    sources: dict[str, dict[str, str]] = raw["sources"]

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
    return DataSet(process, events, items)


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
