"""Data commands: load a demo data set, export and import bundles."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from timeline.commands.base import CommandError, command, run_with_database
from timeline.domain.errors import InvalidFields

# The services and the store are imported by the commands that use them, when they run.
if TYPE_CHECKING:
    from timeline.store.db import Database

__all__ = ["register"]


def _export(args: argparse.Namespace) -> int:
    from timeline.services.bundle import dump_bundle, export_bundle

    async def work(db: Database) -> str:
        async with db.read() as session:
            return dump_bundle(await export_bundle(session, args.process))

    text = run_with_database(work)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    from timeline.services.bundle import import_bundle, parse_bundle

    try:
        if args.file == "-":
            raw = json.load(sys.stdin)
        else:
            with open(args.file, encoding="utf-8") as handle:
                raw = json.load(handle)
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    except ValueError as error:
        raise CommandError(f"{args.file} is not JSON: {error}") from None
    try:
        bundle = parse_bundle(raw)
    except InvalidFields as error:
        raise CommandError(_listed(error)) from None

    async def work(db: Database) -> dict[str, int]:
        try:
            async with db.write() as session:
                return await import_bundle(session, bundle)
        except InvalidFields as error:
            raise CommandError(_listed(error)) from None

    counts = run_with_database(work)
    print(
        f"imported {counts['processes']} processes, {counts['events']} events "
        f"({counts['revisions']} revisions), {counts['items']} items"
    )
    return 0


def _listed(error: InvalidFields) -> str:
    lines = [f"{e.field}: {e.message}" for e in error.errors[:20]]
    more = len(error.errors) - 20
    if more > 0:
        lines.append(f"... and {more} more")
    return "nothing imported:\n  " + "\n  ".join(lines)


def _seed(args: argparse.Namespace) -> int:
    from timeline.seed.dataset import available, read_raw

    if args.list:
        for name in available():
            print(f"{name}\t{read_raw(name)['process']['title']}")
        return 0
    if not args.name:
        raise CommandError("name a data set to load, or --list them", 2)
    from timeline.seed import load_seed

    async def work(db: Database) -> tuple[str, int] | None:
        return await load_seed(db, args.name)

    result = run_with_database(work)
    if result is None:
        print(f"{args.name}: already loaded, nothing changed")
    else:
        print(f"{args.name}: loaded process {result[0]!r} with {result[1]} revisions")
    return 0


def register(subparsers: Any) -> None:
    """Add `seed`, `export` and `import`."""
    seed = command(subparsers, "seed", _seed, help="load a data set of the library (see --list)")
    seed.add_argument(
        "name", nargs="?", help="a data set of timeline/seed/, e.g. ahc-cybercrime (see --list)"
    )
    seed.add_argument(
        "--list", action="store_true", help="list the data sets with their titles, load nothing"
    )

    export = command(subparsers, "export", _export, help="write a JSON bundle with full histories")
    export.add_argument("--process", help="only this process slug")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")

    load = command(subparsers, "import", _import, help="load a JSON bundle in one transaction")
    load.add_argument("file", help="bundle file ('-' for standard input)")
