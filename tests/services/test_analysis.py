"""The analysis service: loads through the store, caches answers by what is known on their day,
keeps the inputs up to date by reading only new revisions, and never serves a stale answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from tests._statements import statements_sent
from tests.store._random_log import AS_OF, random_log, random_log_settings, replayed
from timeline.domain.eif import assess_entry_into_force as eif_model
from timeline.domain.risk import assess_deadlines
from timeline.seed import load_seed
from timeline.services import events as event_store
from timeline.services.analysis import (
    INPUTS_CACHE_SIZE,
    RiskReport,
    _inputs_caches,
    analysis_version,
    assess_entry_into_force,
    assess_risks,
)
from timeline.store.db import Database
from timeline.store.items import update_item
from timeline.store.processes import get_process

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def test_results_are_cached_until_the_log_changes(db: Database) -> None:
    await _check_cache(db)


async def _check_cache(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    day = dt.date(2023, 6, 30)
    first = await assess_risks(db, "ahc-cybercrime", day)
    assert await assess_risks(db, "ahc-cybercrime", day) is first  # served from the cache
    eif = await assess_entry_into_force(db, "ahc-cybercrime", day)
    assert await assess_entry_into_force(db, "ahc-cybercrime", day) is eif
    async with db.write() as session:
        process = await get_process(session, "ahc-cybercrime")
        await update_item(
            session, process, "copyright", {"status": "agreed"}, expected_version=None,
            known_on=dt.date(2023, 6, 1), actor="t", now=NOW,
        )  # fmt: skip
    again = await assess_risks(db, "ahc-cybercrime", day)
    assert again is not first
    assert again.log_version != first.log_version
    assert again.deadlines[0].open_items == first.deadlines[0].open_items - 1
    assert again.to_json()["deadlines"][0]["open_items"] == 21


async def test_the_bytes_sent_are_the_answer_as_plain_json(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    statuses: set[str] = set()
    nones: set[str] = set()
    for day in (
        dt.date(2022, 3, 1),
        dt.date(2023, 6, 30),
        dt.date(2024, 1, 10),
        dt.date(2025, 1, 1),
    ):
        report = await assess_risks(db, "ahc-cybercrime", day)
        body = report.to_json()
        assert report.to_json_bytes() == msgspec.json.encode(body)
        assert msgspec.json.decode(report.to_json_bytes()) == body
        statuses |= {d["status"] for d in body["deadlines"]}
        nones |= {key for d in body["deadlines"] for key, value in d.items() if value is None}
        eif = await assess_entry_into_force(db, "ahc-cybercrime", day)
        assert eif.to_json_bytes() == msgspec.json.encode(eif.to_json())
    assert {"off_track", "missed"} <= statuses and nones  # undecided, decided, empty fields
    first = body["deadlines"][0]
    assert isinstance(first["event"]["start"], str) and isinstance(first["reasons"], list)


# Answers are keyed by what is known on their day ---------------------------------------------


async def _patch_event_known_on(db: Database, known_on: dt.date) -> None:
    async with db.write() as session:
        process = await get_process(session, "ahc-cybercrime")
        [state] = [
            s
            for s in await event_store.event_states(session, [process], event_store.EventFilter())
            if s.kind == "session" and s.status == "held"
        ][:1]
        await event_store.update_event(
            session, process, state.id, {"status": "cancelled"},
            expected_version=None, known_on=known_on, actor="t", now=NOW,
        )  # fmt: skip


async def test_a_change_made_public_after_the_day_keeps_the_answer(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    day = dt.date(2023, 6, 30)
    first = await assess_risks(db, "ahc-cybercrime", day)
    eif = await assess_entry_into_force(db, "ahc-cybercrime", day)
    await _patch_event_known_on(db, dt.date(2023, 7, 3))
    again = await assess_risks(db, "ahc-cybercrime", day)
    assert again.deadlines is first.deadlines  # the answer cached for the day
    assert again.log_version != first.log_version  # labelled with the log it is served from
    assert again.log_version == await analysis_version(db, "ahc-cybercrime")
    eif_again = await assess_entry_into_force(db, "ahc-cybercrime", day)
    assert eif_again.report is eif.report
    later = await assess_risks(db, "ahc-cybercrime", dt.date(2023, 7, 3))
    assert later.to_json() == (await _from_scratch(db, "ahc-cybercrime", later.as_of))[0]


async def test_a_change_known_on_the_day_is_never_served_stale(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    day = dt.date(2023, 6, 30)
    first = await assess_risks(db, "ahc-cybercrime", day)
    await _patch_event_known_on(db, day)
    again = await assess_risks(db, "ahc-cybercrime", day)
    assert again.to_json() != first.to_json()  # a held session cancelled: less capacity
    assert again.to_json() == (await _from_scratch(db, "ahc-cybercrime", day))[0]


async def _from_scratch(db: Database, slug: str, day: dt.date) -> tuple[Any, Any]:
    """The risk and entry-into-force bodies computed from the store's general replays and the
    models, without any of the service's caches."""
    events, items, changes = await replayed(db, slug, day)
    risks = RiskReport(slug, day, tuple(assess_deadlines(events, items, day, changes)))
    return risks.to_json(), eif_model(events, day).to_json()


@random_log_settings(max_examples=20)
@given(data=st.data())
async def test_answers_always_equal_a_computation_from_scratch(
    database_url: str, data: st.DataObject
) -> None:
    async with random_log(database_url, data) as log:
        db, slug = log.db, log.slug
        for _ in range(data.draw(st.integers(1, 12), label="steps")):
            await log.change()
            for day in data.draw(st.lists(st.sampled_from(AS_OF), unique=True), label="days"):
                risks, eif = await _from_scratch(db, slug, day)
                report = await assess_risks(db, slug, day)
                assert report.to_json() == risks
                assert report.to_json_bytes() == msgspec.json.encode(risks)
                projection = await assess_entry_into_force(db, slug, day)
                assert projection.to_json() == eif
                assert projection.to_json_bytes() == msgspec.json.encode(eif)


async def test_after_one_change_an_assessment_reads_the_stamps_and_the_new_revision(
    db: Database,
) -> None:
    await load_seed(db, "ahc-cybercrime")
    day = dt.date(2023, 6, 30)
    await assess_risks(db, "ahc-cybercrime", day)
    with statements_sent(selects_only=True) as sent:
        await assess_risks(db, "ahc-cybercrime", day)
    assert len(sent) == 1  # cached: the stamps alone
    await _patch_event_known_on(db, day)
    with statements_sent(selects_only=True) as sent:
        report = await assess_risks(db, "ahc-cybercrime", day)
        eif = await assess_entry_into_force(db, "ahc-cybercrime", day)
    # risks: the stamps and one range read of the event log (items did not move);
    # entry into force: the stamps, then the same inputs, already up to date
    assert len(sent) == 3, sent
    assert "event_revisions.id >" in sent[1].text and "item_revisions" not in sent[1].text
    expected = await _from_scratch(db, "ahc-cybercrime", day)
    assert (report.to_json(), eif.to_json()) == expected


async def test_inputs_are_kept_for_a_bounded_number_of_days(db: Database) -> None:
    await load_seed(db, "ahc-cybercrime")
    first = dt.date(2023, 1, 2)
    for offset in range(INPUTS_CACHE_SIZE + 3):
        await assess_entry_into_force(db, "ahc-cybercrime", first + dt.timedelta(days=offset))
    kept = _inputs_caches[db]
    assert len(kept) == INPUTS_CACHE_SIZE
    assert min(day for _, day in kept) == first + dt.timedelta(days=3)  # oldest out first
