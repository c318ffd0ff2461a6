"""Hostile input, round two (issue #19): one stored value must never break a page for anyone.

Each test is one finding of the issue, run against the real app on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.conftest import PG_URL
from tests.robustness.reads import failing_reads
from timeline.domain.dates import parse_date
from timeline.services.events import kept_calendar_entry
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.event_rows import new_event_id
from timeline.store.event_writes import insert_event
from timeline.store.processes import get_process

EVENTS = "/api/v1/processes/hostile/events"


@pytest.fixture
async def process(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> str:
    r = await app_client.post(
        "/api/v1/processes", json={"slug": "hostile", "title": "Hostile"}, headers=admin_headers
    )
    assert r.status_code == 201, r.text
    other = await app_client.post(
        "/api/v1/processes", json={"slug": "other", "title": "Other"}, headers=admin_headers
    )
    assert other.status_code == 201, other.text
    return "hostile"


async def _post(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> httpx.Response:
    body = {"kind": "note", "title": "p", "date": "2024-05-01", **fields}
    return await client.post(EVENTS, json=body, headers=headers)


async def _created(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> str:
    """The URL of an event created by `_post`; fails unless the create succeeds."""
    created = await _post(client, headers, **fields)
    assert created.status_code == 201, created.text
    url: str = created.json()["links"]["self"]
    return url


async def _patch_any(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **changes: Any
) -> httpx.Response:
    """PATCH `url` with `changes`, whatever its version (If-Match: *)."""
    return await client.patch(url, json=changes, headers={**headers, "If-Match": "*"})


def _fields(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return [e["field"] for e in response.json().get("errors") or []]


# --- 1. dates -------------------------------------------------------------------------------

EDGE_DATES = [
    "0001-01-01T00:00+01:00",
    "9999",
    "9999-12",
    "9999-12~",
    "9999-23",
    "9999-24",
    "9999-12-30T12:00+00:00",
    "0001",
    "0999-12-31",
    "3000-01-01",
]


@pytest.mark.parametrize("date", EDGE_DATES)
async def test_a_date_outside_the_supported_range_is_a_422_naming_date(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, date: str
) -> None:
    r = await _post(app_client, admin_headers, date=date)
    assert r.status_code == 422, r.text
    assert _fields(r) == ["date"]
    if date != "9999-24":  # winter 9999 ends in year 10000: no calendar has it to name
        assert "1000 to 2999" in r.json()["detail"]


@pytest.mark.parametrize("date", ["1000-01-01", "1000", "2999-23", "2999-12-31T23:59+00:00"])
async def test_dates_at_the_edges_of_the_supported_range_break_no_read(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, date: str
) -> None:
    r = await _post(app_client, admin_headers, date=date)
    assert r.status_code == 201, r.text
    assert await failing_reads(app_client, process, r.json()["id"]) == []
    assert await failing_reads(app_client, "other") == []


# --- 2. text --------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x0b", "\x0c"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a{}b"),
        ("summary", "a{}b"),
        ("location", "a{}b"),
        ("tags", ["a{}b"]),
        ("sources", [{"url": "https://example.org/", "title": "a{}b"}]),
    ],
)
async def test_control_characters_in_any_text_field_are_a_422_naming_it(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    process: str,
    char: str,
    field: str,
    value: Any,
) -> None:
    import json

    bad = json.loads(json.dumps(value).replace("{}", json.dumps(char)[1:-1]))
    r = await _post(app_client, admin_headers, **{field: bad})
    assert r.status_code == 422, r.text
    assert any(name.split(".")[0] == field for name in _fields(r)), r.text
    listed = await app_client.get(f"/api/v1/processes/{process}/timeline")
    assert listed.json()["items"] == []


async def test_control_characters_in_attributes_and_patches_are_refused(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    r = await _post(app_client, admin_headers, kind="document", attributes={"symbol": "A\x00"})
    assert r.status_code == 422 and _fields(r) == ["attributes"], r.text
    created = await _post(app_client, admin_headers, title="tab\tand\nnewline are fine")
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "tab\tand\nnewline are fine"
    url = created.json()["links"]["self"]
    r = await _patch_any(app_client, admin_headers, url, title="x\x1by")
    assert r.status_code == 422 and _fields(r) == ["title"], r.text
    r = await app_client.post(
        "/api/v1/processes", json={"slug": "p2", "title": "a\x00"}, headers=admin_headers
    )
    assert r.status_code == 422 and _fields(r) == ["title"], r.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/processes/%00",
        "/api/v1/processes/a%01b/timeline",
        "/api/v1/processes/hostile/events/%00",
        "/processes/%00",
        "/static/timeline.js%00.css",
        "/static/x%00",
    ],
)
async def test_control_characters_in_a_path_are_a_404(
    app_client: httpx.AsyncClient, process: str, path: str
) -> None:
    r = await app_client.get(path)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("name", ["tag", "process", "kind"])
async def test_control_characters_in_a_query_value_are_a_4xx(
    app_client: httpx.AsyncClient, process: str, name: str
) -> None:
    for path in ("/api/v1/processes/hostile/timeline", "/api/v1/upcoming", "/api/v1/calendar.ics"):
        r = await app_client.get(path, params={name: "a\x00b"})
        assert r.status_code in (404, 422), (path, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"


# --- 3. deep JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"kind":"note","title":"p","date":"2024","attributes":{"x":'
        + "[" * 500
        + "]" * 500
        + "}}",
    ],
)
async def test_deeply_nested_json_is_a_4xx(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, body: str
) -> None:
    headers = {**admin_headers, "Content-Type": "application/json"}
    r = await app_client.post(EVENTS, content=body, headers=headers)
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"] == "application/problem+json"


async def test_large_attributes_are_a_422(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    r = await _post(app_client, admin_headers, kind="document", attributes={"symbol": "x" * 20_000})
    assert r.status_code == 422 and _fields(r) == ["attributes"], r.text


# --- 4. If-Match ----------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["²", "1" * 5000, "١", "-1", "+1", " 1"])
async def test_a_malformed_if_match_version_is_a_412(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, version: str
) -> None:
    created = await _post(app_client, admin_headers)
    event_id = created.json()["id"]
    headers = {**admin_headers, "If-Match": f'"event.{event_id}.{version}"'.encode()}
    r = await app_client.patch(
        created.json()["links"]["self"], json={"title": "q"}, headers=headers
    )
    assert r.status_code == 412, r.text
    stored = await app_client.get(created.json()["links"]["self"])
    assert stored.json()["title"] == "p"


# --- 8. Markdown digest ---------------------------------------------------------------------


async def test_a_title_cannot_add_lines_or_markup_to_the_markdown_digest(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    evil = "Real\n## Deadlines\n- fake *line* [x](http://evil)"
    r = await _post(app_client, admin_headers, title=evil, date="2024-05-01", known_on="2024-04-01")
    assert r.status_code == 201, r.text
    digest = await app_client.get(
        "/api/v1/digest", params={"format": "md", "as_of": "2024-04-28", "days": 30}
    )
    assert digest.status_code == 200
    lines = digest.text.splitlines()
    assert "Real" in digest.text
    assert sum(line.startswith("## Deadlines") for line in lines) == 1, digest.text
    assert not any(line.startswith("- fake") for line in lines), digest.text
    assert "\\*line\\*" in digest.text and "\\[x\\]" in digest.text


# --- 9, 10. status null, known_on -----------------------------------------------------------


async def test_a_null_status_is_refused_like_items_do(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    url = await _created(app_client, admin_headers, status="held")
    r = await _patch_any(app_client, admin_headers, url, status=None)
    assert r.status_code == 422 and _fields(r) == ["status"], r.text
    assert (await app_client.get(url)).json()["status"] == "held"


async def test_a_revision_cannot_be_known_before_the_event_was(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    url = await _created(app_client, admin_headers, known_on="2024-03-01")
    r = await _patch_any(app_client, admin_headers, url, title="earlier", known_on="2024-02-01")
    assert r.status_code == 422 and _fields(r) == ["known_on"], r.text
    before = await app_client.get(url, params={"as_of": "2024-02-15"})
    assert before.status_code == 404
    same_day = await _patch_any(
        app_client, admin_headers, url, title="same day", known_on="2024-03-01"
    )
    assert same_day.status_code == 200, same_day.text


# --- 1, 2. data stored before the rules -----------------------------------------------------

LEGACY_DATES = ["9999", "9999-12", "9999-12~", "9999-23", "9999-12-30T12:00+00:00", "0001"]


@pytest.mark.parametrize("date", [*LEGACY_DATES, "0001-01-01T00:00+01:00"])
async def test_a_date_stored_before_the_rule_breaks_no_read(
    app_client: httpx.AsyncClient, settings: Settings, process: str, date: str
) -> None:
    event_id = await _store_directly(settings, {"date": date})
    assert await failing_reads(app_client, "other") == []
    assert await failing_reads(app_client, process, event_id) == []


@pytest.mark.skipif(PG_URL is not None, reason="PostgreSQL never stored a NUL")
async def test_control_characters_stored_before_the_rule_are_left_out_of_every_format(
    app_client: httpx.AsyncClient, settings: Settings, process: str
) -> None:
    evil = "a\x00b\x01c\x08d\x1be\x7ff"
    event_id = await _store_directly(
        settings, {"title": evil, "summary": evil, "location": evil, "date": "2024-05-01"}
    )
    assert await failing_reads(app_client, process, event_id) == []
    for path in (
        "/api/v1/calendar.ics",
        f"/api/v1/processes/{process}/events/{event_id}.ics",
        "/api/v1/changes.atom",
        "/api/v1/digest?format=html&as_of=2024-04-28&days=30",
        f"/processes/{process}/events/{event_id}",
        f"/processes/{process}",
    ):
        body = (await app_client.get(path)).text
        assert not any(c in body for c in "\x00\x01\x08\x1b\x7f"), path


async def _store_directly(settings: Settings, fields: dict[str, Any]) -> str:
    """An event written by the store alone, as a release before the rules could have."""
    document = {
        "kind": "note",
        "title": "legacy",
        "status": "planned",
        "location": None,
        "summary": None,
        "tags": [],
        "parent": None,
        "depends_on": [],
        "sources": [],
        "attributes": {},
        "date": "2024-05-01",
        **fields,
    }
    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            process = await get_process(session, "hostile")
            state = await insert_event(
                session,
                process,
                new_event_id(),
                document,
                parse_date(document["date"]),
                keep_entry=kept_calendar_entry,
                known_on=dt.date(2024, 1, 1),
                actor="admin",
                now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            )
    finally:
        await db.dispose()
    return state.id
