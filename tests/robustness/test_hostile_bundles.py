"""Hostile bundles (issue #19, finding 7): an import refuses, naming the record and field, any
history a reader could not replay; a bundle that imports renders every page, feed and analysis.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests._writes import new_process, record
from tests.robustness.reads import failing_reads
from timeline.domain.errors import InvalidFields
from timeline.services.bundle import dump_bundle, export_bundle, import_bundle, parse_bundle
from timeline.settings import Settings
from timeline.store.db import Database

Bundle = dict[str, Any]


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def exported(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], db: Database
) -> Bundle:
    """A process with a changed event and a changed item, exported, then the process renamed
    (slug and event ids) so that the bundle imports beside the original."""
    await new_process(app_client, admin_headers, "src", "Source")
    event = await record(
        app_client,
        admin_headers,
        "src",
        title='Talks <b>&amp;</b> "quotes"\tand\nlines ✓ 𝄞',
        date="2024-05-01/2024-05-03",
        known_on="2024-01-10",
        summary="]]> --> <script>alert(1)</script>",
    )
    patched = await app_client.patch(
        event["links"]["self"],
        json={"status": "held", "date": "2024-05-02", "known_on": "2024-02-01"},
        headers={**admin_headers, "If-Match": "*"},
    )
    assert patched.status_code == 200, patched.text
    item = await app_client.post(
        "/api/v1/processes/src/items",
        json={"key": "art-1", "title": "Article 1", "known_on": "2024-01-10"},
        headers=admin_headers,
    )
    assert item.status_code == 201, item.text
    changed = await app_client.patch(
        "/api/v1/processes/src/items/art-1",
        json={"status": "agreed", "known_on": "2024-03-01"},
        headers={**admin_headers, "If-Match": "*"},
    )
    assert changed.status_code == 200, changed.text
    async with db.read() as session:
        bundle: Bundle = await export_bundle(session, "src")
    process = bundle["processes"][0]
    process["slug"] = "imported"
    for event in process["events"]:
        event["id"] = "imp-" + event["id"]
    return bundle


async def _import(db: Database, raw: Bundle) -> dict[str, int]:
    parsed = parse_bundle(raw)
    async with db.write() as session:
        return await import_bundle(session, parsed)


async def _refused(db: Database, raw: Bundle) -> dict[str, str]:
    async with db.read() as session:
        before = dump_bundle(await export_bundle(session))
    with pytest.raises(InvalidFields) as caught:
        await _import(db, raw)
    async with db.read() as session:
        assert dump_bundle(await export_bundle(session)) == before  # nothing written
    return {e.field: e.message for e in caught.value.errors}


async def test_a_valid_bundle_imports_and_renders_every_read(
    app_client: httpx.AsyncClient, db: Database, exported: Bundle
) -> None:
    counts = await _import(db, exported)
    assert counts == {"processes": 1, "events": 1, "revisions": 2, "items": 1, "positions": 0}
    event_id = exported["processes"][0]["events"][0]["id"]
    assert await failing_reads(app_client, "imported", event_id) == []
    assert await failing_reads(app_client, "src") == []


EVENT_REVISION = ("processes", 0, "events", 0, "revisions", 1)
ITEM_REVISION = ("processes", 0, "items", 0, "revisions", 1)


def _at(bundle: Bundle, path: tuple[Any, ...]) -> Any:
    node: Any = bundle
    for part in path:
        node = node[part]
    return node


Mutation = Callable[[Bundle], None]

CASES: list[tuple[str, Mutation, str]] = [
    (
        "fields not pairs",
        lambda b: _at(b, EVENT_REVISION)["fields"].update({"date": "2024-05-02"}),
        "processes[0].events[0].revisions[1].fields.date",
    ),
    (
        "fields of three",
        lambda b: _at(b, EVENT_REVISION)["fields"].update({"location": [None, "a", "b"]}),
        "processes[0].events[0].revisions[1].fields.location",
    ),
    (
        "fields naming no field",
        lambda b: _at(b, EVENT_REVISION)["fields"].update({"evil": [1, 2]}),
        "processes[0].events[0].revisions[1].fields.evil",
    ),
    (
        "fields with a value of the wrong type",
        lambda b: _at(b, EVENT_REVISION)["fields"].update({"tags": [[], {"a": 1}]}),
        "processes[0].events[0].revisions[1].fields.tags[1]",
    ),
    (
        "an item snapshot with a bogus status",
        lambda b: _at(b, ITEM_REVISION)["snapshot"].update({"status": "bogus"}),
        "processes[0].items[0].revisions[1].snapshot.status",
    ),
    (
        "an item snapshot with an unknown field",
        lambda b: _at(b, ITEM_REVISION)["snapshot"].update({"evil": [1, 2]}),
        "processes[0].items[0].revisions[1].snapshot.evil",
    ),
    (
        "an item snapshot of another item",
        lambda b: _at(b, ITEM_REVISION)["snapshot"].update({"key": "art-2"}),
        "processes[0].items[0].revisions[1].snapshot.key",
    ),
    (
        "an unknown item status",
        lambda b: _at(b, ("processes", 0, "items", 0)).update({"status": "bogus"}),
        "processes[0].items[0].status",
    ),
    (
        "an item field change to an unknown status",
        lambda b: _at(b, ITEM_REVISION)["fields"].update({"status": ["open", "bogus"]}),
        "processes[0].items[0].revisions[1].fields.status",
    ),
    (
        "an event known in the future",
        lambda b: _at(b, EVENT_REVISION).update({"known_on": "2999-01-01"}),
        "processes[0].events[0].revisions[1].known_on",
    ),
    (
        "an item known in the future",
        lambda b: _at(b, ITEM_REVISION).update({"known_on": "2999-01-01"}),
        "processes[0].items[0].revisions[1].known_on",
    ),
    (
        "a revision known before the first",
        lambda b: _at(b, EVENT_REVISION).update({"known_on": "2023-01-01"}),
        "processes[0].events[0].revisions[1].known_on",
    ),
    (
        "a date outside the supported years",
        lambda b: _at(b, EVENT_REVISION)["snapshot"].update({"date": "9999-12"}),
        "processes[0].events[0].revisions[1].snapshot.date",
    ),
    (
        "a NUL in a title",
        lambda b: _at(b, EVENT_REVISION)["snapshot"].update({"title": "a\x00b"}),
        "processes[0].events[0].revisions[1].snapshot.title",
    ),
    (
        "a control character in an actor",
        lambda b: _at(b, EVENT_REVISION).update({"actor": "ad\x1bmin"}),
        "processes[0].events[0].revisions[1].actor",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "field"), CASES, ids=[c[0] for c in CASES])
async def test_a_history_no_reader_could_replay_is_refused_naming_the_record(
    db: Database, exported: Bundle, name: str, mutate: Mutation, field: str
) -> None:
    bundle = copy.deepcopy(exported)
    mutate(bundle)
    errors = await _refused(db, bundle)
    assert field in errors, errors


async def test_one_event_id_in_two_processes_is_refused_naming_both(
    db: Database, exported: Bundle
) -> None:
    twin = copy.deepcopy(exported["processes"][0])
    twin["slug"] = "twin"
    twin["items"] = []
    bundle = {**exported, "processes": [exported["processes"][0], twin]}
    errors = await _refused(db, bundle)
    assert "processes[1].events[0].id" in errors, errors
    assert "processes[0].events[0].id" in errors["processes[1].events[0].id"]
