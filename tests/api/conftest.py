"""Fixtures for API tests: a process to write into, a helper to record events, and one to
check a problem answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests._writes import new_process
from tests._writes import record as record  # where the API tests have always found it


@pytest.fixture
async def process(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> str:
    """The slug of a freshly created process."""
    await new_process(
        app_client, admin_headers, "plastics", "Plastics treaty", timezone="Europe/Paris"
    )
    return "plastics"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Fail the test unless `response` is a problem+json answer with `status`; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    return problem
