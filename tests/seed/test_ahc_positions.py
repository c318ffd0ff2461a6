"""The demo data set's positions: the brief's Figure 1 placements, the stances it names and the
recorded decisions, each replayable as known on a day."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.domain.errors import NotFound
from timeline.seed import load_seed, seed_event_id
from timeline.services import events as event_service
from timeline.services import positions as position_service
from timeline.services import spectrum as spectrum_service
from timeline.store.db import Database

SLUG = "ahc-cybercrime"
BRIEF = dt.date(2023, 6, 15)


@pytest.fixture
async def seeded(db: Database) -> Database:
    assert await load_seed(db, SLUG) is not None
    return db


def _placed(spectrum: dict[str, object], axis: str) -> dict[str, float]:
    placements = spectrum["placements"]
    assert isinstance(placements, list)
    return {p["holder"]: p["value"] for p in placements if p["axis"] == axis}


async def test_figure_1_placements_appear_on_the_briefs_day_and_not_before(
    seeded: Database,
) -> None:
    before = await spectrum_service.spectrum(seeded, SLUG, BRIEF - dt.timedelta(days=1))
    assert before["axes"] == [] and before["placements"] == []
    known = await spectrum_service.spectrum(seeded, SLUG, BRIEF)
    assert [a["key"] for a in known["axes"]] == ["safeguards", "scope"]
    scope, safeguards = _placed(known, "scope"), _placed(known, "safeguards")
    assert scope.keys() == safeguards.keys() and len(scope) == 31
    assert (scope["RUS"], safeguards["RUS"]) == (1, -1)
    assert (scope["caricom"], safeguards["caricom"]) == (1, -0.5)
    assert (scope["weog"], safeguards["weog"]) == (-0.5, 1)
    assert (scope["NZL"], safeguards["NZL"]) == (-1, 1)
    # Every placement says which cluster of the figure it comes from and cites the brief.
    for placement in known["placements"]:
        assert placement["note"].startswith("Figure 1: ")
        assert "globalinitiative.net" in placement["sources"][0]["url"]


async def test_the_stances_the_brief_names_replay_from_its_day(seeded: Database) -> None:
    with pytest.raises(NotFound):
        await position_service.proposal_view(
            seeded, SLUG, "remove-article-57", BRIEF.replace(day=1)
        )
    _, view = await position_service.proposal_view(seeded, SLUG, "remove-article-57", BRIEF)
    stances = {s["holder"]: s["stance"] for s in view["stances"]}
    assert stances == {"SGP": "support", "caricom": "support", "EU": "oppose", "ECU": "oppose"}
    # A group's stance holds for its members: CARICOM's states support removing Article 57.
    parties = {p["party"]: p for p in view["parties"]}
    assert parties["JAM"]["stance"] == "support"
    _, wider = await position_service.proposal_view(
        seeded, SLUG, "cooperation-plus-serious-crimes", BRIEF
    )
    assert {s["holder"]: s["stance"] for s in wider["stances"]}["GBR"] == "undecided"


async def test_reconvened_session_proposals_are_unknown_before_they_were_made(
    seeded: Database,
) -> None:
    day = dt.date(2024, 8, 1)
    with pytest.raises(NotFound):
        await position_service.proposal_view(seeded, SLUG, "eif-60", day - dt.timedelta(days=1))
    _, view = await position_service.proposal_view(seeded, SLUG, "eif-60", day)
    assert sorted(s["holder"] for s in view["stances"]) == ["LIE", "MEX", "NZL"]
    keys = [p.key for p in await position_service.list_proposals(seeded, SLUG, None)]
    assert {"eif-30", "eif-40-50", "eif-70", "remove-article-42-cross-references"} <= set(keys)


async def test_recorded_decisions_carry_only_the_counts_found(seeded: Database) -> None:
    establish = await event_service.read_event(
        seeded, SLUG, seed_event_id(SLUG, "vote-res-74-247"), None
    )
    attributes = establish.attributes
    assert (attributes["yes"], attributes["no"], attributes["abstain"]) == (79, 60, 33)
    assert attributes["rule"] == "simple_majority_present_voting"
    for key in ("vote-res-75-282", "vote-committee-approval", "vote-res-79-243"):
        decision = await event_service.read_event(seeded, SLUG, seed_event_id(SLUG, key), None)
        assert "yes" not in decision.attributes, key
        assert "without a vote" in (decision.summary or "") or "consensus" in (
            decision.summary or ""
        )
    with pytest.raises(NotFound):
        await event_service.read_event(
            seeded, SLUG, seed_event_id(SLUG, "vote-res-74-247"), dt.date(2019, 12, 26)
        )
