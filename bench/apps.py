"""The app the benchmarks serve: the product's `create_app()` plus baseline routes.

The baselines exist only here, never in the product. They run in the same process, on the same
core, through the same Litestar stack, so a ratio to them isolates what our code adds:

- `GET /bench/hello`: a constant body (the floor of any request on this server).
- `GET /bench/rows/{process_id}`: 100 event rows read with one raw aiosqlite query, as JSON
  (the floor of a timeline page: a query and serialisation, no ORM, no domain).
- `GET /bench/precomputed`: the bytes of a calendar file, read once from `BENCH_ICS_FILE` and
  then served from memory (the physical limit of serving a feed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aiosqlite
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.params import FromPath
from sqlalchemy.engine import make_url

from timeline.app import create_app
from timeline.settings import Settings

__all__ = ["create_bench_app", "create_bench_app_without_pipeline"]

_ROWS_SQL = (
    "SELECT id, kind, title, date, start_day, end_day, precision, status, location, summary,"
    " tags, parent, depends_on, sources, attributes, version, known_on, created_at, updated_at"
    " FROM events WHERE process_id = ? AND deleted = 0"
    " ORDER BY start_day, end_day, kind, id LIMIT 100"
)
_JSON_COLUMNS = {"tags", "depends_on", "sources", "attributes"}


@get("/bench/hello", media_type="text/plain", include_in_schema=False, sync_to_thread=False)
def hello() -> bytes:
    """A constant body."""
    return b"hello, world"


@get("/bench/rows/{process_id:int}", include_in_schema=False)
async def raw_rows(state: State, process_id: FromPath[int]) -> Response[bytes]:
    """100 rows of a process's events with a raw aiosqlite query, as a JSON array."""
    conn: aiosqlite.Connection | None = state.get("bench_sqlite")
    if conn is None:
        conn = await aiosqlite.connect(state["bench_sqlite_path"])
        conn.row_factory = aiosqlite.Row
        state["bench_sqlite"] = conn
    async with conn.execute(_ROWS_SQL, (process_id,)) as cursor:
        rows = await cursor.fetchall()
    items: list[dict[str, Any]] = []
    for row in rows:
        item = dict(row)
        for name in _JSON_COLUMNS:
            item[name] = json.loads(item[name])
        items.append(item)
    return Response(content=json.dumps({"items": items}).encode(), media_type="application/json")


@get("/bench/precomputed", include_in_schema=False, sync_to_thread=False)
def precomputed(state: State) -> Response[bytes]:
    """The calendar bytes held in memory (read from BENCH_ICS_FILE on first use)."""
    body: bytes | None = state.get("bench_ics")
    if body is None:
        body = Path(os.environ["BENCH_ICS_FILE"]).read_bytes()
        state["bench_ics"] = body
    return Response(content=body, media_type="text/calendar; charset=utf-8")


async def _close(app: Litestar) -> None:
    conn: aiosqlite.Connection | None = app.state.get("bench_sqlite")
    if conn is not None:
        await conn.close()


def create_bench_app() -> Litestar:
    """The product app (settings from the environment) with the baseline routes added."""
    settings = Settings.from_env()
    app = create_app(settings)
    url = make_url(app.state.db.url)
    if url.get_backend_name() == "sqlite":
        app.state["bench_sqlite_path"] = url.database
        app.register(raw_rows)
    app.register(hello)
    app.register(precomputed)
    app.on_shutdown.append(_close)
    return app


def create_bench_app_without_pipeline() -> Litestar:
    """The bench app with the request pipeline taken out (Litestar's own handler answers):
    what the product's routes cost without the layer every request crosses."""
    app = create_bench_app()
    pipeline: Any = app.asgi_handler
    app.asgi_handler = pipeline.app
    return app
