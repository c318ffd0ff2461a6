"""Export and import of bundles: byte-identical round trips, and bad bundles refused whole."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlmodel import func, select

from timeline.domain.errors import InvalidFields
from timeline.seed import load_seed
from timeline.services.bundle import dump_bundle, export_bundle, import_bundle, parse_bundle
from timeline.store import migrate
from timeline.store.db import Database
from timeline.store.tables import Event, EventRevision, Process


async def _export(db: Database, slug: str | None = None) -> str:
    async with db.read() as session:
        return dump_bundle(await export_bundle(session, slug))


async def _empty_again(db: Database) -> None:
    await db.dispose()
    await migrate.downgrade(db.url, "base")
    await migrate.upgrade(db.url)


async def test_export_import_export_is_byte_identical(database_url: str) -> None:
    db = Database(database_url)
    await load_seed(db, "ahc-cybercrime")
    first = await _export(db)
    await _empty_again(db)
    async with db.write() as session:
        counts = await import_bundle(session, parse_bundle(json.loads(first)))
    assert counts["processes"] == 1 and counts["events"] > 30
    assert await _export(db) == first
    await db.dispose()


async def test_exported_bundle_has_every_revision(database_url: str) -> None:
    db = Database(database_url)
    await load_seed(db, "ahc-cybercrime")
    bundle = json.loads(await _export(db, "ahc-cybercrime"))
    async with db.read() as session:
        stored = (await session.exec(select(func.count()).select_from(EventRevision))).one()
    exported = sum(len(e["revisions"]) for e in bundle["processes"][0]["events"])
    assert exported == stored
    await db.dispose()


def _break(bundle: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(bundle)
    target = broken
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return broken


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            ["processes", 0, "events", 3, "revisions", 0, "snapshot", "date"],
            "someday",
            "processes[0].events[3].revisions[0].snapshot.date",
        ),
        (
            ["processes", 0, "events", 2, "revisions", 0, "version"],
            7,
            "processes[0].events[2].revisions[0].version",
        ),
        (["processes", 0, "slug"], "Not A Slug", "processes[0].slug"),
        (["format"], "something-else", "format"),
    ],
)
async def test_a_bad_bundle_is_refused_naming_the_record_and_imports_nothing(
    database_url: str, path: list[Any], value: Any, field: str
) -> None:
    db = Database(database_url)
    await load_seed(db, "ahc-cybercrime")
    bundle = json.loads(await _export(db))
    await _empty_again(db)
    with pytest.raises(InvalidFields) as caught:
        parse_bundle(_break(bundle, path, value))
    assert field in [e.field for e in caught.value.errors]
    async with db.read() as session:
        assert (await session.exec(select(func.count()).select_from(Process))).one() == 0
    await db.dispose()


async def test_importing_over_existing_data_is_refused_and_changes_nothing(
    database_url: str,
) -> None:
    db = Database(database_url)
    await load_seed(db, "ahc-cybercrime")
    bundle = parse_bundle(json.loads(await _export(db)))
    async with db.read() as session:
        before = (await session.exec(select(func.count()).select_from(Event))).one()
    with pytest.raises(InvalidFields) as caught:
        async with db.write() as session:
            await import_bundle(session, bundle)
    assert caught.value.errors[0].field == "processes[0].slug"
    async with db.read() as session:
        assert (await session.exec(select(func.count()).select_from(Event))).one() == before
    await db.dispose()


async def test_dangling_dependency_in_a_bundle_is_refused(database_url: str) -> None:
    db = Database(database_url)
    await load_seed(db, "ahc-cybercrime")
    bundle = json.loads(await _export(db))
    events = bundle["processes"][0]["events"]
    index = next(
        i for i, e in enumerate(events) if e["revisions"][-1]["snapshot"]["kind"] == "deadline"
    )
    last = len(events[index]["revisions"]) - 1
    events[index]["revisions"][last]["snapshot"]["depends_on"] = [
        {"event": "nowhere", "lag_days": 0}
    ]
    with pytest.raises(InvalidFields) as caught:
        parse_bundle(bundle)
    assert caught.value.errors[0].field == (
        f"processes[0].events[{index}].revisions[{last}].snapshot.depends_on[0].event"
    )
    await db.dispose()
