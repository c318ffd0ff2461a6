"""Benchmark 4: sustained appends with revisions, 4 concurrent writers, SQLite and PostgreSQL.

Four wrk connections POST new events (each one an event row, its first revision and its tag
rows, in one transaction, through the real API with a bearer token, rate limits raised out of
the way) for the whole run. Figures: appends per second (median of 3 runs) and errors, which
must be zero: no "database is locked", no 5xx, no lost write. After the runs the database must
hold exactly one event and one revision per accepted POST (wrk may stop with at most one request
per connection in flight, which the server still completes).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.data import (
    add_process,
    create_postgres_database,
    create_sqlite_database,
    drop_postgres_database,
)
from bench.harness import BENCH_ADMIN_TOKEN, Figure, Options, Server, median, wrk

__all__ = ["NAME", "WRITERS", "run"]

NAME = "writes"
WRITERS = 4
SLUG = "writes"

_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"kind":"session","title":"Appended %%d","date":"2024-%%02d-%%02d","tags":["bench","w%%d"]}',
    counter, counter %% 12 + 1, counter %% 28 + 1, counter %% 5)
  return wrk.format(nil, "/api/v1/processes/%(slug)s/events", nil, body)
end
"""


async def _prepare(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await add_process(conn, SLUG)
    await engine.dispose()


async def _stored(url: str) -> tuple[int, int]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        events = (await conn.execute(text("SELECT count(*) FROM events"))).scalar_one()
        revisions = (await conn.execute(text("SELECT count(*) FROM event_revisions"))).scalar_one()
    await engine.dispose()
    return int(events), int(revisions)


def _measure(options: Options, url: str, label: str) -> Figure:
    asyncio.run(_prepare(url))
    script = options.workdir / "append.lua"
    script.write_text(_SCRIPT % {"token": BENCH_ADMIN_TOKEN, "slug": SLUG})
    with Server(url, log=options.workdir / f"writes-{label}.log") as server:
        results = [
            wrk(
                server.url + f"/api/v1/processes/{SLUG}/events",
                duration=options.duration,
                connections=WRITERS,
                script=script,
                settle=server.url + "/healthz",
            )
            for _ in range(options.runs)
        ]
    events, revisions = asyncio.run(_stored(url))
    accepted = sum(r.requests for r in results)
    errors = sum(r.errors for r in results)
    lost = not (accepted <= events <= accepted + WRITERS * options.runs) or revisions != events
    return Figure(
        NAME,
        f"appends/s with revisions, {WRITERS} writers, {label}",
        median([r.rps for r in results]),
        "appends/s",
        "",
        None,
        "0 errors, every append stored",
        errors == 0 and not lost,
        f"{errors} errors; {accepted} accepted, {events} events and {revisions} revisions stored; "
        f"p50 {median([r.p50_ms for r in results]):.1f} ms",
    )


def run(options: Options) -> list[Figure]:
    """The same load on a SQLite file and on a PostgreSQL database."""
    figures = [
        _measure(
            options, asyncio.run(create_sqlite_database(options.workdir / "writes.db")), "SQLite"
        )
    ]
    url = asyncio.run(create_postgres_database(options.postgres_url))
    try:
        figures.append(_measure(options, url, "PostgreSQL"))
    finally:
        asyncio.run(drop_postgres_database(options.postgres_url, url))
    return figures
