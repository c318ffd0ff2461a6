"""Searching from the command line and the Python client (sync and async), against a real
server on a seeded database: `--q`, `--location`, `q=`, `location=`, with `as_of`."""

from __future__ import annotations

import json

import pytest
from timeline_client import AsyncClient, Client

from tests.clients import conftest as client_fixtures
from timeline.cli import main

SLUG = "ahc-cybercrime"

module_seeded_url = client_fixtures.module_seeded_url
shared_server = client_fixtures.shared_server


def test_the_timeline_command_searches_words_and_location(
    shared_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    code = main(["timeline", SLUG, "--server", shared_server, "--q", "hanoi", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    found = json.loads(out)
    assert found and all("hanoi" in json.dumps(e).casefold() for e in found)
    with Client(shared_server) as api:
        everything = list(api.timeline(SLUG))
        assert [e.id for e in api.timeline(SLUG, q="hanoi")] == [e["id"] for e in found]
        vienna = list(api.timeline(SLUG, location="vienna"))
        assert not list(api.timeline(SLUG, q="hanoi", as_of="2022-01-01"))
    assert 0 < len(vienna) < len(everything)
    assert all("vienna" in (e.raw["location"] or "").casefold() for e in vienna)
    code = main(["timeline", SLUG, "--server", shared_server, "--location", "Vienna"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "matching “Vienna”" in out and "Second session" in out
    assert "New York" not in out


async def test_the_async_client_searches_with_as_of(shared_server: str) -> None:
    async with AsyncClient(shared_server) as api:
        now = [e.id async for e in api.timeline(SLUG, q="hanoi")]
        before = [e.id async for e in api.timeline(SLUG, q="hanoi", as_of="2022-01-01")]
        limited = [e.id async for e in api.timeline(SLUG, location="Vienna", limit=2)]
        whole = [e.id async for e in api.timeline(SLUG, location="Vienna")]
    assert now and before == []
    assert limited == whole and len(whole) > 2


def test_a_blank_search_is_refused_in_one_line(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["timeline", SLUG, "--server", shared_server, "--q", "?!"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "q" in err and len(err.strip().splitlines()) == 1
