"""Backups: `timeline export` under concurrent writers is one snapshot; bundles move between
SQLite and PostgreSQL without changing a byte."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PG_URL
from tests.robustness.server import ADMIN_TOKEN, running_server
from timeline.seed import load_seed
from timeline.services.bundle import dump_bundle, export_bundle, import_bundle, parse_bundle
from timeline.store import migrate
from timeline.store.db import Database

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _timeline(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `timeline` command line against a database."""
    return subprocess.run(
        [sys.executable, "-m", "timeline.cli", *args],
        env={**os.environ, "TIMELINE_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _numbers(bundle: dict[str, Any]) -> dict[str, int]:
    """Per event title prefix ('A', 'B'): the write number of its current title."""
    found = {}
    for event in bundle["processes"][0]["events"]:
        revisions = event["revisions"]
        assert [r["version"] for r in revisions] == list(range(1, len(revisions) + 1))
        title = revisions[-1]["snapshot"]["title"]
        name, _, number = title.partition(" ")
        found[name] = int(number)
    return found


async def test_export_while_writers_run_is_one_consistent_snapshot(database_url: str) -> None:
    """A writer changes event A then event B, write after write, so at any committed moment
    A is at B's number or one ahead. An export that read A and B at different moments would
    catch them further apart."""
    with running_server(database_url) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/processes", json={"slug": "backup", "title": "Backup"}, headers=AUTH
            )
            assert r.status_code == 201
            urls, etags = {}, {}
            for name in ("A", "B"):
                r = await client.post(
                    "/api/v1/processes/backup/events",
                    json={"kind": "note", "title": f"{name} 0", "date": "2024-05-01"},
                    headers=AUTH,
                )
                assert r.status_code == 201
                urls[name], etags[name] = r.json()["links"]["self"], r.headers["ETag"]
            stop = asyncio.Event()

            async def write() -> int:
                number = 0
                while not stop.is_set() and number < 2000:
                    number += 1
                    for name in ("A", "B"):
                        r = await client.patch(
                            urls[name],
                            json={"title": f"{name} {number}"},
                            headers={**AUTH, "If-Match": etags[name]},
                        )
                        assert r.status_code == 200, r.text
                        etags[name] = r.headers["ETag"]
                return number

            writer = asyncio.create_task(write())
            exports = []
            for _ in range(4):
                result = await asyncio.to_thread(_timeline, database_url, "export")
                assert result.returncode == 0, result.stderr
                exports.append(json.loads(result.stdout))
            stop.set()
            written = await writer
    seen = []
    for bundle in exports:
        numbers = _numbers(bundle)
        assert numbers["A"] - numbers["B"] in (0, 1), numbers
        seen.append(numbers["A"])
    # The exports really ran while the writers did.
    assert written > 2 and len(set(seen)) > 1, (written, seen)


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TIMELINE_TEST_DATABASE_URL)")
async def test_a_sqlite_export_restored_into_postgresql_and_back_is_byte_identical(
    database_url: str, tmp_path: Path
) -> None:
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'origin.db'}"
    back_url = f"sqlite+aiosqlite:///{tmp_path / 'back.db'}"
    await migrate.upgrade(sqlite_url)
    await migrate.upgrade(back_url)

    async def export(url: str) -> str:
        db = Database(url)
        try:
            async with db.read() as session:
                return dump_bundle(await export_bundle(session))
        finally:
            await db.dispose()

    async def restore(url: str, text: str) -> None:
        db = Database(url)
        try:
            async with db.write() as session:
                await import_bundle(session, parse_bundle(json.loads(text)))
        finally:
            await db.dispose()

    origin = Database(sqlite_url)
    try:
        await load_seed(origin, "ahc-cybercrime")
    finally:
        await origin.dispose()
    from_sqlite = await export(sqlite_url)
    assert database_url.startswith("postgresql")
    await restore(database_url, from_sqlite)
    from_postgres = await export(database_url)
    assert from_postgres == from_sqlite
    await restore(back_url, from_postgres)
    assert await export(back_url) == from_sqlite
    # And through the command line, as an operator would.
    result = _timeline(database_url, "export")
    assert result.returncode == 0 and result.stdout == from_sqlite
