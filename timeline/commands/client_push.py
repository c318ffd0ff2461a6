"""`timeline push`: recreate a bundle's processes, events and items on a server, replayably."""

from __future__ import annotations

import argparse
import hashlib
import json
from typing import Any

from rich.console import Console
from timeline_client import Client, Event, ProblemError

from timeline.commands.base import CommandError
from timeline.commands.client import EXIT_USAGE, add_client_options, api_client, print_json

__all__ = ["push_bundle", "register"]


def _key(*parts: Any) -> str:
    """A deterministic Idempotency-Key: pushing the same bundle again replays, never doubles."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"push-{digest[:40]}"


def _mapped(snapshot: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """An event document with its references to other events renamed to the new ids."""
    document = dict(snapshot)
    if document.get("parent"):
        document["parent"] = ids.get(document["parent"], document["parent"])
    document["depends_on"] = [
        {**d, "event": ids.get(d["event"], d["event"])} for d in document.get("depends_on") or []
    ]
    return document


def _steps(process: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every revision of a process's events and items, in the order they were recorded."""
    steps: list[tuple[str, int, int, str, dict[str, Any], dict[str, Any]]] = []
    for order, event in enumerate(process.get("events") or []):
        for revision in event["revisions"]:
            steps.append((revision["recorded_at"], 0, order, "event", event, revision))
    for order, item in enumerate(process.get("items") or []):
        for revision in item["revisions"]:
            steps.append((revision["recorded_at"], 1, order, "item", item, revision))
    steps.sort(key=lambda s: (s[0], s[1], s[2], s[5]["version"]))
    return [(kind, record, revision) for _, _, _, kind, record, revision in steps]


def push_bundle(
    api: Client, bundle: dict[str, Any], *, only: list[str] | None = None, progress: Any = None
) -> dict[str, Any]:
    """Recreate a bundle's processes, events (every revision, with its `known_on`) and items on
    the server behind `api`. Returns counts and the old -> new event ids.

    Every create carries a key derived from the bundle, so pushing the same bundle again (within
    the server's 24-hour window) replays the creates and skips revisions already applied.
    """
    if bundle.get("format") != "timeline-bundle" or bundle.get("version") != 1:
        raise ValueError("not a timeline bundle (format 'timeline-bundle', version 1)")
    processes = [p for p in bundle.get("processes") or [] if not only or p["slug"] in only]
    counts = {"processes": 0, "events": 0, "revisions": 0, "items": 0}
    ids: dict[str, str] = {}
    plan = [(p, _steps(p)) for p in processes]
    total = sum(1 + len(steps) for _, steps in plan)
    task = progress.add_task("pushing", total=total) if progress is not None else None

    def advance(what: str) -> None:
        if progress is not None:
            progress.update(task, advance=1, description=what)

    for process, steps in plan:
        slug = process["slug"]
        fields = {k: process.get(k) for k in ("description", "timezone", "url")}
        api.create_process(
            slug,
            process["title"],
            idempotency_key=_key("process", slug, process["title"]),
            **fields,
        )
        counts["processes"] += 1
        advance(slug)
        remote: dict[str, Any] = {}  # old event id or item key -> the latest version on the server
        for kind, record, revision in steps:
            if kind == "event":
                _push_event_revision(api, slug, record, revision, ids, remote)
                counts["revisions"] += 1
                if revision["version"] == 1:
                    counts["events"] += 1
            else:
                _push_item_revision(api, slug, record, revision, remote)
                if revision["version"] == 1:
                    counts["items"] += 1
            advance(f"{slug}: {record.get('id') or record.get('key')} v{revision['version']}")
    return {**counts, "ids": ids}


def _push_event_revision(
    api: Client,
    slug: str,
    event: dict[str, Any],
    revision: dict[str, Any],
    ids: dict[str, str],
    remote: dict[str, Any],
) -> None:
    old_id = event["id"]
    version = revision["version"]
    if version == 1:
        document = _mapped(revision["snapshot"], ids)
        created = api.create_event(
            slug,
            idempotency_key=_key("event", slug, old_id, revision["snapshot"]),
            known_on=revision["known_on"],
            **document,
        )
        ids[old_id] = created.id
        # A replayed create (an earlier push of this bundle) may have gone further: read it.
        remote[old_id] = _current_or(api, slug, created)
        return
    current = remote[old_id]
    if current is None or current.version >= version:
        return  # already applied by an earlier push of this bundle
    new_id = ids[old_id]
    if revision["change"] == "deleted":
        api.delete_event(slug, new_id, if_match=current, known_on=revision["known_on"])
        remote[old_id] = None
        return
    remote[old_id] = api.update_event(
        slug,
        new_id,
        _mapped(revision["snapshot"], ids),
        if_match=current,
        known_on=revision["known_on"],
    )


def _current_or(api: Client, slug: str, created: Event) -> Any:
    """The event as it is now on the server (a replayed create shows its first version)."""
    try:
        return api.get_event(slug, created.id)
    except ProblemError as error:
        if error.status == 404:  # deleted by an earlier push: nothing more to apply
            return None
        raise


def _push_item_revision(
    api: Client, slug: str, item: dict[str, Any], revision: dict[str, Any], remote: dict[str, Any]
) -> None:
    key = item["key"]
    snapshot = revision["snapshot"]
    if revision["version"] == 1:
        created = api.create_item(
            slug,
            key=key,
            title=snapshot.get("title", item["title"]),
            status=snapshot.get("status", "open"),
            chapter=snapshot.get("chapter"),
            known_on=revision["known_on"],
            idempotency_key=_key("item", slug, key, snapshot),
        )
        # As for events, an earlier push may have changed it since: read where it is.
        remote[f"item:{key}"] = api.get_item(slug, created.key)
        return
    current = remote.get(f"item:{key}")
    if current is None or current.version >= revision["version"]:
        return
    changes = {k: snapshot.get(k) for k in ("title", "chapter", "status") if k in snapshot}
    remote[f"item:{key}"] = api.update_item(
        slug, key, changes, if_match=current, known_on=revision["known_on"]
    )


def _push(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        with open(args.bundle, encoding="utf-8") as source:
            bundle = json.load(source)
    except OSError as error:
        raise CommandError(f"cannot read {args.bundle}: {error.strerror}", EXIT_USAGE) from None
    except ValueError as error:
        raise CommandError(f"{args.bundle} is not JSON: {error}", EXIT_USAGE) from None
    if not isinstance(bundle, dict):
        raise CommandError(f"{args.bundle} is not a timeline bundle", EXIT_USAGE)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    console = Console(stderr=True)
    with (
        api_client(args, patient=True) as api,
        Progress(*columns, console=console, transient=True, disable=args.json) as progress,
    ):
        try:
            result = push_bundle(api, bundle, only=args.process, progress=progress)
        except ValueError as error:
            raise CommandError(f"{args.bundle}: {error}", EXIT_USAGE) from None
    if args.json:
        print_json(result)
    else:
        print(
            f"pushed {result['processes']} process(es), {result['events']} event(s) with"
            f" {result['revisions']} revision(s), {result['items']} item(s) to {args.server}"
        )
    return 0


def register(subparsers: Any) -> None:
    """Add `push`."""
    push = subparsers.add_parser(
        "push", help="recreate a bundle's processes and events on a server (admin token)"
    )
    add_client_options(push)
    push.add_argument("bundle", help="a file written by `timeline export`")
    push.add_argument("--process", action="append", help="only this process (repeatable)")
    push.set_defaults(func=_push)
