"""What the tests of the client-side commands share: the seeded server of tests/clients (one a
module, seeding is the slow part), and a terminal wide enough that table cells are not wrapped
mid-phrase."""

from __future__ import annotations

import pytest

from tests.clients import conftest as client_fixtures

module_seeded_url = client_fixtures.module_seeded_url
shared_server = client_fixtures.shared_server


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, so cells are not wrapped mid-phrase."""
    monkeypatch.setenv("COLUMNS", "220")
