"""The README's backup procedures, run under writers: restored databases export what was saved.

SQLite is backed up with its online backup API, PostgreSQL with `pg_dump -Fc` and restored with
`pg_restore` into a fresh database, exactly as the README's Backups section says.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.robustness.server import ADMIN_TOKEN, running_server
from tests.robustness.test_backups import _timeline

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _backup_sqlite(database_url: str, target: Path) -> str:
    """The README's online SQLite backup; returns the backup's database URL."""
    source = sqlite3.connect(make_url(database_url).database or "")
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite+aiosqlite:///{target}"


def _psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )


def _backup_postgres(database_url: str, target: Path, name: str) -> str:
    """The README's pg_dump and pg_restore into a fresh database; returns its URL."""
    url = make_url(database_url)
    connection = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", "postgres"]
    subprocess.run(
        ["pg_dump", *connection, "-Fc", "-f", str(target), url.database or ""],
        check=True,
        capture_output=True,
    )
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    subprocess.run(
        ["pg_restore", *connection, "--no-owner", "-d", name, str(target)],
        check=True,
        capture_output=True,
    )
    return url.set(database=name).render_as_string(hide_password=False)


def _export(database_url: str) -> str:
    result = _timeline(database_url, "export")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _histories(bundle_text: str) -> dict[str, list[Any]]:
    bundle = json.loads(bundle_text)
    return {
        event["id"]: event["revisions"]
        for process in bundle["processes"]
        for event in process["events"]
    }


async def test_a_backup_taken_under_writes_restores_what_was_committed(
    database_url: str, tmp_path: Path
) -> None:
    restored_names: list[str] = []

    def backup(number: int) -> str:
        if PG_URL:
            name = f"{make_url(database_url).database}_restored_{number}"
            restored_names.append(name)
            return _backup_postgres(database_url, tmp_path / f"{number}.dump", name)
        return _backup_sqlite(database_url, tmp_path / f"backup-{number}.db")

    try:
        with running_server(database_url) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
                r = await client.post(
                    "/api/v1/processes", json={"slug": "saved", "title": "Saved"}, headers=AUTH
                )
                assert r.status_code == 201
                stop = asyncio.Event()

                async def write() -> int:
                    written = 0
                    while not stop.is_set() and written < 1000:
                        r = await client.post(
                            "/api/v1/processes/saved/events",
                            json={"kind": "note", "title": f"N {written}", "date": "2024-05-01"},
                            headers=AUTH,
                        )
                        assert r.status_code == 201, r.text
                        written += 1
                    return written

                writer = asyncio.create_task(write())
                await asyncio.sleep(0.5)
                during = await asyncio.to_thread(backup, 1)
                await asyncio.sleep(0.3)
                stop.set()
                written = await writer
            after = await asyncio.to_thread(backup, 2)
            live = _export(database_url)

        # Taken when every write had finished: the restored database exports the same bytes.
        assert _export(after) == live
        # Taken under writes: a consistent prefix of the log, every saved revision intact.
        saved = _histories(_export(during))
        everything = _histories(live)
        assert 0 < len(saved) < written == len(everything)
        for event_id, revisions in saved.items():
            assert everything[event_id] == revisions
    finally:
        if restored_names:
            _psql(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in restored_names))
