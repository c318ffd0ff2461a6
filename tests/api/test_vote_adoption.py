"""Decisions adopted without a vote or by consensus over HTTP: outcome "adopted" with how, once
taken and never before (as_of replay); bad input is a problem+json naming the attribute."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests._reads import timeline_items
from tests._writes import record
from tests.api.conftest import assert_problem

API = "/api/v1"


async def _decision(
    client: httpx.AsyncClient, headers: dict[str, str], process: str, **fields: Any
) -> dict[str, Any]:
    """A vote_point recorded in `process` with `fields`."""
    return await record(client, headers, process, kind="vote_point", **fields)


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], event: dict[str, Any], body: dict[str, Any]
) -> httpx.Response:
    return await client.patch(
        event["links"]["self"],
        json=body,
        headers={
            **headers,
            "If-Match": f'"event.{event["id"]}.{event["version"]}"',
            "Content-Type": "application/merge-patch+json",
        },
    )


async def test_adopted_without_a_vote_is_adopted_from_its_day_and_pending_before(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    rule = {"rule": "two_thirds_present_voting"}
    fields = {"date": "2024-08-08", "known_on": "2024-07-01", "attributes": rule}
    planned = await _decision(app_client, admin_headers, process, title="Adoption", **fields)
    assert planned["attributes"]["outcome"] == "pending"
    taken = await _patch(
        app_client,
        admin_headers,
        planned,
        {"status": "held", "attributes": {"adoption": "by_consensus"}, "known_on": "2024-08-08"},
    )
    assert taken.status_code == 200, taken.text
    attributes = taken.json()["attributes"]
    assert attributes["adoption"] == "by_consensus" and attributes["outcome"] == "adopted"
    assert attributes["required_yes"] is None
    url = planned["links"]["self"]
    before = (await app_client.get(url, params={"as_of": "2024-08-07"})).json()
    assert before["attributes"]["outcome"] == "pending" and "adoption" not in before["attributes"]
    on_the_day = (await app_client.get(url, params={"as_of": "2024-08-08"})).json()
    assert on_the_day["attributes"]["outcome"] == "adopted"
    # The newsletter says how it was adopted.
    digest = await app_client.get(
        f"{API}/digest",
        params={"as_of": "2024-08-20", "since": "2024-08-01", "process": process, "format": "json"},
    )
    titles = [c["title"] for group in digest.json()["changes"] for c in group["changes"]]
    assert any(t.endswith("adopted by consensus") for t in titles), titles


@pytest.mark.parametrize(
    "bad",
    [
        ({"status": "held", "attributes": {"adoption": "unanimously"}}, "must be one of"),
        (
            {"status": "held", "attributes": {"adoption": "without_a_vote", "yes": 3, "no": 1}},
            "has no counts",
        ),
        ({"status": "planned", "attributes": {"adoption": "without_a_vote"}}, "status held"),
    ],
)
async def test_bad_adoptions_are_problems_naming_the_attribute_and_store_nothing(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, bad: Any
) -> None:
    fields, message = bad
    body = {"kind": "vote_point", "title": "Vote", "date": "2024-08-08", **fields}
    url = f"{API}/processes/{process}/events"
    response = await app_client.post(url, json=body, headers=admin_headers)
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["attributes.adoption"]
    assert message in problem["errors"][0]["message"]
    assert await timeline_items(app_client, process) == []


async def test_a_decision_adopted_without_a_vote_takes_no_roll(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    taken = {"rule": "simple_majority_present_voting", "adoption": "without_a_vote"}
    fields = {"date": "2024-12-24", "status": "held", "attributes": taken}
    event = await _decision(app_client, admin_headers, process, title="Resolution", **fields)
    assert event["attributes"]["outcome"] == "adopted"
    response = await app_client.put(
        f"{API}/processes/{process}/votes/{event['id']}",
        json={"roll": [{"party": "FRA", "vote": "yes"}]},
        headers=admin_headers,
    )
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["event"]
    assert "adopted without a vote" in problem["errors"][0]["message"]
