"""Recording positions through the API in tests: a proposal with stances that change, a
placement that moves, a recorded vote, and the brief's two-axis map."""

from __future__ import annotations

import httpx

from tests._writes import record

__all__ = ["PROPOSAL", "RECORDED_VOTE", "figure_one", "ok", "record_positions"]

API = "/api/v1"
PROPOSAL = "Criminalize all ICT offences"
# A held vote_point whose tally (2 yes, 1 no) passes the two-thirds rule: the event a recorded
# roll is put on (give it a title and a date).
RECORDED_VOTE = {
    "kind": "vote_point",
    "status": "held",
    "attributes": {"rule": "two_thirds_present_voting", "yes": 2, "no": 1},
}

# Where the June 2023 brief's Figure 1 puts the poles: scope (narrow → wide) and safeguards
# (weak → strong), clustered tightly as in the figure so the labels must make room.
FIGURE_ONE: dict[str, tuple[float, float]] = {
    "RUS": (0.9, -0.8),
    "CHN": (0.85, -0.75),
    "IRN": (0.8, -0.8),
    "african_group": (0.6, -0.35),
    "arab_group": (0.65, -0.5),
    "caricom": (0.45, -0.2),
    "IND": (0.25, 0.0),
    "BRA": (0.15, 0.1),
    "MEX": (-0.1, 0.3),
    "PHL": (-0.3, 0.55),
    "CHL": (-0.4, 0.6),
    "JPN": (-0.5, 0.7),
    "NZL": (-0.55, 0.8),
    "CAN": (-0.6, 0.75),
    "eu": (-0.65, 0.85),
    "weog": (-0.7, 0.8),
}


async def ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code in (200, 201), response.text
    return response


async def record_positions(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str
) -> dict[str, str]:
    """A proposal, stances (Egypt changes its mind, the African Group declares), a placement
    that moves and a recorded vote, each public on its own day; returns the vote's event id."""
    base = f"{API}/processes/{slug}"
    source = [{"url": "https://example.org/statement", "title": "Statement"}]
    await ok(
        await client.post(
            f"{base}/proposals",
            json={
                "key": "wide-scope",
                "title": PROPOSAL,
                "rule": "two_thirds_present_voting",
                "known_on": "2023-06-01",
            },
            headers=headers,
        )
    )
    egy = f"{base}/proposals/wide-scope/positions/EGY"
    first = await ok(
        await client.put(egy, json={"stance": "support", "known_on": "2023-06-02"}, headers=headers)
    )
    await ok(
        await client.put(
            egy,
            json={"stance": "oppose", "known_on": "2023-07-10", "sources": source},
            headers={**headers, "If-Match": first.headers["etag"]},
        )
    )
    await ok(
        await client.put(
            f"{base}/proposals/wide-scope/positions/african_group",
            json={"stance": "support", "known_on": "2023-07-12"},
            headers=headers,
        )
    )
    await ok(
        await client.put(
            f"{base}/axes/scope",
            json={"name": "Scope", "low": "narrow", "high": "wide", "known_on": "2023-06-01"},
            headers=headers,
        )
    )
    place = f"{base}/axes/scope/placements/RUS"
    placed = await ok(
        await client.put(place, json={"value": 0.8, "known_on": "2023-06-03"}, headers=headers)
    )
    await ok(
        await client.put(
            place,
            json={"value": 0.9, "known_on": "2023-07-15"},
            headers={**headers, "If-Match": placed.headers["etag"]},
        )
    )
    vote = await record(
        client, headers, slug, title="Vote on the scope", date="2023-07-20", **RECORDED_VOTE
    )
    roll = [
        {"party": "FRA", "vote": "yes"},
        {"party": "DEU", "vote": "yes"},
        {"party": "RUS", "vote": "no"},
    ]
    await ok(
        await client.put(
            f"{base}/votes/{vote['id']}",
            json={"roll": roll, "known_on": "2023-07-20"},
            headers=headers,
        )
    )
    return {"vote": str(vote["id"])}


async def figure_one(client: httpx.AsyncClient, headers: dict[str, str], slug: str) -> None:
    """Both axes and every FIGURE_ONE placement (after `record_positions`, which made the scope
    axis and placed RUS on it), public on 30 June 2023."""
    base = f"{API}/processes/{slug}"
    await ok(
        await client.put(
            f"{base}/axes/safeguards",
            json={"name": "Safeguards", "low": "weak", "high": "strong", "known_on": "2023-06-01"},
            headers=headers,
        )
    )
    for holder, (scope, safeguards) in FIGURE_ONE.items():
        for axis, value in (("scope", scope), ("safeguards", safeguards)):
            url = f"{base}/axes/{axis}/placements/{holder}"
            body = {"value": value, "known_on": "2023-06-30"}
            # RUS is on the scope axis already: replace whatever version it is at.
            again = {"If-Match": "*"} if (holder, axis) == ("RUS", "scope") else {}
            answer = await client.put(url, json=body, headers={**headers, **again})
            assert answer.status_code in (200, 201), answer.text
