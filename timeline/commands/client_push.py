"""`timeline push`: apply a bundle's processes, events and items to a server in one request."""

from __future__ import annotations

import argparse
import hashlib
import json
from typing import Any

from timeline_client import Client

from timeline.commands.base import CommandError
from timeline.commands.client import EXIT_USAGE, add_client_options, api_client, print_json

__all__ = ["push_bundle", "register", "remap_bundle", "remapped_id"]


def remapped_id(slug: str, old_id: str) -> str:
    """The id event `old_id` of a bundle gets on the server under process `slug`.

    Derived, not drawn: pushing the same bundle again finds the same ids (so the server can
    answer `unchanged`), while a copy pushed under another slug gets ids of its own and can sit
    on the same server as the original.
    """
    return hashlib.sha256(f"{slug}/{old_id}".encode()).hexdigest()[:16]


def _ref(value: Any, ids: dict[str, str]) -> Any:
    return ids.get(value, value) if isinstance(value, str) else value


def _deps(value: Any, ids: dict[str, str]) -> Any:
    if not isinstance(value, list):
        return value
    return [
        {**d, "event": _ref(d.get("event"), ids)} if isinstance(d, dict) and "event" in d else d
        for d in value
    ]


def _document(snapshot: Any, ids: dict[str, str]) -> Any:
    """An event document with its references to other events renamed."""
    if not isinstance(snapshot, dict):
        return snapshot
    document = dict(snapshot)
    if "parent" in document:
        document["parent"] = _ref(document["parent"], ids)
    if "depends_on" in document:
        document["depends_on"] = _deps(document["depends_on"], ids)
    return document


def _fields(fields: Any, ids: dict[str, str]) -> Any:
    """A revision's changed fields (`{field: [old, new]}`) with event references renamed."""
    if not isinstance(fields, dict):
        return fields
    renamed = dict(fields)
    for name, rename in (("parent", _ref), ("depends_on", _deps)):
        pair = renamed.get(name)
        if isinstance(pair, list):
            renamed[name] = [rename(v, ids) for v in pair]
    return renamed


def _remap_process(process: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    events = []
    for event in process.get("events") or []:
        if not isinstance(event, dict):
            events.append(event)
            continue
        revisions = [
            {
                **r,
                "snapshot": _document(r.get("snapshot"), ids),
                "fields": _fields(r.get("fields"), ids),
            }
            if isinstance(r, dict)
            else r
            for r in event.get("revisions") or []
        ]
        events.append({**event, "id": _ref(event.get("id"), ids), "revisions": revisions})
    return {**process, "events": events}


def remap_bundle(
    bundle: dict[str, Any], only: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The bundle's processes (those named in `only`, if given) with every event id replaced
    by `remapped_id` and every reference to it (parents, dependencies, in snapshots and in
    changed fields) renamed; and the old -> new ids. Parts that are not shaped like a bundle
    are left as they are, for the server to name."""
    if bundle.get("format") != "timeline-bundle" or bundle.get("version") != 1:
        raise ValueError("not a timeline bundle (format 'timeline-bundle', version 1)")
    processes = bundle.get("processes")
    if not isinstance(processes, list):
        raise ValueError("not a timeline bundle (no list of processes)")
    chosen = [p for p in processes if not only or (isinstance(p, dict) and p.get("slug") in only)]
    ids: dict[str, str] = {}
    remapped = []
    for process in chosen:
        if not isinstance(process, dict):
            remapped.append(process)
            continue
        slug = str(process.get("slug"))
        own = {
            e["id"]: remapped_id(slug, e["id"])
            for e in process.get("events") or []
            if isinstance(e, dict) and isinstance(e.get("id"), str)
        }
        ids.update(own)
        remapped.append(_remap_process(process, own))
    return {**bundle, "processes": remapped}, ids


def push_bundle(
    api: Client, bundle: dict[str, Any], *, only: list[str] | None = None
) -> dict[str, Any]:
    """Apply a bundle's processes (event ids remapped: `remap_bundle`) to the server behind
    `api` in one request. Returns the server's report per process, totals of what was written
    (`events`, `revisions`, `items`), how many processes were `created`, `unchanged` and
    `updated`, and the old -> new event ids."""
    remapped, ids = remap_bundle(bundle, only)
    report = api.apply_bundle(remapped)
    processes = report["processes"]
    return {
        "processes": len(processes),
        "created": report["created"],
        "unchanged": report["unchanged"],
        "updated": report["updated"],
        "events": sum(p["events_added"] for p in processes),
        "revisions": sum(p["revisions_added"] for p in processes),
        "items": sum(p["items_added"] for p in processes),
        "report": processes,
        "ids": ids,
    }


def _said(process: dict[str, Any]) -> str:
    """One process's outcome in words: `slug created (38 events, 120 revisions, 22 items)`."""
    result = process["result"]
    if result == "unchanged":
        return f"{process['slug']} unchanged"
    parts = [
        f"{process['events_added']} new event(s)",
        f"{process['events_updated']} event(s) changed",
        f"{process['revisions_added']} revision(s)",
        f"{process['items_added']} new item(s)",
        f"{process['items_updated']} item(s) changed",
    ]
    if result == "created":
        parts = [parts[0], parts[2], parts[3]]
    return f"{process['slug']} {result} ({', '.join(parts)})"


def _push(args: argparse.Namespace) -> int:
    try:
        with open(args.bundle, encoding="utf-8") as source:
            bundle = json.load(source)
    except OSError as error:
        raise CommandError(f"cannot read {args.bundle}: {error.strerror}", EXIT_USAGE) from None
    except ValueError as error:
        raise CommandError(f"{args.bundle} is not JSON: {error}", EXIT_USAGE) from None
    if not isinstance(bundle, dict):
        raise CommandError(f"{args.bundle} is not a timeline bundle", EXIT_USAGE)
    with api_client(args, patient=True) as api:
        try:
            result = push_bundle(api, bundle, only=args.process)
        except ValueError as error:
            raise CommandError(f"{args.bundle}: {error}", EXIT_USAGE) from None
    if args.json:
        print_json(result)
        return 0
    outcomes = "; ".join(_said(p) for p in result["report"])
    print(
        f"pushed {result['processes']} process(es) to {args.server}"
        + (f": {outcomes}" if outcomes else "")
    )
    return 0


def register(subparsers: Any) -> None:
    """Add `push`."""
    push = subparsers.add_parser(
        "push",
        help="apply a bundle's processes and events to a server in one request (admin token)",
    )
    add_client_options(push)
    push.add_argument("bundle", help="a file written by `timeline export`")
    push.add_argument(
        "--process", action="append", help="only this process slug (repeatable; default all)"
    )
    push.set_defaults(func=_push)
