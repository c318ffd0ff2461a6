"""The demo data set: the Ad Hoc Committee as recorded, and as the June 2023 brief saw it."""

from __future__ import annotations

import httpx
import pytest

from tests._reads import timeline_items
from timeline.seed import load_seed, seed_event_id
from timeline.settings import Settings
from timeline.store.db import Database

SLUG = "ahc-cybercrime"


@pytest.fixture
async def seeded(settings: Settings, app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    db = Database(settings.database_url)
    assert await load_seed(db, SLUG) is not None
    assert await load_seed(db, SLUG) is None  # loading twice changes nothing
    await db.dispose()
    return app_client


async def test_every_session_has_its_venue_and_every_event_a_source(
    seeded: httpx.AsyncClient,
) -> None:
    events = await timeline_items(seeded, SLUG)
    sessions = {e["title"]: e for e in events if e["kind"] == "session"}
    assert sessions["Fifth session"]["date"] == "2023-04-11/2023-04-21"
    assert sessions["Fifth session"]["location"] == "Vienna"
    assert sessions["Sixth session"]["location"] == "New York"
    assert sessions["Concluding session"]["status"] == "suspended"
    assert sessions["Reconvened concluding session"]["date"] == "2024-07-29/2024-08-09"
    assert all(s["location"] for s in sessions.values())
    for event in events:
        assert event["sources"] and event["sources"][0]["url"].startswith("https://")
    assert len([e for e in events if e["kind"] == "consultation"]) == 5


async def test_fourth_session_informals_carry_their_topics_as_tags(
    seeded: httpx.AsyncClient,
) -> None:
    informals = await timeline_items(seeded, SLUG, kind="informal")
    fourth = seed_event_id(SLUG, "session-4")
    assert informals and all(i["parent"] == fourth for i in informals)
    tags = {t for i in informals for t in i["tags"]}
    assert {"jurisdiction", "terminology", "interception-of-content-data"} <= tags
    only = await timeline_items(seeded, SLUG, tag="jurisdiction")
    assert [i["kind"] for i in only] == ["informal"]


async def test_drafts_rule_thresholds_and_deadline(seeded: httpx.AsyncClient) -> None:
    events = await timeline_items(seeded, SLUG)
    documents = {e["attributes"]["symbol"]: e for e in events if e["kind"] == "document"}
    assert documents["A/AC.291/22"]["precision"] == "month"
    assert documents["A/AC.291/22/Rev.1"]["date"] == "2023-11"
    # The committee's rule, not the recorded General Assembly decisions (also vote_points).
    rule = next(e for e in events if e["id"] == seed_event_id(SLUG, "decision-rule"))
    assert rule["attributes"]["rule"] == "two_thirds_present_voting"
    thresholds = [e["attributes"] for e in events if e["kind"] == "eif_threshold"]
    assert sorted(t["instruments"] for t in thresholds) == [30, 30, 40, 50, 60, 70]
    adopted = [t for t in thresholds if t["adopted"]]
    assert adopted == [
        {
            "instruments": 40,
            "delay_days": 90,
            "proposed_by": ["Ad Hoc Committee (adopted text)"],
            "adopted": True,
        }
    ]
    deadline = next(e for e in events if e["kind"] == "deadline")
    assert deadline["date"] == "2024-01-01~/2024-01-10~" and deadline["end"] == "2024-01-10"
    assert deadline["depends_on"] == [
        {"event": seed_event_id(SLUG, "committee-approval"), "lag_days": 0}
    ]
    signing = next(e for e in events if e["kind"] == "signature")
    assert signing["location"] == "Hanoi" and signing["attributes"] == {"count": 72}


async def test_as_of_june_2023_shows_the_world_the_brief_saw(seeded: httpx.AsyncClient) -> None:
    events = await timeline_items(seeded, SLUG, as_of="2023-06-30")
    titles = {e["title"]: e for e in events}
    assert "Reconvened concluding session" not in titles
    assert "Revised draft of the convention" not in titles
    assert titles["Concluding session"]["date"] == "2024-01"
    assert titles["Concluding session"]["status"] == "planned"
    assert titles["Sixth session"]["status"] == "planned"
    assert titles["Fifth session"]["status"] == "held"
    thresholds = sorted(
        e["attributes"]["instruments"] for e in events if e["kind"] == "eif_threshold"
    )
    assert thresholds == [30, 50, 70]
    approval = titles["The committee approves the draft convention"]
    assert approval["status"] == "planned" and approval["date"] == "2024-01"


async def test_as_of_after_the_suspension_shows_the_approval_postponed(
    seeded: httpx.AsyncClient,
) -> None:
    events = {e["title"]: e for e in await timeline_items(seeded, SLUG, as_of="2024-02-10")}
    assert events["Concluding session"]["status"] == "suspended"
    assert events["The committee approves the draft convention"]["status"] == "postponed"
    assert events["Reconvened concluding session"]["status"] == "planned"
    history = (
        await seeded.get(
            f"/api/v1/processes/{SLUG}/events/{seed_event_id(SLUG, 'concluding-session')}/history"
        )
    ).json()["items"]
    assert [h["known_on"] for h in history] == ["2022-03-11", "2023-09-01", "2024-02-09"]
    assert history[2]["fields"]["status"] == ["planned", "suspended"]
