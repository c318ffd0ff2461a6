"""Benchmark: loading a 100,000-event bundle, by `timeline import` and by `POST /api/v1/bundles`,
against a raw executemany of the same rows (events, revisions, tags), SQLite and PostgreSQL.

The rows are bench/data.py's synthetic events (each with its "created" revision and its tags).
The baseline writes them with the bare driver (sqlite3 / asyncpg `executemany` in one
transaction, timed from the rows' Python values: JSON columns are dumped to text on the way);
`import` is what `timeline import FILE` does after reading the file (`parse_bundle`, which
checks every revision, then the write, kept calendar entries derived); the endpoint is the whole
request through the app in-process (the body decoded, checked and written). Each is timed on a
fresh, migrated database; the ratio is baseline time / time, target >= 0.3x.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.data import (
    _rows,
    create_postgres_database,
    create_sqlite_database,
    drop_postgres_database,
)
from bench.harness import BENCH_ADMIN_TOKEN, Figure, Options, median
from timeline.app import create_app
from timeline.domain.model import EventState
from timeline.services.bundle import import_bundle, parse_bundle
from timeline.services.events import kept_calendar_entry
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.tables import Event, EventRevision

__all__ = ["NAME", "run"]

NAME = "bundles"
SLUG = "bundle"
_NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
_JSON = {"tags", "depends_on", "sources", "attributes", "fields", "snapshot"}
_EVENT_COLUMNS = list(Event.__table__.columns.keys())  # type: ignore[attr-defined]
_REVISION_COLUMNS = [c for c in EventRevision.__table__.columns.keys() if c != "id"]  # type: ignore[attr-defined]  # noqa: SIM118


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _accepted(row: Any) -> Any:
    """bench/data.py's row, made one `parse_bundle` accepts: a signature names a count."""
    event, revision, tags = row
    if event["kind"] != "signature":
        return row
    attributes = {"count": 1}
    document = {**revision["snapshot"], "attributes": attributes}
    event = {**event, "attributes": attributes}
    fields = {**revision["fields"], "attributes": [None, attributes]}
    revision = {**revision, "snapshot": document, "fields": fields}
    state = EventState.from_document(
        document,
        id=event["id"],
        process="",
        version=1,
        created_at=event["created_at"],
        updated_at=event["updated_at"],
        known_on=event["known_on"],
    )
    event["ics_entry"] = kept_calendar_entry(state)
    return event, revision, tags


def _data(count: int) -> tuple[dict[str, Any], list[Any]]:
    """The bundle of `count` synthetic events, and the rows it stands for (process id 1)."""
    rows = [_accepted(row) for row in _rows(1, "b", 0, count, count)]
    events = [
        {
            "id": event["id"],
            "revisions": [
                {
                    "version": revision["version"],
                    "change": revision["change"],
                    "actor": revision["actor"],
                    "known_on": revision["known_on"].isoformat(),
                    "recorded_at": _stamp(revision["recorded_at"]),
                    "fields": revision["fields"],
                    "snapshot": revision["snapshot"],
                }
            ],
        }
        for event, revision, _ in rows
    ]
    process = {
        "slug": SLUG,
        "title": "Bundle bench",
        "description": None,
        "timezone": "UTC",
        "url": None,
        "version": 1,
        "created_at": _stamp(_NOW),
        "updated_at": _stamp(_NOW),
        "events": events,
        "items": [],
    }
    return {"format": "timeline-bundle", "version": 1, "processes": [process]}, rows


def _cell(name: str, value: Any, sqlite: bool) -> Any:
    if name in _JSON:
        return json.dumps(value)
    if sqlite and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if sqlite and isinstance(value, dt.date):
        return value.isoformat()
    return value


def _tables(rows: list[Any], sqlite: bool) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """(table, columns, values) for the raw baseline: the rows' values as the driver takes
    them (JSON as text; on SQLite dates and times as text), a conversion any executemany of
    these rows makes, so it is timed with it."""
    process = [(1, SLUG, "Bundle bench", None, "UTC", None, 1, _NOW, _NOW)]
    process_columns = [
        "id", "slug", "title", "description", "timezone", "url", "version", "created_at",
        "updated_at",
    ]  # fmt: skip
    if sqlite:
        process = [tuple(_cell("x", v, True) for v in process[0])]
    return [
        ("processes", process_columns, process),
        (
            "events",
            _EVENT_COLUMNS,
            [tuple(_cell(c, r[0][c], sqlite) for c in _EVENT_COLUMNS) for r in rows],
        ),
        (
            "event_revisions",
            _REVISION_COLUMNS,
            [tuple(_cell(c, r[1][c], sqlite) for c in _REVISION_COLUMNS) for r in rows],
        ),
        (
            "event_tags",
            ["event_id", "tag"],
            [(t["event_id"], t["tag"]) for r in rows for t in r[2]],
        ),
    ]


def _raw_sqlite(path: Path, rows: list[Any]) -> float:
    conn = sqlite3.connect(path)
    try:
        began = time.perf_counter()
        tables = _tables(rows, sqlite=True)
        with conn:
            for table, columns, values in tables:
                marks = ", ".join("?" for _ in columns)
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values
                )
        return time.perf_counter() - began
    finally:
        conn.close()


