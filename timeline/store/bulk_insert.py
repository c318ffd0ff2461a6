"""Many rows into one table in the caller's transaction: PostgreSQL's COPY through asyncpg,
the driver's executemany everywhere else.

On PostgreSQL an executemany executes its prepared INSERT once per row, each with its own
executor start-up and reply; a binary COPY streams all of them into the table in one command.
The rows are the same either way: each value goes through its column type's bind processor
(JSON dumped by the engine's serializer, moments made UTC) and then the codecs SQLAlchemy
registered on the asyncpg connection, exactly as an executemany sends it; column defaults
(serial ids) apply, constraints are checked and triggers fire (row triggers once per row,
statement triggers once for the whole COPY).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; used for its COPY and errors
from sqlalchemy import Table, insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["insert_rows"]


async def insert_rows(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, column names of `table`) in the connection's
    open transaction; nothing when `rows` is empty. A database refusal raises SQLAlchemy's
    DBAPIError (IntegrityError for a violated constraint), whichever way the rows were sent."""
    if not rows:
        return  # an empty parameter list would run the statement once with no parameters
    driver = await _copying_driver(conn)
    if driver is None:
        await conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    records: list[tuple[Any, ...]] = (
        list(map(itemgetter(*columns), rows))
        if len(columns) > 1
        else [(row[columns[0]],) for row in rows]
    )
    processors = [_bind_processor(conn, table, name) for name in columns]
    if any(processors):
        # Column by column: each processor mapped over its column's values, then zipped back
        # into records, keeps the per-value work to the processor itself.
        values = [
            column if process is None else tuple(map(process, column))
            for column, process in zip(zip(*records, strict=True), processors, strict=True)
        ]
        records = list(zip(*values, strict=True))
    await _copy(driver, table, columns, records)


async def _copying_driver(conn: AsyncConnection) -> Any | None:
    """The asyncpg connection under `conn` when it can COPY inside the caller's transaction,
    else None (another database or driver: the rows go by executemany)."""
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "asyncpg":
        return None
    driver = (await conn.get_raw_connection()).driver_connection
    if driver is not None and not driver.is_in_transaction():
        # SQLAlchemy begins asyncpg's transaction with the connection's first statement; a
        # COPY before it would commit on its own.
        await conn.execute(text("SELECT 1"))
    if driver is None or not driver.is_in_transaction():
        return None
    return driver


def _bind_processor(conn: AsyncConnection, table: Table, name: str) -> Callable[[Any], Any] | None:
    dialect = conn.dialect
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


async def _copy(
    driver: Any, table: Table, columns: list[str], records: list[tuple[Any, ...]]
) -> None:
    try:
        await driver.copy_records_to_table(
            table.name, columns=columns, records=records, schema_name=table.schema
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        # What an executemany would raise, so callers catch one family of errors.
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        kind = (
            IntegrityError
            if isinstance(error, asyncpg.IntegrityConstraintViolationError)
            else DBAPIError
        )
        raise kind(statement, None, error) from error
