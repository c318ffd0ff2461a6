""" "What changed since my last run": print every change recorded since the previous run.

    python changes_notifier.py --server https://timeline.example.org --state notifier.json

The first run remembers where the log is and reports nothing (use `--backlog N` to see the last
N changes too). Every later run prints the changes recorded since, oldest first, one per line
(or as JSON lines with `--json`, to pipe into a mailer or a chat hook), and moves its place
forward only after printing them. The change feed's ids are permanent, so a change is never
reported twice nor skipped, however seldom the job runs (up to `--limit` changes per run).
Exit codes: 0 done, 1 refused, 3 server unreachable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _job import replace_file, run_job
from timeline_client import Client, FileCache


def _load(state: Path) -> dict[str, Any]:
    try:
        data = json.loads(state.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(state: Path, data: dict[str, Any]) -> None:
    replace_file(state, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))


def new_entries(items: list[dict[str, Any]], seen: list[str]) -> list[dict[str, Any]]:
    """The feed's entries (newest first) recorded after the newest of `seen`, oldest first."""
    known = set(seen)
    fresh: list[dict[str, Any]] = []
    for item in items:
        if item["id"] in known:
            break
        fresh.append(item)
    return list(reversed(fresh))


def main(argv: Sequence[str] | None = None) -> int:
    """Report what changed since the last run and remember the place; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--state", required=True, type=Path, help="where the place is kept")
    parser.add_argument("--process", help="one process (default: every process)")
    parser.add_argument("--limit", type=int, default=200, help="changes read per run")
    parser.add_argument("--backlog", type=int, default=0, help="on the first run, show N")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)

    return run_job("changes_notifier", lambda: _notify(args))


def _notify(args: argparse.Namespace) -> int:
    place = _load(args.state)
    cache = FileCache(args.state.with_name(args.state.name + ".etag"))
    with Client(args.server, cache=cache) as api:
        feed = api.changes_json(args.process, limit=args.limit)
    items: list[dict[str, Any]] = feed.json().get("items") or []
    first_run = "seen" not in place
    backlog = list(reversed(items[: args.backlog]))
    fresh = backlog if first_run else new_entries(items, place["seen"])
    for item in fresh:
        if args.json:
            print(json.dumps({k: item.get(k) for k in ("id", "title", "url", "date_published")}))
        else:
            print(f"{item.get('date_published', '')[:10]}  {item['title']}  {item.get('url', '')}")
    # Remember a few of the newest ids: if the newest is ever gone, an older one still anchors.
    place["seen"] = [item["id"] for item in items[:20]] or place.get("seen", [])
    _save(args.state, place)
    if first_run:
        print(
            f"first run: watching from {place['seen'][0] if place['seen'] else 'the start'}",
            file=sys.stderr,
        )
    elif not fresh:
        print("nothing new", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