async def _raw_postgres(url: str, rows: list[Any]) -> float:
    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        began = time.perf_counter()
        tables = _tables(rows, sqlite=False)
        async with conn.transaction():
            for table, columns, values in tables:
                marks = ", ".join(f"${i + 1}" for i in range(len(columns)))
                await conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values
                )
        return time.perf_counter() - began
    finally:
        await conn.close()


async def _import(url: str, bundle: dict[str, Any]) -> tuple[float, float]:
    """(whole import, write only) seconds: what `timeline import` does after reading the file."""
    db = Database(url)
    try:
        began = time.perf_counter()
        checked = parse_bundle(bundle)
        parsed = time.perf_counter()
        async with db.write() as session:
            counts = await import_bundle(session, checked)
        done = time.perf_counter()
    finally:
        await db.dispose()
    assert counts["events"] == len(bundle["processes"][0]["events"]), counts
    return done - began, done - parsed


async def _endpoint(url: str, body: bytes) -> float:
    settings = Settings(
        database_url=url,
        admin_token=BENCH_ADMIN_TOKEN,
        write_rate_per_minute=0,
        read_rate_per_minute=0,
    )
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {BENCH_ADMIN_TOKEN}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            began = time.perf_counter()
            response = await client.post(
                "/api/v1/bundles", content=body, headers=headers, timeout=None
            )
            took = time.perf_counter() - began
    finally:
        await app.state.db.dispose()
    if response.status_code != 200 or response.json()["created"] != 1:
        raise RuntimeError(f"the endpoint answered {response.status_code}: {response.text[:300]}")
    return took


def _once(
    fresh: Callable[[], Awaitable[str]],
    drop: Callable[[str], Awaitable[None]],
    measure: Callable[[str], Any],
) -> Any:
    """`measure` of a fresh database, dropped afterwards."""
    url = asyncio.run(fresh())
    try:
        return measure(url)
    finally:
        asyncio.run(drop(url))


def _figures(
    label: str, count: int, raw: float, whole: float, write: float, endpoint: float
) -> list[Figure]:
    baseline = f"raw executemany ({label} driver)"
    target = ">= 0.3x"

    def figure(name: str, seconds: float, note: str, gated: bool) -> Figure:
        ratio = raw / seconds
        return Figure(
            benchmark=NAME,
            name=f"{name}, {count:,} events, {label}",
            value=count / seconds,
            unit="events/s",
            baseline_name=baseline,
            baseline=count / raw,
            target=target if gated else "(reference)",
            passed=(ratio >= 0.3) if gated else None,
            note=f"{seconds:.1f} s vs {raw:.1f} s; {note}",
        )

    return [
        figure(
            "timeline import (check + write)", whole, "parse_bundle checks every revision", True
        ),
        figure(
            "timeline import, write only", write, "the bulk writes alone (PostgreSQL: COPY)", False
        ),
        figure(
            "POST /api/v1/bundles", endpoint, "whole request in-process: decode, check, write", True
        ),
    ]


def run(options: Options) -> list[Figure]:
    """Measure both databases; one figure per path and database."""
    count = 10_000 if options.quick else 100_000
    bundle, rows = _data(count)
    body = json.dumps(bundle).encode()
    figures: list[Figure] = []
    counter = iter(range(1_000_000))

    async def fresh_sqlite() -> str:
        return await create_sqlite_database(options.workdir / f"bundle-{next(counter)}.db")

    async def keep(_: str) -> None:
        return None

    def sqlite_path(url: str) -> Path:
        return Path(url.split("///", 1)[1])

    async def fresh_pg() -> str:
        return await create_postgres_database(options.postgres_url)

    async def drop_pg(url: str) -> None:
        await drop_postgres_database(options.postgres_url, url)

    def raw_sqlite(url: str) -> float:
        return _raw_sqlite(sqlite_path(url), rows)

    def raw_postgres(url: str) -> float:
        return asyncio.run(_raw_postgres(url, rows))

    backends = (
        ("SQLite", fresh_sqlite, keep, raw_sqlite),
        ("PostgreSQL", fresh_pg, drop_pg, raw_postgres),
    )
    for name, fresh, drop, raw_write in backends:
        # Interleaved: each round times the baseline, the import and the endpoint in turn, so
        # a slower minute of the shared machine weighs on all three alike.
        raws: list[float] = []
        imports: list[tuple[float, float]] = []
        endpoints: list[float] = []
        for _ in range(options.runs):
            raws.append(_once(fresh, drop, raw_write))
            imports.append(_once(fresh, drop, lambda u: asyncio.run(_import(u, bundle))))
            endpoints.append(_once(fresh, drop, lambda u: asyncio.run(_endpoint(u, body))))
        imported = median([i[0] for i in imports])
        written = median([i[1] for i in imports])
        figures += _figures(name, count, median(raws), imported, written, median(endpoints))
    return figures
