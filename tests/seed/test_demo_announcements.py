"""The demo's meetings become known on the day a source shows them announced, not when held."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests._reads import timeline_items
from timeline.domain.dates import parse_date
from timeline.seed import seed_event_id
from timeline.seed.dataset import read_raw

SLUG = "ahc-cybercrime"
MEETINGS = frozenset({"session", "informal", "consultation"})
# Meetings announced before they began, with the day a source shows it (see the file's notes).
ANNOUNCED = {
    "organizational-session": dt.date(2021, 1, 15),
    "organizational-matters": dt.date(2022, 2, 23),
    "session-1": dt.date(2022, 2, 24),
    "consultation-1": dt.date(2022, 3, 23),
    "consultation-2": dt.date(2022, 6, 10),
    "consultation-3": dt.date(2022, 10, 28),
    "consultation-4": dt.date(2023, 1, 16),
    "session-4": dt.date(2022, 3, 11),
}


def _meetings() -> list[dict[str, Any]]:
    return [
        event
        for event in read_raw(SLUG)["events"]
        if event["steps"][0]["document"]["kind"] in MEETINGS
    ]


def _announced_on(event: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(event["steps"][0]["known_on"])


def _first_day(event: dict[str, Any]) -> dt.date:
    return parse_date(event["steps"][0]["document"]["date"]).start


def test_only_meetings_the_notes_explain_are_known_after_they_began() -> None:
    late = {e["key"] for e in _meetings() if _announced_on(e) > _first_day(e)}
    informals = {e["key"] for e in _meetings() if e["steps"][0]["document"]["kind"] == "informal"}
    assert len(informals) == 6
    assert late == informals | {"consultation-5"}
    # Each exception is explained in the file's notes rather than left silent.
    about = " ".join(read_raw(SLUG)["about"])
    assert "informals are the only meetings known after they began" in about
    assert "the fifth intersessional consultation (20-21 June 2023" in about


def test_a_meeting_known_before_it_began_is_first_recorded_as_planned_with_a_source() -> None:
    early = [e for e in _meetings() if _announced_on(e) < _first_day(e)]
    assert {e["key"] for e in early} >= set(ANNOUNCED)
    for event in early:
        first = event["steps"][0]["document"]
        assert first["status"] == "planned", event["key"]
        assert first["sources"], event["key"]


def test_no_meeting_is_known_as_held_before_its_last_day() -> None:
    for event in _meetings():
        end = parse_date(event["steps"][0]["document"]["date"]).end
        status = None
        for step in event["steps"]:
            status = (step.get("document") or step["patch"]).get("status", status)
            if status == "held":
                assert dt.date.fromisoformat(step["known_on"]) >= end, event["key"]


def test_the_announcement_days_are_the_ones_the_sources_show() -> None:
    by_key = {e["key"]: e for e in _meetings()}
    assert {key: _announced_on(by_key[key]) for key in ANNOUNCED} == ANNOUNCED


async def _upcoming(client: httpx.AsyncClient, as_of: dt.date, days: int) -> list[str]:
    response = await client.get(
        "/api/v1/upcoming", params={"as_of": as_of.isoformat(), "days": days, "process": SLUG}
    )
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("key", sorted(ANNOUNCED))
async def test_upcoming_lists_a_meeting_from_its_announcement_and_not_the_day_before(
    seeded: httpx.AsyncClient, key: str
) -> None:
    event = next(e for e in _meetings() if e["key"] == key)
    announced, first_day = _announced_on(event), _first_day(event)
    ident = seed_event_id(SLUG, key)
    days = (first_day - announced).days
    assert ident in await _upcoming(seeded, announced, days)
    before = announced - dt.timedelta(days=1)
    assert ident not in await _upcoming(seeded, before, days + 1)
    replay = {e["id"]: e for e in await timeline_items(seeded, SLUG, as_of=before.isoformat())}
    assert ident not in replay
    then = {e["id"]: e for e in await timeline_items(seeded, SLUG, as_of=announced.isoformat())}
    assert then[ident]["status"] == "planned"


async def test_the_fourth_consultation_is_upcoming_when_the_fourth_session_opens(
    seeded: httpx.AsyncClient,
) -> None:
    listed = await _upcoming(seeded, dt.date(2023, 1, 20), 120)
    assert seed_event_id(SLUG, "consultation-4") in listed
    assert seed_event_id(SLUG, "session-5") in listed
    held = {e["id"]: e for e in await timeline_items(seeded, SLUG, as_of="2023-03-07")}
    assert held[seed_event_id(SLUG, "consultation-4")]["status"] == "held"
