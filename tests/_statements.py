"""Recording the SQL statements a block of code sends: one listener for every test that counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import event
from sqlalchemy.engine import Engine

from timeline.store.db import Database

__all__ = ["Statement", "statements_sent"]


class Statement(NamedTuple):
    """One statement as the driver received it."""

    text: str
    parameters: Any


@contextmanager
def statements_sent(
    db: Database | None = None, *, selects_only: bool = False
) -> Iterator[list[Statement]]:
    """Every statement sent while the block runs, in order: through `db`'s engines, or through
    any engine of this process when `db` is None; only the SELECTs when `selects_only`."""
    sent: list[Statement] = []

    def listener(*args: Any) -> None:
        text = str(args[2])
        if not selects_only or text.lstrip().upper().startswith("SELECT"):
            sent.append(Statement(text, args[3]))

    # the engines of `db` (its read and write engines may be one), or every engine
    targets: list[Any] = (
        list({id(e): e.sync_engine for e in (db.read_engine, db.write_engine)}.values())
        if db is not None
        else [Engine]
    )
    for target in targets:
        event.listen(target, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        for target in targets:
            event.remove(target, "before_cursor_execute", listener)
