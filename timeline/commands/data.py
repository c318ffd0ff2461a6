"""Data commands: load a demo data set, export and import bundles."""

from __future__ import annotations

import argparse
from typing import Any

from timeline.commands.base import run_with_database
from timeline.store.db import Database

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add `seed`."""
    seed = subparsers.add_parser("seed", help="load a demo data set (ahc-cybercrime)")
    seed.add_argument("name")
    seed.set_defaults(func=_seed)


def _seed(args: argparse.Namespace) -> int:
    from timeline.seed import load_seed

    async def work(db: Database) -> tuple[str, int] | None:
        return await load_seed(db, args.name)

    result = run_with_database(work)
    if result is None:
        print(f"{args.name}: already loaded, nothing changed")
    else:
        print(f"{args.name}: loaded process {result[0]!r} with {result[1]} revisions")
    return 0
