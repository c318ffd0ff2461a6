"""The check that a revisions table is append-only in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from timeline.store.db import Database

__all__ = ["assert_refused_and_unchanged"]


async def assert_refused_and_unchanged(db: Database, statement: str, table: str) -> None:
    """Fail unless the database refuses `statement` as append-only and `table` still holds its
    one revision, by actor "t"."""
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.write() as session:
            await session.exec(text(statement))  # type: ignore[call-overload]
    async with db.read() as session:
        actors = (await session.exec(text(f"SELECT actor FROM {table}"))).all()  # type: ignore[call-overload]
    assert [tuple(a) for a in actors] == [("t",)]
