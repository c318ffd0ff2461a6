"""The `timeline` command: server-side administration and client-side queries.

Each area registers its subcommands from a module in `timeline/commands/`; a module exposes
`register(subparsers)` and sets `func` on each parser it adds. Every command returns an exit
code; errors a user can fix are one clear line on standard error, never a traceback.

A run imports only the module of the command it runs: `COMMANDS` names each command and the
one-line help `timeline --help` shows for it, so the other commands are listed without
importing their modules (which bring Litestar, SQLAlchemy, httpx or rich with them).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from timeline import __version__
from timeline.commands.base import CommandError

__all__ = ["COMMANDS", "COMMAND_MODULES", "build_parser", "main"]

# Each module, the commands its `register` adds in that order, and their one-line help
# (tests/commands/test_cli_lazy.py proves these are the modules' own words).
COMMANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "timeline.commands.server",
        (
            ("serve", "serve the API and pages over HTTP"),
            ("db", "migrate the database schema"),
            ("tokens", "manage write tokens"),
        ),
    ),
    (
        "timeline.commands.data",
        (
            ("seed", "load a data set of the library (see --list)"),
            ("export", "write a JSON bundle with full histories"),
            ("import", "load a JSON bundle in one transaction"),
        ),
    ),
    ("timeline.commands.calendar", (("calendar", "calendar feeds and CalDAV"),)),
    (
        "timeline.commands.client_read",
        (
            ("upcoming", "what is coming, across processes (server)"),
            ("timeline", "a process's events in order (server)"),
            ("show", "one event (server)"),
            ("history", "every revision of an event (server)"),
        ),
    ),
    (
        "timeline.commands.client_write",
        (
            ("add-event", "record an event (server, editor token)"),
            ("set-status", "change an event's status (server)"),
        ),
    ),
    (
        "timeline.commands.client_reports",
        (
            ("risks", "will the deadlines hold? (server)"),
            ("eif", "entry-into-force count and projection (server)"),
            ("digest", "the newsletter digest (server)"),
        ),
    ),
    (
        "timeline.commands.client_push",
        (
            (
                "push",
                "apply a bundle's processes and events to a server in one request (admin token)",
            ),
        ),
    ),
    (
        "timeline.commands.backtest",
        (
            (
                "backtest",
                "replay the deadline risk assessment from one day to another (reads the database)",
            ),
        ),
    ),
    (
        "timeline.commands.positions",
        (
            ("positions", "proposals, or who stands where on one (server)"),
            ("forecast", "would a proposal pass a vote? (server)"),
            ("votes", "recorded votes (server)"),
        ),
    ),
)
COMMAND_MODULES: tuple[str, ...] = tuple(module for module, _ in COMMANDS)


def _parser(load: Callable[[str], bool]) -> argparse.ArgumentParser:
    """The parser, with the real subcommands of each module `load` accepts and, for the others,
    placeholders that carry only the name and one-line help."""
    parser = argparse.ArgumentParser(
        prog="timeline",
        description="Track multilateral negotiations as dated events.",
    )
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module, commands in COMMANDS:
        if load(module):
            importlib.import_module(module).register(subparsers)
        else:
            for name, help in commands:
                subparsers.add_parser(name, help=help)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered subcommand (imports every module)."""
    return _parser(lambda module: True)


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """A parser that reads `argv` as `build_parser()` does, importing only the module of the
    command `argv` names (none for `timeline`, `--help` or `--version`)."""
    # The top-level options take no value, so the first other word is the command.
    command = next((word for word in argv if not word.startswith("-")), None)
    if command is None:
        return _parser(lambda module: False)
    wanted = {module for module, commands in COMMANDS for name, _ in commands if name == command}
    if not wanted:
        # Not a listed command: a module may register one `COMMANDS` does not list yet, and
        # a typo deserves argparse's own answer. Both need the whole parser.
        return build_parser()
    return _parser(lambda module: module in wanted)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = parser_for(words)
    args = parser.parse_args(words)
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
