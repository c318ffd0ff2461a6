"""Bundles carry position records (proposals, stances, axes, placements, rolls) with every
revision: byte-identical round trips, older bundles without them, bad records named, and a
stored history brought forward or refused."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from sqlmodel import func, select

from timeline.clock import utcnow
from timeline.domain.errors import Conflict, InvalidFields
from timeline.seed import load_seed, seed_event_id
from timeline.services import positions as position_service
from timeline.services import votes as vote_service
from timeline.services.bundle import dump_bundle, export_bundle, import_bundle, parse_bundle
from timeline.services.bundle_apply import apply_checked_bundle
from timeline.store import migrate
from timeline.store.db import Database
from timeline.store.position_tables import PositionRecord, PositionRevision

SLUG = "ahc-cybercrime"


async def _export(db: Database) -> str:
    async with db.read() as session:
        return dump_bundle(await export_bundle(session))


async def _empty_again(db: Database) -> None:
    await db.dispose()
    await migrate.downgrade(db.url, "base")
    await migrate.upgrade(db.url)


async def _grow(db: Database) -> None:
    """A second revision of one stance and a recorded roll: histories longer than the seed's."""
    now = utcnow()
    await position_service.put_stance(
        db,
        SLUG,
        "remove-article-57",
        "SGP",
        {"stance": "undecided", "sources": [], "note": "a later revision"},
        expected_version=1,
        known_on=dt.date(2023, 9, 1),
        actor="editor",
        now=now,
    )
    roll = [{"party": "FRA", "vote": "yes"}, {"party": "RUS", "vote": "no"}]
    await vote_service.put_roll(
        db,
        SLUG,
        seed_event_id(SLUG, "decision-rule"),
        roll,
        [],
        expected_version=None,
        known_on=dt.date(2023, 9, 1),
        actor="editor",
        now=now,
    )


async def test_positions_with_every_revision_round_trip_byte_identical(
    database_url: str,
) -> None:
    db = Database(database_url)
    await load_seed(db, SLUG)
    await _grow(db)
    first = await _export(db)
    exported = json.loads(first)["processes"][0]["positions"]
    async with db.read() as session:
        stored = (await session.exec(select(func.count()).select_from(PositionRevision))).one()
    assert sum(len(r["revisions"]) for r in exported) == stored
    assert {r["kind"] for r in exported} == {"axis", "placement", "proposal", "stance", "roll"}
    await _empty_again(db)
    async with db.write() as session:
        counts = await import_bundle(session, parse_bundle(json.loads(first)))
    assert counts["positions"] == len(exported)
    assert await _export(db) == first
    # What the services read comes back too: the stance's replay and its history.
    before = await position_service.read_stance(db, SLUG, "remove-article-57", "SGP", None)
    assert before.document["stance"] == "undecided" and before.version == 2
    assert before.since == dt.date(2023, 9, 1)
    await db.dispose()


async def test_a_bundle_without_positions_still_imports(database_url: str) -> None:
    db = Database(database_url)
    await load_seed(db, SLUG)
    bundle = json.loads(await _export(db))
    del bundle["processes"][0]["positions"]  # as exported before positions existed
    await _empty_again(db)
    async with db.write() as session:
        counts = await import_bundle(session, parse_bundle(bundle))
    assert counts["positions"] == 0 and counts["events"] > 30
    async with db.read() as session:
        assert (await session.exec(select(func.count()).select_from(PositionRecord))).one() == 0
    assert "positions" not in json.loads(await _export(db))["processes"][0]
    await db.dispose()


def _index(bundle: dict[str, Any], kind: str) -> int:
    positions = bundle["processes"][0]["positions"]
    return next(i for i, r in enumerate(positions) if r["kind"] == kind)


@pytest.mark.parametrize(
    ("kind", "field", "value", "named"),
    [
        ("stance", "version", 5, "version"),
        ("stance", "kind", "opinion", "kind"),
        ("stance", "parent", "no-such-proposal", "parent"),
        ("placement", "known_on", "1999-01-01", "known_on"),
    ],
)
async def test_a_bad_position_record_is_refused_naming_it(
    database_url: str, kind: str, field: str, value: Any, named: str
) -> None:
    db = Database(database_url)
    await load_seed(db, SLUG)
    bundle = json.loads(await _export(db))
    index = _index(bundle, kind)
    bundle["processes"][0]["positions"][index][field] = value
    with pytest.raises(InvalidFields) as caught:
        parse_bundle(bundle)
    assert f"processes[0].positions[{index}].{named}" in [e.field for e in caught.value.errors]
    await db.dispose()


async def test_applying_brings_stored_positions_forward_or_refuses_a_diverged_one(
    database_url: str,
) -> None:
    db = Database(database_url)
    await load_seed(db, SLUG)
    earlier = json.loads(await _export(db))
    await _grow(db)
    later_text = await _export(db)
    later = json.loads(later_text)
    await _empty_again(db)
    async with db.write() as session:
        await import_bundle(session, parse_bundle(earlier))
    diverged = copy.deepcopy(later)
    stance = next(
        r for r in diverged["processes"][0]["positions"] if r["key"] == "remove-article-57/SGP"
    )
    stance["revisions"][0]["snapshot"]["note"] = "rewritten history"
    with pytest.raises(Conflict):
        async with db.write() as session:
            await apply_checked_bundle(session, parse_bundle(diverged))
    async with db.write() as session:
        report = await apply_checked_bundle(session, parse_bundle(later))
    assert report.updated == 1
    assert await _export(db) == later_text
    async with db.write() as session:
        again = await apply_checked_bundle(session, parse_bundle(later))
    assert again.unchanged == 1
    await db.dispose()
