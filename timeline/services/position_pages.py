"""The process page's positions view: the spectrum map and, per proposal, the declared stances
of the voting parties against the line a vote must clear, with the forecast's p_pass; all as
known on the page's day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timeline.services import parties as party_service
from timeline.services import positions, spectrum
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.processes import get_process
from timeline.web.positions_map import layout_map, stance_bar

__all__ = ["chance_words", "positions_view"]

_RULE_WORDS: dict[str, str] = {
    "consensus": "consensus (a two-thirds vote if it fails)",
    "two_thirds_present_voting": "two-thirds of those present and voting",
    "simple_majority_present_voting": "simple majority of those present and voting",
}


def chance_words(p: float) -> str:
    """A probability as a reader sees it: '34%', never '0%' or '100%' unless it is exactly so."""
    if 0 < p < 0.005:
        return "under 1%"
    if 0.995 < p < 1:
        return "over 99%"
    return f"{p * 100:.0f}%"


async def _names_and_axes(
    db: Database, slug: str, as_of: dt.date | None
) -> tuple[dict[str, str], list[str]]:
    # Holders' names, and the axes' keys in the order they were created: the first drawn
    # across, the second up (the order an editor set them up in, not the keys' spelling).
    reg = party_service.registry()
    names = {p.code: p.name for p in reg.parties}
    names.update({g.key: g.name for g in reg.groups})
    async with db.read() as session:
        process = await get_process(session, slug)
        groups = await party_service.process_groups(session, process, as_of)
        axes = await store.list_records(session, process, "axis", as_of=as_of)
    names.update({g.key: g.name for g in groups})
    return names, [a.key for a in sorted(axes, key=lambda a: (a.created_at, a.key))]


async def _proposal(db: Database, slug: str, key: str, day: dt.date) -> dict[str, Any]:
    found, view = await positions.proposal_view(db, slug, key, day)
    voting = set(positions.eligible_parties())
    counts: dict[str, int] = {}
    for party in view["parties"]:
        if party["party"] in voting and party["stance"] is not None:
            counts[party["stance"]] = counts.get(party["stance"], 0) + 1
    forecast = await positions.proposal_forecast(db, slug, key, day)
    bar = stance_bar(counts, len(voting), forecast.get("required_yes"))
    document = found.document
    return {
        "key": key,
        "title": document.get("title", key),
        "summary": document.get("summary"),
        "rule": _RULE_WORDS.get(str(document.get("rule")), str(document.get("rule") or "")),
        "sources": document.get("sources", []),
        "bar": bar,
        "p_pass": forecast["p_pass"],
        "chance": chance_words(float(forecast["p_pass"])),
        "forecast_rule": forecast["rule"],
        "expected_voting": forecast["expected_voting"],
        "stances": view["stances"],
    }


async def positions_view(
    db: Database, slug: str, *, as_of: dt.date | None, today: dt.date
) -> dict[str, Any] | None:
    """The positions view of process `slug` as known on `as_of` (else `today`): the map of
    placements on its axes, each proposal's bar and forecast, and every placement as a row;
    None when the process has no axis, placement or proposal known then (the page shows no
    section)."""
    day = as_of or today
    placed = await spectrum.spectrum(db, slug, as_of)
    proposals = await positions.list_proposals(db, slug, as_of)
    if not placed["placements"] and not proposals:
        return None
    names, order = await _names_and_axes(db, slug, as_of)
    axes = sorted(placed["axes"], key=lambda a: order.index(a["key"]))
    drawn = layout_map(axes, placed["placements"], names)
    rows = [
        {**p, "name": names.get(p["holder"], p["holder"])}
        for p in sorted(placed["placements"], key=lambda p: (p["holder"], p["axis"]))
    ]
    return {
        "day": day,
        "map": drawn,
        "axes": axes,
        "placements": rows,
        "names": names,
        "proposals": [await _proposal(db, slug, p.key, day) for p in proposals],
    }
