"""Calendar sync: keep a local .ics file up to date with a process's calendar.

    python calendar_sync.py --server https://timeline.example.org --process ahc-cybercrime \
        --output ahc.ics

Each run sends the ETag of the last download (kept in `--state`, next to the file by default):
when nothing changed the server answers 304 and the file is left untouched, so the job can run
every few minutes at almost no cost. Exit codes: 0 done, 1 refused, 3 server unreachable.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from _job import replace_file, run_job
from timeline_client import Client, FileCache


def main(argv: Sequence[str] | None = None) -> int:
    """Download the calendar if it changed; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--process", help="one process (default: every process)")
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--state", type=Path, help="where ETags are kept (default: OUTPUT.etag)")
    parser.add_argument("--kind", action="append", help="only these kinds (repeatable)")
    parser.add_argument("--alarm-days", type=int, help="add reminders N days before")
    args = parser.parse_args(argv)

    return run_job("calendar_sync", lambda: _sync(args))


def _sync(args: argparse.Namespace) -> int:
    state = args.state or args.output.with_name(args.output.name + ".etag")
    with Client(args.server, cache=FileCache(state)) as api:
        calendar = api.calendar(args.process, kind=args.kind, alarm_days=args.alarm_days)
    if calendar.not_modified and args.output.exists():
        print(f"{args.output}: unchanged ({calendar.etag})")
        return 0
    replace_file(args.output, calendar.content)
    print(f"{args.output}: updated ({calendar.etag})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
