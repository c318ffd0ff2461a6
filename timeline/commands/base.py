"""What every command module shares: the error type, making a subcommand and its common
options, and running async work."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from timeline.store.db import Database

__all__ = ["CommandError", "add_as_of", "command", "run_with_database"]

T = TypeVar("T")


class CommandError(Exception):
    """A failure to report as one line, with the exit code scripts can test."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def command(
    subparsers: Any, name: str, func: Callable[[argparse.Namespace], int], **parser: Any
) -> argparse.ArgumentParser:
    """The subcommand `name` (with `help`, `description`... as `parser`), run by `func`."""
    made: argparse.ArgumentParser = subparsers.add_parser(name, **parser)
    made.set_defaults(func=func)
    return made


def add_as_of(
    parser: argparse.ArgumentParser, help: str = "as known on this day (YYYY-MM-DD)"
) -> None:
    """Add `--as-of DAY`: read the history as it was known on that day."""
    parser.add_argument("--as-of", dest="as_of", help=help)


def run_with_database(work: Callable[[Database], Awaitable[T]], url: str | None = None) -> T:
    """Run `work` against the configured database (TIMELINE_DATABASE_URL) and close it."""
    # Imported here, not above: every command imports this module, and the client commands
    # and `--help` must not pay for SQLAlchemy and the store.
    import asyncio

    from sqlalchemy.exc import DBAPIError

    from timeline.domain.errors import DomainError
    from timeline.settings import Settings
    from timeline.store.db import Database

    async def runner() -> T:
        db = Database(url or Settings.from_env().database_url)
        try:
            return await work(db)
        except DomainError as error:
            raise CommandError(str(error)) from None
        finally:
            await db.dispose()

    try:
        return asyncio.run(runner())
    except OSError as error:
        raise CommandError(f"cannot reach the database: {error}") from None
    except DBAPIError as error:
        text = str(error.orig).lower()
        if "no such table" in text or "does not exist" in text:
            raise CommandError(
                "the database has no schema yet: run `timeline db upgrade` first"
            ) from None
        raise CommandError(f"the database refused: {error.orig}") from None
