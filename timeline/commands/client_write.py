"""Client-side writing commands: `add-event` and `set-status` (an editor token)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from timeline.commands.client import (
    add_client_options,
    api_client,
    event_when,
    print_json,
)
from timeline.domain.vocabulary import STATUSES

__all__ = ["register"]


def _dependency(text: str) -> dict[str, Any]:
    event, _, lag = text.partition(":")
    try:
        return {"event": event, "lag_days": int(lag or 0)}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not EVENT_ID[:LAG_DAYS]") from None


def _attribute(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, raw


def _json_attribute(text: str) -> tuple[str, Any]:
    name, raw = _attribute(text)
    try:
        return name, json.loads(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not JSON (for text use --attr)") from None


def _add_event(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {
        "status": args.status,
        "location": args.location,
        "summary": args.summary,
        "parent": args.parent,
        "known_on": args.known_on,
    }
    if args.tag:
        fields["tags"] = args.tag
    if args.depends_on:
        fields["depends_on"] = args.depends_on
    if args.source:
        fields["sources"] = [{"url": url} for url in args.source]
    if args.attr or args.attr_json:
        fields["attributes"] = dict([*(args.attr or []), *(args.attr_json or [])])
    with api_client(args) as api:
        event = api.create_event(
            args.process, kind=args.kind, title=args.title, date=args.date, **fields
        )
    if args.json:
        print_json(event.raw)
    else:
        print(f"created {event.id}: {event.title} ({event_when(event)}, {event.status})")
    return 0


def _set_status(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        current = api.get_event(args.process, args.event)
        event = api.update_event(
            args.process,
            args.event,
            {"status": args.status},
            if_match=current,
            known_on=args.known_on,
        )
    if args.json:
        print_json(event.raw)
    else:
        print(f"{event.id}: {current.status} → {event.status} (version {event.version})")
    return 0


def register(subparsers: Any) -> None:
    """Add the client-side writing commands."""
    add = subparsers.add_parser("add-event", help="record an event (server, editor token)")
    add_client_options(add)
    add.add_argument("process")
    add.add_argument("--kind", required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--date", required=True, help="EDTF, e.g. 2023-08-21/2023-09-01 or 2023-06")
    add.add_argument("--status", choices=STATUSES)
    add.add_argument("--location")
    add.add_argument("--summary")
    add.add_argument("--tag", action="append")
    add.add_argument("--parent")
    add.add_argument(
        "--depends-on",
        dest="depends_on",
        action="append",
        type=_dependency,
        metavar="EVENT_ID[:LAG_DAYS]",
    )
    add.add_argument("--source", action="append", metavar="URL")
    add.add_argument(
        "--attr", action="append", type=_attribute, metavar="NAME=TEXT", help="a text attribute"
    )
    add.add_argument(
        "--attr-json",
        dest="attr_json",
        action="append",
        type=_json_attribute,
        metavar="NAME=JSON",
        help="a number, boolean or list attribute (yes=120, formal=false)",
    )
    add.add_argument("--known-on", dest="known_on", help="the day it became public")
    add.set_defaults(func=_add_event)

    status = subparsers.add_parser("set-status", help="change an event's status (server)")
    add_client_options(status)
    status.add_argument("process")
    status.add_argument("event")
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--known-on", dest="known_on")
    status.set_defaults(func=_set_status)
