"""Server-side commands: serve, migrate, mint tokens."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from timeline.commands.base import CommandError, command, run_with_database
from timeline.settings import Settings

# The store (SQLAlchemy, Alembic) is imported by the commands that use it, when they run, so
# that listing these commands costs nothing.
if TYPE_CHECKING:
    from timeline.store.db import Database

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add `serve`, `db` and `tokens`."""
    serve = command(subparsers, "serve", _serve, help="serve the API and pages over HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default: 1; more than one wants PostgreSQL)",
    )

    db = subparsers.add_parser("db", help="migrate the database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = command(
        db_sub,
        "upgrade",
        _upgrade,
        help="migrate up (default: to the newest revision, then write missing calendar entries)",
    )
    up.add_argument(
        "revision", nargs="?", default="head", help="the revision to reach (default: head)"
    )
    down = command(db_sub, "downgrade", _downgrade, help="migrate down to REV (base empties it)")
    down.add_argument("revision", help="the revision to go back to ('base': no tables)")

    tokens = subparsers.add_parser("tokens", help="manage write tokens")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", metavar="ACTION", required=True)
    create = command(tokens_sub, "create", _create_token, help="mint a token and print it once")
    create.add_argument("--name", required=True, help="who or what holds it, for the logs")
    create.add_argument(
        "--scope",
        choices=("editor", "admin"),
        required=True,
        help="editor: record and change events and items; admin: also create and change processes",
    )
    create.add_argument("--process", help="limit the token to this process slug")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise CommandError("--workers must be 1 or more", 2)
    try:
        settings = Settings.from_env()
    except ValueError as error:
        raise CommandError(str(error), 2) from None
    trusted = list(settings.trusted_proxies)
    uvicorn.run(
        "timeline.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # X-Forwarded-For/-Proto only from the configured proxies (none by default): anyone
        # else could pick the address their read limit is counted by.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        # uvloop and httptools (uvicorn[standard]) when installed: measured faster on every
        # request kind of bench/ (docs/performance.md); the pure-Python ones otherwise.
        loop="auto",
        http="auto",
        # With JSON logs the app logs each request once, with its id.
        access_log=settings.log_format != "json",
        log_level="info",
    )
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from timeline.store import migrate

    url = Settings.from_env().database_url
    asyncio.run(migrate.upgrade(url, args.revision))
    print(f"database at {args.revision}")
    if args.revision == "head":
        written = asyncio.run(_refresh_calendar_entries(url))
        if written:
            print(f"calendar entries written for {written} events")
    return 0


async def _refresh_calendar_entries(url: str) -> int:
    """Keep the calendar entries this release writes for every event without one (a database
    from before they were kept, or from another release): one short transaction per batch."""
    from timeline.services.events import refresh_calendar_entries
    from timeline.store.db import Database

    db = Database(url)
    total = 0
    try:
        while True:
            async with db.write() as session:
                written = await refresh_calendar_entries(session)
            if not written:
                return total
            total += written
    finally:
        await db.dispose()


def _downgrade(args: argparse.Namespace) -> int:
    from timeline.store import migrate

    asyncio.run(migrate.downgrade(Settings.from_env().database_url, args.revision))
    print(f"database at {args.revision}")
    return 0


def _create_token(args: argparse.Namespace) -> int:
    from timeline.clock import utcnow
    from timeline.store.processes import get_process
    from timeline.store.tokens import create_token

    async def work(db: Database) -> str:
        async with db.write() as session:
            process = await get_process(session, args.process) if args.process else None
            return await create_token(session, args.name, args.scope, process, now=utcnow())

    secret = run_with_database(work)
    print(secret)
    return 0
