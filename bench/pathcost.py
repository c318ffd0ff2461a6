"""`python -m bench.pathcost`: CPU time per request of the request path, in-process.

Drives an app's ASGI callable directly (no sockets, no server) with a synthetic request, many
times, and prints microseconds per request: the bare Litestar app of bench/bare.py, the
product's `/healthz`, a feed 304 and an unrouted 404, and the product with its request pipeline
taken out (when the app has one), so that the pipeline's own share is the difference. Run it
against another checkout (`PYTHONPATH=/path/to/checkout`) to compare two versions of the path;
`--profile` prints the cProfile top of the product's calendar 304. docs/performance.md keeps the
figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

__all__ = ["main"]

ASGI = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def _scope(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _per_request(
    app: Any, path: str, n: int, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[float, int]:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    for _ in range(200):  # warm caches, validators, the rate limiter's window
        await app(_scope(app, path, headers or []), receive, send)
    began = time.perf_counter()
    for _ in range(n):
        await app(_scope(app, path, headers or []), receive, send)
    return (time.perf_counter() - began) / n * 1e6, status


async def _run(n: int, profile: bool) -> None:
    from bench.bare import create_bare_app
    from bench.calendar_feed import SLUG, _load
    from bench.data import create_sqlite_database
    from timeline.app import create_app
    from timeline.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="timeline-pathcost-"))
    url = await create_sqlite_database(folder / "path.db")
    await _load(folder / "path.db", url)
    limits = 10**9
    settings = Settings(database_url=url, read_rate_per_minute=limits, write_rate_per_minute=limits)
    app = create_app(settings)
    await app.state.db.warm_up()
    bare = create_bare_app()
    feed = f"/api/v1/processes/{SLUG}/calendar.ics"
    _, _ = await _per_request(app, feed, 1)
    etag = b""

    async def grab(message: dict[str, Any]) -> None:
        nonlocal etag
        if message["type"] == "http.response.start":
            etag = dict(message["headers"]).get(b"etag", b"")

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await app(_scope(app, feed, []), receive, grab)
    rows = [
        ("bare Litestar hello", bare, "/bench/hello", []),
        ("product /healthz", app, "/healthz", []),
        ("product calendar.ics 304", app, feed, [(b"if-none-match", etag)]),
        ("product unrouted 404", app, "/no/such/page", []),
    ]
    # the pipeline, when this checkout has one (an older one has a stack of route middlewares)
    inner = app.asgi_handler.app if hasattr(app.asgi_handler, "limiter") else None
    for label, target, path, headers in rows:
        micros, status = await _per_request(target, path, n, headers)
        print(f"{label:45s} {micros:8.1f} us/request  ({status})")
    if inner is not None:
        pipeline = app.asgi_handler
        app.asgi_handler = inner
        for label, path, headers in (
            ("product /healthz, pipeline taken out", "/healthz", []),
            ("product calendar.ics 304, pipeline taken out", feed, [(b"if-none-match", etag)]),
        ):
            micros, status = await _per_request(app, path, n, headers)
            print(f"{label:45s} {micros:8.1f} us/request  ({status})")
        app.asgi_handler = pipeline
    if inner is not None:
        # the pipeline alone, around an app that answers a constant at once
        async def constant(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"hi", "more_body": False})

        wrapped = type(app.asgi_handler)(constant, settings, app.state.db, app.asgi_handler.metrics)
        for _ in range(3):  # interleaved: the machine's noise moves both
            alone, _ = await _per_request(constant, "/healthz", n)
            piped, _ = await _per_request(wrapped, "/healthz", n)
            read, _ = await _per_request(wrapped, "/api/v1/processes", n)
            print(
                f"pipeline alone: {piped - alone:5.1f} us on an uncounted path, "
                f"{read - alone:5.1f} us on a counted read"
            )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        await _per_request(app, feed, n, [(b"if-none-match", etag)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    await app.state.db.dispose()


def main() -> None:
    """Print the per-request cost of each path."""
    parser = argparse.ArgumentParser(prog="python -m bench.pathcost", description=__doc__)
    parser.add_argument("-n", type=int, default=5000, help="requests per figure")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the product's calendar 304"
    )
    args = parser.parse_args()
    os.environ.setdefault("BENCH_ICS_FILE", os.devnull)
    asyncio.run(_run(args.n, args.profile))


if __name__ == "__main__":
    main()
