"""The `timeline` command: server-side administration and client-side queries.

Each area registers its subcommands from a module in `timeline/commands/`; a module exposes
`register(subparsers)` and sets `func` on each parser it adds. Every command returns an exit
code; errors a user can fix are one clear line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from timeline import __version__
from timeline.commands.base import CommandError

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "timeline.commands.server",
    "timeline.commands.data",
    "timeline.commands.calendar",
    "timeline.commands.client_read",
    "timeline.commands.client_write",
    "timeline.commands.client_reports",
    "timeline.commands.client_push",
    "timeline.commands.backtest",
    "timeline.commands.positions",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="timeline",
        description="Track multilateral negotiations as dated events.",
    )
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except CommandError as error:
        print(f"timeline: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: still one line, unless asked for the details
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        print(
            f"timeline: unexpected {type(error).__name__}: {error} "
            "(set TIMELINE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
