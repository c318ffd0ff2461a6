"""A real uvicorn server on 127.0.0.1 for client tests: the app factory, a seeded database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from tests.conftest import ADMIN_TOKEN
from timeline.app import create_app
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["ADMIN_TOKEN", "free_port", "live_server", "seed"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def seed(database_url: str) -> None:
    """Load the AHC demo data set into the database."""
    from timeline.seed import load_seed

    db = Database(database_url)
    try:
        await load_seed(db, "ahc-cybercrime")
    finally:
        await db.dispose()


@contextmanager
def live_server(database_url: str, **overrides: int) -> Iterator[str]:
    """Serve the app on a free port in a thread; yields its base URL and stops it on exit.

    Links are built from the request's own origin (no TIMELINE_BASE_URL), so `next` URLs point
    back at this server. Rate limits are off unless a test asks for them.
    """
    options: dict[str, int] = {"write_rate_per_minute": 0, "read_rate_per_minute": 0}
    options.update(overrides)
    settings = Settings(database_url=database_url, admin_token=ADMIN_TOKEN, **options)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
