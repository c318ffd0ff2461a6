"""Idempotency records: the first response to a create, kept so that a retry replays it.

A record is keyed by (scope, key): the scope is the caller's token, so two callers never see
each other's keys. A record starts *pending* (`status_code` 0) when a request reserves its key,
and is completed with the response once the request succeeds; a request that fails releases
its key so that the retry runs for real (a failed create changed nothing).

Reservation is an INSERT on the primary key, so at most one of any number of concurrent
requests holds a key: on SQLite writers are serialised by `BEGIN IMMEDIATE`; on PostgreSQL a
concurrent INSERT of the same key waits for the first transaction and then does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.tables import IdempotencyRecord

__all__ = ["PENDING", "complete", "find", "prune", "release", "reserve"]

PENDING = 0


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(IdempotencyRecord)


async def find(session: AsyncSession, scope: str, key: str) -> IdempotencyRecord | None:
    """The record of `key` in `scope`, pending or complete, or None."""
    return (
        await session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
    ).one_or_none()


async def reserve(
    session: AsyncSession,
    scope: str,
    key: str,
    request_hash: str,
    *,
    now: dt.datetime,
    expires_before: dt.datetime,
) -> IdempotencyRecord | None:
    """Hold `key` for this request: None when it is now ours, else the record that holds it.

    A record of this key created before `expires_before` is forgotten first: a key is
    remembered for the retention window only.
    """
    await session.exec(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.scope) == scope,
            col(IdempotencyRecord.key) == key,
            col(IdempotencyRecord.created_at) < expires_before,
        )
    )
    statement = (
        _insert(session)
        .values(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=PENDING,
            headers={},
            body="",
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(IdempotencyRecord.key)
    )
    inserted = (await session.exec(statement)).first()
    if inserted is not None:
        return None
    # Someone holds the key (possibly a transaction that just committed): read what it holds.
    return await find(session, scope, key)


async def complete(
    session: AsyncSession,
    scope: str,
    key: str,
    *,
    status_code: int,
    headers: dict[str, str],
    body: str,
) -> None:
    """Store the response of the request holding `key`, to be replayed to its retries."""
    record = await find(session, scope, key)
    if record is None:  # expired meanwhile (a request slower than the retention window)
        return
    record.status_code = status_code
    record.headers = headers
    record.body = body
    session.add(record)
    await session.flush()


async def prune(session: AsyncSession, scope: str, *, expires_before: dt.datetime) -> None:
    """Forget the records of `scope` older than the retention window (the table stays bounded
    per token). Rows another transaction holds are skipped: they are pruned next time, and two
    writers of one token never wait on each other here."""
    expired = (
        select(IdempotencyRecord.key)
        .where(
            col(IdempotencyRecord.scope) == scope,
            col(IdempotencyRecord.created_at) < expires_before,
        )
        .with_for_update(skip_locked=True)
    )
    await session.exec(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.scope) == scope,
            col(IdempotencyRecord.key).in_(expired.scalar_subquery()),
        )
    )


async def release(session: AsyncSession, scope: str, key: str) -> None:
    """Forget a pending reservation, so that a retry with the same key runs again."""
    await session.exec(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.scope) == scope,
            col(IdempotencyRecord.key) == key,
            col(IdempotencyRecord.status_code) == PENDING,
        )
    )
