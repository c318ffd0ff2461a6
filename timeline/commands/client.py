"""What the client-side commands share: options, the API client, exit codes, output helpers.

The client-side commands ask a running server (`--server`/TIMELINE_URL) what is coming, show an
event and its history, record and change events (`--token`/TIMELINE_TOKEN), read the deadline
risks and entry-into-force, write the digest, and push a bundle to another server: reading in
`client_read`, writing in `client_write`, analysis and digest in `client_reports`, the push in
`client_push`.

They talk HTTP through `timeline_client` only, never to a database. Tables are for people;
`--json` prints the API's own JSON for scripts. Exit codes scripts can trust:

- 0: done;
- 1: the server refused (the problem's status, title and detail on one line);
- 2: the command line was wrong (argparse), or a local file could not be read;
- 3: the server could not be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from timeline.commands.base import CommandError, command

# The client, rich and the date parser are imported where they are used: registering these
# commands (and `timeline --help`) must stay as cheap as starting Python.
if TYPE_CHECKING:
    import httpx
    from rich.console import Console
    from timeline_client import Client, Event, ProblemError

    from timeline.domain.vocabulary import Precision

__all__ = [
    "DEFAULT_SERVER",
    "EXIT_CANNOT_CONNECT",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "add_client_options",
    "api_client",
    "client_command",
    "client_transport",
    "event_when",
    "options",
    "print_json",
    "problem_line",
    "table_console",
]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CANNOT_CONNECT = 3
DEFAULT_SERVER = "http://127.0.0.1:8000"


def add_client_options(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    """Add `--server`, `--token` and (unless `json_flag` is False) `--json` to `parser`."""
    parser.add_argument(
        "--server",
        default=os.environ.get("TIMELINE_URL") or DEFAULT_SERVER,
        help=f"the server's URL (default: TIMELINE_URL, else {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("TIMELINE_TOKEN"),
        help="bearer token for writes (default: TIMELINE_TOKEN)",
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def client_command(
    subparsers: Any,
    name: str,
    help: str,
    func: Callable[[argparse.Namespace], int],
    *,
    json_flag: bool = True,
) -> argparse.ArgumentParser:
    """A command that talks to a server: `name`, run by `func`, with the client options."""
    parser = command(subparsers, name, func, help=help)
    add_client_options(parser, json_flag=json_flag)
    return parser


def options(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The command line's options `names`, as the keyword arguments of a client method of
    the same names."""
    return {name: getattr(args, name) for name in names}


def problem_line(error: ProblemError) -> str:
    """A refusal in one line: status, title, detail and each rejected field."""
    line = f"{error.status} {error.title}"
    if error.detail and error.detail != error.title:
        line += f": {error.detail}"
    fields = [f"{e.field}: {e.message}" for e in error.errors]
    if fields and not error.detail:
        line += " (" + "; ".join(fields) + ")"
    return line


def client_transport(server: str) -> httpx.BaseTransport | None:
    """The transport for a plain-HTTP server reached without a proxy: one that never loads the
    CA certificates (40-60 ms of CPU, a fifth of a command's run). None (httpx's own, which
    honours proxies and verifies TLS) for anything else."""
    import ssl
    from urllib.parse import urlsplit
    from urllib.request import getproxies

    import httpx

    if urlsplit(server).scheme != "http" or getproxies():
        return None
    # No TLS happens on plain HTTP, and the client follows no redirect to https. Were it ever
    # asked to, this context, holding no certificate to trust, would refuse every server.
    return httpx.HTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))


@contextmanager
def api_client(args: argparse.Namespace, *, patient: bool = False) -> Iterator[Client]:
    """A client for `--server`; refusals and unreachable servers become one-line errors."""
    from timeline_client import Client, ConnectionFailed, ProblemError, RetryPolicy

    # A person is waiting: retry briefly, then say what is wrong. A push is a long job that
    # will meet the server's write rate limit: it waits out each window (Retry-After) instead.
    if patient:
        retry = RetryPolicy(max_retries=10, backoff=0.5, max_retry_after=65)
    else:
        retry = RetryPolicy(max_retries=2, backoff=0.25, max_retry_after=10)
    try:
        transport = client_transport(args.server)
        with Client(args.server, args.token, retry=retry, timeout=30, transport=transport) as api:
            yield api
    except ProblemError as error:
        raise CommandError(problem_line(error), EXIT_REFUSED) from None
    except ConnectionFailed:
        raise CommandError(f"cannot connect to {args.server}", EXIT_CANNOT_CONNECT) from None


def print_json(value: Any) -> None:
    """Print `value` as indented JSON, for scripts."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def table_console() -> Console:
    """The console tables are printed on (no highlighting, no soft wrapping)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def event_when(event: Event) -> str:
    """An event's date in words ("June 2023", "5 to 9 May 2024"), else as written."""
    from timeline.domain.dates import DateError, DateSpan, describe_fuzzy, parse_date
    from timeline.domain.vocabulary import PRECISIONS

    try:
        if event.precision in PRECISIONS and event.precision != "datetime":
            # The server parsed the date and serves what it means: reading that back skips the
            # EDTF grammar, which costs a run tens of milliseconds per qualified date.
            span = DateSpan(
                text=event.date,
                start=event.start,
                end=event.end,
                precision=cast("Precision", event.precision),
                approximate=event.approximate,
                uncertain=event.uncertain,
            )
        else:  # a timed date, whose times the span needs: a fast parse
            span = parse_date(event.date)
        return describe_fuzzy(span)
    except DateError:
        return event.date
