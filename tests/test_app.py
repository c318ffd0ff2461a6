"""The application's start: what a worker does once before its first request."""

from __future__ import annotations

import gc

from timeline.app import create_app
from timeline.settings import Settings


async def test_start_warms_the_database_and_freezes_the_startup_heap(settings: Settings) -> None:
    gc.unfreeze()
    app = create_app(settings)
    try:
        async with app.lifespan():
            # the first connection is open, and the app's own objects sit out of full passes
            assert app.state.db.read_engine.pool.checkedin() == 1
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
