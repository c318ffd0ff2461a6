"""Fixtures of the data-set tests: the demo loaded into the test database."""

from __future__ import annotations

import httpx
import pytest

from timeline.seed import load_seed
from timeline.settings import Settings
from timeline.store.db import Database

DEMO = "ahc-cybercrime"


@pytest.fixture
async def seeded(settings: Settings, app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app's client, over a database holding the demo data set."""
    db = Database(settings.database_url)
    assert await load_seed(db, DEMO) is not None
    await db.dispose()
    return app_client
