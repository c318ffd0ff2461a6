"""Client-side writing commands: `add-event` and `set-status` (an editor token)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from timeline.commands.client import (
    api_client,
    client_command,
    event_when,
    print_json,
)
from timeline.domain.vocabulary import KINDS, STATUSES

if TYPE_CHECKING:
    from timeline_client import Event

__all__ = ["deposit_note", "register"]


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


def deposit_note(event: Event) -> str | None:
    """How a ratification or signature counts towards entry into force, in one sentence that
    says what is still needed (None for the other kinds)."""
    fix = f"`timeline set-status {event.process} {event.id} held` once it is"
    if event.kind == "ratification":
        if event.status == "held":
            return f"this deposit counts towards entry into force from {event.end.isoformat()}"
        return (
            f"this ratification is {event.status}: it counts towards entry into force only "
            f"when held (deposited); run {fix}"
        )
    if event.kind == "signature":
        note = (
            "signatures never count towards entry into force; the first held one marks when "
            "deposits could begin, which the projection starts from"
        )
        if event.status != "held":
            note += f"; this one is {event.status}: run {fix}"
        return note
    return None


def _written(args: argparse.Namespace, event: Event, line: str) -> int:
    """Say what was written: the event as JSON (`--json`) or `line`, then the deposit note."""
    if args.json:
        print_json(event.raw)
    else:
        print(line)
    _say_note(event, json_output=args.json)
    return 0


def _say_note(event: Event, *, json_output: bool) -> None:
    """Print the deposit note, if any, where it does not spoil JSON for scripts."""
    note = deposit_note(event)
    if note is not None:
        print(f"note: {note}", file=sys.stderr if json_output else sys.stdout)


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
    return _written(
        args, event, f"created {event.id}: {event.title} ({event_when(event)}, {event.status})"
    )


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
    return _written(
        args, event, f"{event.id}: {current.status} → {event.status} (version {event.version})"
    )


def register(subparsers: Any) -> None:
    """Add the client-side writing commands."""
    add = client_command(
        subparsers, "add-event", "record an event (server, editor token)", _add_event
    )
    add.add_argument("process", help="the process's slug, e.g. ahc-cybercrime")
    add.add_argument("--kind", required=True, help=f"what it is: one of {', '.join(KINDS)}")
    add.add_argument("--title", required=True, help="the title, as people will read it")
    add.add_argument("--date", required=True, help="EDTF, e.g. 2023-08-21/2023-09-01 or 2023-06")
    add.add_argument(
        "--status",
        choices=STATUSES,
        help="default: planned; a ratification counts towards entry into force only when held",
    )
    add.add_argument("--location", help="where it takes place, e.g. Vienna")
    add.add_argument("--summary", help="a sentence or two on what it is")
    add.add_argument("--tag", action="append", help="a tag (repeatable)")
    add.add_argument("--parent", help="the id of the event it is part of (e.g. its session)")
    add.add_argument(
        "--depends-on",
        dest="depends_on",
        action="append",
        type=_dependency,
        metavar="EVENT_ID[:LAG_DAYS]",
        help="an event that must come first, and the days it needs after it (repeatable)",
    )
    add.add_argument(
        "--source", action="append", metavar="URL", help="where it is documented (repeatable)"
    )
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

    status = client_command(
        subparsers, "set-status", "change an event's status (server)", _set_status
    )
    status.add_argument("process", help="the process's slug, e.g. ahc-cybercrime")
    status.add_argument("event", help="the event's id (the ID column of `timeline`)")
    status.add_argument("status", choices=STATUSES, help="the new status")
    status.add_argument(
        "--known-on", dest="known_on", help="the day it became public (default: today)"
    )
