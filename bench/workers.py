"""Benchmark 6: the production shape, several workers on PostgreSQL behind one port.

`timeline serve --workers N` (uvicorn's process manager: one listening socket, N worker
processes, each with its own pool and caches) on a PostgreSQL database holding 2,000 events.
The load is a timeline page of 100 events. Measured: 1 worker and 2 workers with the server
pinned to one core (the method of every other benchmark: the gain there is only what a second
process wins by overlapping database waits), and 1 and 2 workers allowed on both cores (wrk
shares core 1 with them: the best this 2-core machine can show). Figures are references, no
target: the issue asks for the gain measured here.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import create_async_engine

from bench.data import add_events, add_process, create_postgres_database, drop_postgres_database
from bench.harness import SERVER_CORE, Figure, Options, Server, median, wrk_runs

__all__ = ["EVENTS", "NAME", "run"]

NAME = "workers"
EVENTS = 2_000
SLUG = "shape"


async def _load(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        process_id = await add_process(conn, SLUG)
        await add_events(conn, process_id, EVENTS, prefix="w-")
    await engine.dispose()


def _rps(options: Options, url: str, workers: int, cores: str) -> tuple[float, int]:
    log = options.workdir / f"workers-{workers}-{cores}.log"
    with Server(url, workers=workers, cores=cores, log=log, cli=True) as server:
        target = f"{server.url}/api/v1/processes/{SLUG}/timeline?limit=100"
        results = wrk_runs(options, target, server.url + "/healthz")
    return median([r.rps for r in results]), sum(r.errors for r in results)


def run(options: Options) -> list[Figure]:
    """1 and 2 workers, pinned to one core and spread over both."""
    url = asyncio.run(create_postgres_database(options.postgres_url))
    try:
        asyncio.run(_load(url))
        figures = []
        for label, cores in (("pinned to 1 core", SERVER_CORE), ("on both cores", "0,1")):
            one, errors_one = _rps(options, url, 1, cores)
            two, errors_two = _rps(options, url, 2, cores)
            figures.append(
                Figure(
                    NAME,
                    f"timeline page, PostgreSQL, 2 workers vs 1, {label}",
                    two,
                    "req/s",
                    "1 worker",
                    one,
                    "(measured gain)",
                    None if errors_one + errors_two == 0 else False,
                    f"{errors_one + errors_two} errors",
                )
            )
        return figures
    finally:
        asyncio.run(drop_postgres_database(options.postgres_url, url))
