"""Weekly newsletter job: write the digest of the last week (and what is coming) to a file.

    python weekly_digest.py --server https://timeline.example.org --output digest.html

Run it from cron every Monday; mail the file with whatever you send newsletters with. The file
is replaced whole (never half-written). Exit codes: 0 written, 1 refused, 3 server unreachable.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from _job import replace_file, run_job
from timeline_client import Client


def main(argv: Sequence[str] | None = None) -> int:
    """Fetch the digest and write it; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--format", choices=("html", "md", "json"), default="html")
    parser.add_argument("--days", type=int, default=14, help="how far ahead to look")
    parser.add_argument("--since-days", type=int, default=7, help="changes of the last N days")
    parser.add_argument("--process", action="append", help="only this process (repeatable)")
    parser.add_argument("--as-of", help="pretend today is this day (YYYY-MM-DD)")
    args = parser.parse_args(argv)

    return run_job("weekly_digest", lambda: _write_digest(args))


def _write_digest(args: argparse.Namespace) -> int:
    today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    since = today - dt.timedelta(days=args.since_days)
    with Client(args.server) as api:
        digest = api.digest(
            days=args.days,
            since=since,
            process=args.process,
            format=args.format,
            as_of=args.as_of,
        )
    replace_file(args.output, digest.content)
    print(f"wrote {args.output} ({len(digest.content)} bytes, changes since {since})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
