"""The database handle: its write generation (what per-worker caches trust) and its warm-up."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from timeline.store.db import Database, decode_json


async def test_every_write_moves_the_generation_of_every_handle_on_the_url(
    database_url: str,
) -> None:
    one, other = Database(database_url), Database(database_url)
    try:
        before = one.generation
        async with other.write() as session:
            await (await session.connection()).execute(text("SELECT 1"))
        assert one.generation == other.generation == before + 1
        with pytest.raises(RuntimeError):
            async with one.write() as session:
                raise RuntimeError("a write that fails part way")
        assert one.generation == before + 2  # a failed commit may still have happened
        async with one.write(bookkeeping=True) as session:
            await (await session.connection()).execute(text("SELECT 1"))
        assert one.generation == before + 2  # rate-limit counters change nothing served
        async with one.read() as session:
            await (await session.connection()).execute(text("SELECT 1"))
        assert one.generation == before + 2
    finally:
        await one.dispose()
        await other.dispose()


async def test_warm_up_opens_a_connection_and_a_database_that_is_down_only_logs(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    up = Database(database_url)
    try:
        await up.warm_up()
        assert up.read_engine.pool.checkedin() == 1  # the first connection waits in the pool
    finally:
        await up.dispose()
    down = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nothing")  # the discard port
    try:
        with caplog.at_level(logging.WARNING, logger="timeline.store.db"):
            await down.warm_up()
        assert "could not open a first connection" in caplog.text
    finally:
        await down.dispose()


def test_stored_json_reads_as_the_standard_library_reads_it() -> None:
    # json.dumps writes a lone surrogate as an escape that the fast decoder refuses
    for value in ({"a": [1, 2.5, None, True]}, ["\ud800", "x\udc00"], 10**30, "plain"):
        assert decode_json(json.dumps(value)) == value
