"""Proposals and positions over HTTP: stances as revisions with If-Match, a party's own stance
over its groups', replays as of a day, bad input named and nothing changed, the forecast."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

Json = dict[str, Any]


async def _proposal(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **fields: Any
) -> Json:
    body = {
        "key": "wide-scope",
        "title": "Criminalize all ICT offences",
        "rule": "two_thirds_present_voting",
        "sources": [{"url": "https://example.org/brief", "title": "Brief"}],
        "known_on": "2023-06-01",
        **fields,
    }
    response = await client.post(f"/api/v1/processes/{slug}/proposals", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


async def _stance(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    url: str,
    stance: str,
    known_on: str,
    etag: str | None = None,
) -> httpx.Response:
    extra = {"If-Match": etag} if etag else {}
    return await client.put(
        url,
        json={
            "stance": stance,
            "known_on": known_on,
            "sources": [{"url": "https://example.org/statement"}],
        },
        headers={**headers, **extra},
    )


async def test_a_stance_is_a_revision_and_changing_it_needs_if_match(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    created = await _proposal(app_client, admin_headers, process)
    assert created["document"]["rule"] == "two_thirds_present_voting"
    url = f"/api/v1/processes/{process}/proposals/wide-scope/positions/EGY"
    first = await _stance(app_client, admin_headers, url, "support", "2023-06-02")
    assert first.status_code == 201, first.text
    assert first.headers["etag"] == '"stance.wide-scope/EGY.1"'
    assert first.json()["document"]["holder_kind"] == "party"

    without = await _stance(app_client, admin_headers, url, "oppose", "2023-07-01")
    assert without.status_code == 428
    stale = await _stance(app_client, admin_headers, url, "oppose", "2023-07-01", '"stance.x.1"')
    assert stale.status_code == 412
    changed = await _stance(
        app_client, admin_headers, url, "oppose", "2023-07-01", first.headers["etag"]
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    again = await _stance(
        app_client, admin_headers, url, "abstain", "2023-07-02", first.headers["etag"]
    )
    assert again.status_code == 412
    history = changed.json()["history"]
    assert [h["fields"].get("stance") for h in history] == [
        [None, "support"],
        ["support", "oppose"],
    ]
    then = await app_client.get(url, params={"as_of": "2023-06-15"})
    assert then.json()["document"]["stance"] == "support"
    assert (await app_client.get(url, params={"as_of": "2023-06-01"})).status_code == 404


async def test_the_proposal_on_a_day_shows_who_holds_what_since_when_party_over_group(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await _proposal(app_client, admin_headers, process)
    base = f"/api/v1/processes/{process}/proposals/wide-scope"
    group = await _stance(
        app_client, admin_headers, f"{base}/positions/african_group", "support", "2023-06-05"
    )
    assert group.status_code == 201
    assert group.json()["document"]["holder_kind"] == "group"
    own = await _stance(app_client, admin_headers, f"{base}/positions/EGY", "oppose", "2023-06-10")
    assert own.status_code == 201

    before = (await app_client.get(base, params={"as_of": "2023-06-07"})).json()
    assert [s["holder"] for s in before["stances"]] == ["african_group"]
    by_party = {p["party"]: p for p in before["parties"]}
    assert by_party["EGY"]["stance"] == "support" and by_party["EGY"]["source"] == "group"
    assert before["counts"]["support"] == 54

    after = (await app_client.get(base, params={"as_of": "2023-06-20"})).json()
    by_party = {p["party"]: p for p in after["parties"]}
    assert by_party["EGY"] == {
        "party": "EGY",
        "stance": "oppose",
        "source": "party",
        "holders": ["EGY"],
    }
    assert by_party["NGA"]["stance"] == "support"
    assert after["counts"]["support"] == 53 and after["counts"]["oppose"] == 1
    egypt = next(s for s in after["stances"] if s["holder"] == "EGY")
    assert egypt["since"] == "2023-06-10"
    assert egypt["sources"] == [
        {"url": "https://example.org/statement", "title": None, "quote": None}
    ]
    assert (await app_client.get(base, params={"as_of": "2023-05-01"})).status_code == 404
    history = (await app_client.get(f"{base}/history")).json()["history"]
    assert [(h["key"], h["change"], h["known_on"]) for h in history] == [
        ("wide-scope", "created", "2023-06-01"),
        ("wide-scope/african_group", "created", "2023-06-05"),
        ("wide-scope/EGY", "created", "2023-06-10"),
    ]
    assert history[2]["fields"]["stance"] == [None, "oppose"]
    earlier = (await app_client.get(f"{base}/history", params={"as_of": "2023-06-07"})).json()
    assert len(earlier["history"]) == 2


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("missing/positions/EGY", {"stance": "support"}, "proposal"),
        ("wide-scope/positions/XYZ", {"stance": "support"}, "holder"),
        ("wide-scope/positions/EGY", {"stance": "maybe"}, "stance"),
    ],
)
async def test_bad_stances_are_problems_naming_the_field_and_change_nothing(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    process: str,
    path: str,
    body: Json,
    field: str,
) -> None:
    await _proposal(app_client, admin_headers, process)
    base = f"/api/v1/processes/{process}/proposals"
    response = await app_client.put(f"{base}/{path}", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    view = (await app_client.get(f"{base}/wide-scope")).json()
    assert view["stances"] == []


async def test_a_proposal_key_is_unique_and_its_item_must_exist(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await _proposal(app_client, admin_headers, process)
    base = f"/api/v1/processes/{process}/proposals"
    taken = await app_client.post(
        base, json={"key": "wide-scope", "title": "T"}, headers=admin_headers
    )
    assert taken.status_code == 409
    no_item = await app_client.post(
        base, json={"key": "other", "title": "T", "item": "art-42"}, headers=admin_headers
    )
    assert no_item.status_code == 422
    assert no_item.json()["errors"][0]["field"] == "item"
    listed = (await app_client.get(base)).json()["proposals"]
    assert [p["key"] for p in listed] == ["wide-scope"]


async def test_the_forecast_uses_only_what_was_known_on_the_day(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await _proposal(app_client, admin_headers, process)
    base = f"/api/v1/processes/{process}/proposals/wide-scope"
    for key, day in (("weog", "2023-06-05"), ("eu", "2023-06-05")):
        put = await _stance(app_client, admin_headers, f"{base}/positions/{key}", "oppose", day)
        assert put.status_code == 201
    for key in ("african_group", "g77", "asia_pacific", "latin_american_caribbean"):
        put = await _stance(
            app_client, admin_headers, f"{base}/positions/{key}", "support", "2023-09-01"
        )
        assert put.status_code == 201

    early = await app_client.get(f"{base}/forecast", params={"as_of": "2023-06-10"})
    assert early.status_code == 200, early.text
    late = await app_client.get(f"{base}/forecast", params={"as_of": "2023-09-10"})
    early_body, late_body = early.json(), late.json()
    assert early_body["rule"] == "two_thirds_present_voting"
    opposing: set[str] = set()
    for key in ("weog", "eu"):
        group = await app_client.get(f"/api/v1/groups/{key}", params={"as_of": "2023-06-10"})
        opposing |= {m["party"] for m in group.json()["members"] if m["role"] == "member"}
    parties = (await app_client.get("/api/v1/parties")).json()["parties"]
    voting = {p["code"] for p in parties if p["kind"] == "member_state"}
    assert early_body["via_groups"] == {"oppose": len(opposing & voting)}
    assert late_body["p_pass"] > early_body["p_pass"]
    assert len(late_body["undeclared"]) == 193
    assert late_body["method"]
    same = await app_client.get(f"{base}/forecast", params={"as_of": "2023-09-10"})
    assert same.content == late.content
    majority = await app_client.get(
        f"{base}/forecast", params={"as_of": "2023-09-10", "rule": "simple_majority_present_voting"}
    )
    assert majority.json()["rule"] == "simple_majority_present_voting"
    assert majority.json()["p_pass"] >= late_body["p_pass"]
    unknown = await app_client.get(f"/api/v1/processes/{process}/proposals/missing/forecast")
    assert unknown.status_code == 404


async def test_a_consensus_proposal_is_forecast_under_the_two_thirds_vote_it_falls_back_to(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await _proposal(app_client, admin_headers, process, key="by-consensus", rule="consensus")
    url = f"/api/v1/processes/{process}/proposals/by-consensus/forecast"
    body = (await app_client.get(url, params={"as_of": "2023-06-02"})).json()
    assert body["rule"] == "two_thirds_present_voting"
    assert body["fallback_from"] == "consensus"
    assert body["declared"] == {"support": 0, "oppose": 0, "abstain": 0, "undecided": 0}
    # Nothing declared: every party follows the neutral prior, symmetric in yes and no.
    assert body["expected"]["yes"] == pytest.approx(body["expected"]["no"])
