"""Write tokens: minted once, stored only as a SHA-256 hash, looked up by that hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import Conflict
from timeline.store.tables import ApiToken, Process

__all__ = ["create_token", "find_token", "hash_token"]


def hash_token(secret: str) -> str:
    """The stored form of a token secret.

    Secrets are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(
    session: AsyncSession, name: str, scope: str, process: Process | None, *, now: dt.datetime
) -> str:
    """Store a new token and return its secret (the only time it is ever seen)."""
    secret = "tl_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            name=name,
            scope=scope,
            process_id=None if process is None else process.id,
            token_hash=hash_token(secret),
            created_at=now,
        )
    )
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"a token named {name!r} already exists") from None
    return secret


async def find_token(session: AsyncSession, secret: str) -> tuple[ApiToken, str | None] | None:
    """The token with this secret and the slug of the process it is tied to, or None."""
    row = (
        await session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    ).one_or_none()
    if row is None:
        return None
    slug = None
    if row.process_id is not None:
        process = await session.get(Process, row.process_id)
        slug = None if process is None else process.slug
    return row, slug
