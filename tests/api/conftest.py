"""Fixtures for API tests: a process to write into, the demo data loaded, a helper to record
events, and one to check a problem answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests._writes import new_process
from tests._writes import record as record  # where the API tests have always found it
from timeline.seed import load_seed
from timeline.store.db import Database

AHC = "ahc-cybercrime"


@pytest.fixture
async def process(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> str:
    """The slug of a freshly created process."""
    await new_process(
        app_client, admin_headers, "plastics", "Plastics treaty", timezone="Europe/Paris"
    )
    return "plastics"


@pytest.fixture
async def seeded(database_url: str) -> str:
    """The demo data set loaded into the test database (all its history recorded just now);
    the slug of its process."""
    db = Database(database_url)
    await load_seed(db, AHC)
    await db.dispose()
    return AHC


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Fail the test unless `response` is a problem+json answer with `status`; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    return problem
