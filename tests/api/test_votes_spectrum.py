"""Recorded votes and the spectrum over HTTP: rolls checked against the registry and the
event's counts with the outcome by its rule; axes and placements replayed as of a day."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import record

ROLL = [
    {"party": "FRA", "vote": "yes"},
    {"party": "DEU", "vote": "yes"},
    {"party": "BRA", "vote": "yes"},
    {"party": "RUS", "vote": "no"},
    {"party": "CHN", "vote": "no"},
    {"party": "IND", "vote": "abstain"},
    {"party": "EGY", "vote": "absent"},
]


async def _vote_point(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, rule: str, **counts: int
) -> str:
    event = await record(
        client,
        headers,
        slug,
        kind="vote_point",
        title="Vote on the scope",
        date="2024-08-08",
        status="held",
        attributes={"rule": rule, **counts},
    )
    return str(event["id"])


async def test_a_roll_that_wins_a_majority_but_not_two_thirds(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    two_thirds = await _vote_point(
        app_client, admin_headers, process, "two_thirds_present_voting", yes=3, no=2, abstain=1
    )
    majority = await _vote_point(
        app_client, admin_headers, process, "simple_majority_present_voting"
    )
    for event_id, outcome, needed in ((two_thirds, "rejected", 4), (majority, "adopted", 3)):
        url = f"/api/v1/processes/{process}/votes/{event_id}"
        put = await app_client.put(
            url, json={"roll": ROLL, "known_on": "2024-08-08"}, headers=admin_headers
        )
        assert put.status_code == 201, put.text
        document = put.json()["document"]
        assert document["counts"] == {"yes": 3, "no": 2, "abstain": 1, "absent": 1}
        assert document["outcome"] == outcome
        assert document["required_yes"] == needed
        assert put.headers["etag"] == f'"roll.{event_id}.1"'
        again = await app_client.put(url, json={"roll": ROLL}, headers=admin_headers)
        assert again.status_code == 428
    listed = (await app_client.get(f"/api/v1/processes/{process}/votes")).json()["votes"]
    assert sorted(v["key"] for v in listed) == sorted([two_thirds, majority])
    before = await app_client.get(
        f"/api/v1/processes/{process}/votes", params={"as_of": "2024-08-07"}
    )
    assert before.json()["votes"] == []


async def test_bad_rolls_name_every_problem_and_store_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event_id = await _vote_point(app_client, admin_headers, process, "two_thirds_present_voting")
    url = f"/api/v1/processes/{process}/votes/{event_id}"
    bad = [*ROLL, {"party": "XXX", "vote": "yes"}, {"party": "FRA", "vote": "no"}]
    response = await app_client.put(url, json={"roll": bad}, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["roll.7.party", "roll.8.party"]
    assert "'XXX'" in response.json()["errors"][0]["message"]
    assert "listed twice" in response.json()["errors"][1]["message"]
    assert (await app_client.get(url)).status_code == 404

    counted = await _vote_point(
        app_client, admin_headers, process, "two_thirds_present_voting", yes=4, no=2
    )
    disagrees = await app_client.put(
        f"/api/v1/processes/{process}/votes/{counted}", json={"roll": ROLL}, headers=admin_headers
    )
    assert disagrees.status_code == 422
    assert disagrees.json()["errors"] == [
        {"field": "counts.yes", "message": "says 4 but the roll has 3"}
    ]
    assert (await app_client.get(f"/api/v1/processes/{process}/votes")).json()["votes"] == []
    note = await record(app_client, admin_headers, process, kind="note", title="N", date="2024")
    not_a_vote = await app_client.put(
        f"/api/v1/processes/{process}/votes/{note['id']}",
        json={"roll": ROLL},
        headers=admin_headers,
    )
    assert not_a_vote.status_code == 422
    assert not_a_vote.json()["errors"][0]["field"] == "event"


async def test_recorded_votes_inform_the_forecast_of_undeclared_parties(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    event_id = await _vote_point(
        app_client, admin_headers, process, "simple_majority_present_voting"
    )
    proposal = {"key": "p", "title": "P", "known_on": "2024-08-01"}
    created = await app_client.post(
        f"/api/v1/processes/{process}/proposals", json=proposal, headers=admin_headers
    )
    assert created.status_code == 201
    url = f"/api/v1/processes/{process}/proposals/p/forecast"
    without = (await app_client.get(url, params={"as_of": "2024-08-20"})).json()
    put = await app_client.put(
        f"/api/v1/processes/{process}/votes/{event_id}",
        json={"roll": [{"party": "FRA", "vote": "yes"}], "known_on": "2024-08-10"},
        headers=admin_headers,
    )
    assert put.status_code == 201
    with_vote = (await app_client.get(url, params={"as_of": "2024-08-20"})).json()
    assert with_vote["p_pass"] > without["p_pass"]
    assert with_vote["expected"]["yes"] > without["expected"]["yes"]
    replayed = (await app_client.get(url, params={"as_of": "2024-08-09"})).json()
    assert replayed == {**without, "as_of": "2024-08-09"}


async def _put(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await client.put(url, json=body, headers=headers)


async def test_axes_and_placements_replay_and_bad_values_are_named(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    base = f"/api/v1/processes/{process}"
    for key, low, high in (("scope", "narrow", "wide"), ("safeguards", "weak", "strong")):
        axis = await _put(
            app_client,
            f"{base}/axes/{key}",
            {"name": key.title(), "low": low, "high": high, "known_on": "2023-06-01"},
            admin_headers,
        )
        assert axis.status_code == 201, axis.text
    third = await _put(
        app_client, f"{base}/axes/speed", {"name": "S", "low": "s", "high": "f"}, admin_headers
    )
    assert third.status_code == 422 and third.json()["errors"][0]["field"] == "axis"

    place = f"{base}/axes/scope/placements/RUS"
    first = await _put(app_client, place, {"value": 0.8, "known_on": "2023-06-02"}, admin_headers)
    assert first.status_code == 201, first.text
    moved = await app_client.put(
        place,
        json={"value": 0.9, "known_on": "2023-09-01"},
        headers={**admin_headers, "If-Match": first.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    group = await _put(
        app_client, f"{base}/axes/scope/placements/weog", {"value": -0.7}, admin_headers
    )
    assert group.status_code == 201

    current = {**admin_headers, "If-Match": moved.headers["etag"]}
    for url, body, headers, field in (
        (place, {"value": 1.5}, current, "value"),
        (place, {"value": -1.01}, current, "value"),
        (place, {"value": True}, current, "value"),
        (f"{base}/axes/nope/placements/RUS", {"value": 0.1}, admin_headers, "axis"),
        (f"{base}/axes/scope/placements/QQQ", {"value": 0.1}, admin_headers, "holder"),
    ):
        bad = await app_client.put(url, json=body, headers=headers)
        assert bad.status_code == 422, bad.text
        assert [e["field"] for e in bad.json()["errors"]] == [field]

    then = (await app_client.get(f"{base}/spectrum", params={"as_of": "2023-07-01"})).json()
    assert [a["key"] for a in then["axes"]] == ["safeguards", "scope"]
    assert [(p["holder"], p["value"]) for p in then["placements"]] == [("RUS", 0.8)]
    now = (await app_client.get(f"{base}/spectrum")).json()
    rus = next(p for p in now["placements"] if p["holder"] == "RUS")
    assert (rus["value"], rus["since"], rus["version"]) == (0.9, "2023-09-01", 2)
    assert {p["holder"] for p in now["placements"]} == {"RUS", "weog"}
