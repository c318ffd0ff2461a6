"""One step on one process, named by its slug, in a transaction of its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.store.db import Database
from timeline.store.processes import get_process
from timeline.store.tables import Process

__all__ = ["read_in", "write_in"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


async def write_in(
    db: Database,
    slug: str,
    step: Callable[Concatenate[AsyncSession, Process, _P], Awaitable[_T]],
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> _T:
    """`step(session, process, *args, **kwargs)` for the process `slug`, in a write
    transaction of its own; NotFound without the process."""
    async with db.write() as session:
        process = await get_process(session, slug)
        return await step(session, process, *args, **kwargs)


async def read_in(
    db: Database,
    slug: str,
    step: Callable[Concatenate[AsyncSession, Process, _P], Awaitable[_T]],
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> _T:
    """`step(session, process, *args, **kwargs)` for the process `slug`, in a read
    transaction of its own (one snapshot); NotFound without the process."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await step(session, process, *args, **kwargs)
