"""The demo's recorded decisions read as the records say: the one counted vote decides by its
rule, the three taken without a vote are adopted and say how, and none is known before its day."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests._reads import timeline_items
from timeline.seed import seed_event_id

SLUG = "ahc-cybercrime"
DECISIONS = {
    # key: (day taken, adoption, outcome)
    "vote-res-74-247": (dt.date(2019, 12, 27), None, "adopted"),
    "vote-res-75-282": (dt.date(2021, 5, 26), "without_a_vote", "adopted"),
    "vote-committee-approval": (dt.date(2024, 8, 8), "by_consensus", "adopted"),
    "vote-res-79-243": (dt.date(2024, 12, 24), "without_a_vote", "adopted"),
}


async def test_no_decision_of_the_demo_reads_pending(seeded: httpx.AsyncClient) -> None:
    events = {e["id"]: e for e in await timeline_items(seeded, SLUG, kind="vote_point")}
    for key, (_day, adoption, result) in DECISIONS.items():
        attributes = events[seed_event_id(SLUG, key)]["attributes"]
        assert attributes["outcome"] == result, key
        assert attributes.get("adoption") == adoption, key
    counted = events[seed_event_id(SLUG, "vote-res-74-247")]["attributes"]
    assert counted["required_yes"] == 70  # a simple majority of the 139 voting


@pytest.mark.parametrize("key", sorted(DECISIONS))
async def test_a_decision_is_unknown_before_its_day(seeded: httpx.AsyncClient, key: str) -> None:
    day = DECISIONS[key][0]
    ident = seed_event_id(SLUG, key)
    before = await timeline_items(seeded, SLUG, as_of=(day - dt.timedelta(days=1)).isoformat())
    assert ident not in {e["id"] for e in before}
    then = {e["id"]: e for e in await timeline_items(seeded, SLUG, as_of=day.isoformat())}
    assert then[ident]["attributes"]["outcome"] == DECISIONS[key][2]
