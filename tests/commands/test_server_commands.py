"""The server-side `timeline` commands, run as a user runs them: as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from timeline.app import create_app
from timeline.settings import Settings


def _timeline(
    database_url: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIMELINE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "timeline.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_db_downgrade_and_upgrade(database_url: str) -> None:
    down = _timeline(database_url, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    readd = _timeline(database_url, "seed", "ahc-cybercrime")
    assert readd.returncode == 1 and readd.stderr.startswith("timeline: ")
    assert "Traceback" not in readd.stderr
    up = _timeline(database_url, "db", "upgrade")
    assert up.returncode == 0 and "head" in up.stdout


async def test_minted_token_writes_through_the_api(database_url: str) -> None:
    _timeline(database_url, "seed", "ahc-cybercrime")
    minted = _timeline(
        database_url,
        "tokens",
        "create",
        "--name",
        "desk",
        "--scope",
        "editor",
        "--process",
        "ahc-cybercrime",
    )
    assert minted.returncode == 0, minted.stderr
    secret = minted.stdout.strip()
    duplicate = _timeline(database_url, "tokens", "create", "--name", "desk", "--scope", "admin")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    app = create_app(Settings(database_url=database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/api/v1/processes/ahc-cybercrime/events",
            json={
                "kind": "ratification",
                "title": "R",
                "date": "2026-02-03",
                "attributes": {"party": "Viet Nam"},
            },
            headers={"Authorization": f"Bearer {secret}"},
        )
    await app.state.db.dispose()
    assert response.status_code == 201 and response.json()["process"] == "ahc-cybercrime"


def test_seed_is_idempotent_and_unknown_seed_is_one_line(database_url: str) -> None:
    first = _timeline(database_url, "seed", "ahc-cybercrime")
    assert first.returncode == 0 and "loaded" in first.stdout
    second = _timeline(database_url, "seed", "ahc-cybercrime")
    assert second.returncode == 0 and "already loaded" in second.stdout
    unknown = _timeline(database_url, "seed", "nope")
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1


def test_export_import_export_through_the_command_is_byte_identical(
    database_url: str, tmp_path: Path
) -> None:
    _timeline(database_url, "seed", "ahc-cybercrime")
    exported = _timeline(database_url, "export")
    assert exported.returncode == 0
    bundle = tmp_path / "bundle.json"
    bundle.write_text(exported.stdout, encoding="utf-8")
    assert _timeline(database_url, "db", "downgrade", "base").returncode == 0
    assert _timeline(database_url, "db", "upgrade").returncode == 0
    loaded = _timeline(database_url, "import", str(bundle))
    assert loaded.returncode == 0, loaded.stderr
    assert "imported 1 processes" in loaded.stdout
    again = tmp_path / "again.json"
    assert _timeline(database_url, "export", "--output", str(again)).returncode == 0
    assert again.read_bytes() == bundle.read_bytes()
    one = _timeline(database_url, "export", "--process", "ahc-cybercrime")
    assert json.loads(one.stdout)["processes"][0]["slug"] == "ahc-cybercrime"


def test_bad_bundle_is_refused_naming_the_record(database_url: str, tmp_path: Path) -> None:
    _timeline(database_url, "seed", "ahc-cybercrime")
    bundle = json.loads(_timeline(database_url, "export").stdout)
    bundle["processes"][0]["slug"] = "fresh-copy"
    bundle["processes"][0]["events"][0]["revisions"][0]["snapshot"]["date"] = "soon"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    refused = _timeline(database_url, "import", str(path))
    assert refused.returncode == 1
    assert "processes[0].events[0].revisions[0].snapshot.date" in refused.stderr
    assert "Traceback" not in refused.stderr
    exported = json.loads(_timeline(database_url, "export").stdout)
    assert [p["slug"] for p in exported["processes"]] == ["ahc-cybercrime"]
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    assert _timeline(database_url, "import", str(garbage)).returncode == 1


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_file_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]

    def config(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["docker-compose", "-f", str(root / "docker-compose.yml"), "config", *flags],
            capture_output=True,
            text=True,
            env={**os.environ, "TIMELINE_ADMIN_TOKEN": "compose-check"},
            timeout=60,
        )

    result = config("-q")
    assert result.returncode == 0, result.stderr
    services = config("--services")
    assert set(services.stdout.split()) == {"db", "migrate", "api"}


def test_db_upgrade_writes_the_calendar_entries_a_database_lacks(database_url: str) -> None:
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from timeline.store.db import normalize_url

    assert _timeline(database_url, "seed", "ahc-cybercrime").returncode == 0

    async def entries(clear: bool) -> int:
        engine = create_async_engine(normalize_url(database_url))
        async with engine.begin() as conn:
            if clear:  # as a database from before entries were kept
                await conn.execute(text("UPDATE events SET ics_entry = NULL"))
            kept = (await conn.execute(text("SELECT count(ics_entry) FROM events"))).scalar_one()
        await engine.dispose()
        return int(kept)

    seeded = asyncio.run(entries(clear=False))
    assert seeded > 0
    assert asyncio.run(entries(clear=True)) == 0
    up = _timeline(database_url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert f"calendar entries written for {seeded} events" in up.stdout
    assert asyncio.run(entries(clear=False)) == seeded
    again = _timeline(database_url, "db", "upgrade")
    assert again.returncode == 0 and "calendar entries" not in again.stdout
