"""Benchmark 2: a timeline page of 100 events from processes of 1k, 10k and 100k events.

Baseline: `/bench/rows/{id}` on the same server, 100 rows by one raw aiosqlite query as JSON.
Targets: the page at least half the baseline's requests/s (at each size); the p50 latency at
100k within 1.5x of the p50 at 1k, for the first page and for a page deep inside (a cursor at
the middle of the process: keyset pagination reads no more rows there than on page one).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.data import add_events_sqlite, add_process, create_sqlite_database
from bench.harness import Figure, Options, Server, median, repeat, wrk
from timeline.api.common import encode_cursor

__all__ = ["NAME", "SIZES", "run"]

NAME = "timeline"
SIZES = (1_000, 10_000, 100_000)


async def _load(path: Path, url: str, sizes: tuple[int, ...]) -> dict[int, tuple[int, str]]:
    """Processes `p1000`, `p10000`, ... each with that many events; {size: (id, cursor mid)}."""
    engine = create_async_engine(url)
    made: dict[int, tuple[int, str]] = {}
    async with engine.begin() as conn:
        for size in sizes:
            made[size] = (await add_process(conn, f"p{size}"), "")
    for size, (process_id, _) in made.items():
        add_events_sqlite(path, process_id, size, prefix=f"p{size}-")
    async with engine.connect() as conn:
        for size, (process_id, _) in made.items():
            row = (
                await conn.execute(
                    text(
                        "SELECT start_day, end_day, kind, id FROM events"
                        " WHERE process_id = :p AND deleted = false"
                        " ORDER BY start_day, end_day, kind, id LIMIT 1 OFFSET :o"
                    ),
                    {"p": process_id, "o": size // 2},
                )
            ).one()
            cursor = encode_cursor([str(row[0]), str(row[1]), row[2], row[3]])
            made[size] = (process_id, cursor)
    await engine.dispose()
    return made


def run(options: Options) -> list[Figure]:
    """Load the three processes, serve them, measure, and compare."""
    sizes = SIZES
    path = options.workdir / "reads.db"
    url = asyncio.run(create_sqlite_database(path))
    processes = asyncio.run(_load(path, url, sizes))
    figures: list[Figure] = []

    def measure(target: str) -> tuple[float, float]:
        results = repeat(
            options.runs,
            lambda: wrk(
                target,
                duration=options.duration,
                connections=options.connections,
                settle=target.split("/api/")[0].split("/bench/")[0] + "/healthz",
            ),
        )
        if any(r.errors for r in results):
            raise RuntimeError(f"{target}: {sum(r.errors for r in results)} failed requests")
        return median([r.rps for r in results]), median([r.p50_ms for r in results])

    with Server(url, log=options.workdir / "reads.log") as server:
        page: dict[int, tuple[float, float]] = {}
        deep: dict[int, tuple[float, float]] = {}
        for size in sizes:
            process_id, middle = processes[size]
            api = f"{server.url}/api/v1/processes/p{size}/timeline?limit=100"
            base_rps, base_p50 = measure(f"{server.url}/bench/rows/{process_id}")
            page[size] = measure(api)
            deep[size] = measure(f"{api}&cursor={middle}")
            for label, (rps, p50), versus in (
                ("page of 100", page[size], f" vs {base_p50:.1f} ms"),
                ("middle page (cursor)", deep[size], ""),
            ):
                figures.append(
                    Figure(
                        NAME,
                        f"{label}, {size:,} events (req/s)",
                        rps,
                        "req/s",
                        "raw aiosqlite 100 rows",
                        base_rps,
                        ">= 0.5x",
                        rps / base_rps >= 0.5,
                        f"p50 {p50:.1f} ms{versus}",
                    )
                )
        small, large = sizes[0], sizes[-1]
        for label, table in (("first page", page), ("middle page", deep)):
            figures.append(
                Figure(
                    NAME,
                    f"p50 latency, {label}, {large:,} events",
                    table[large][1],
                    "ms",
                    f"p50 at {small:,} events",
                    table[small][1],
                    "<= 1.5x",
                    table[large][1] <= 1.5 * table[small][1],
                )
            )
    return figures
