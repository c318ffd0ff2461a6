"""Parties and groups over HTTP: the registry's counts, members on a day, process groups."""

from __future__ import annotations

import httpx

from tests.api.test_auth import _token


async def test_parties_lists_193_members_two_observers_and_the_eu(
    app_client: httpx.AsyncClient,
) -> None:
    response = await app_client.get("/api/v1/parties")
    assert response.status_code == 200
    assert response.headers["etag"]
    body = response.json()
    kinds = [p["kind"] for p in body["parties"]]
    assert kinds.count("member_state") == 193
    assert kinds.count("observer_state") == 2
    assert kinds.count("reio") == 1
    assert sum(body["counts_for_electoral_purposes"].values()) <= 193
    assert body["sources"]
    again = await app_client.get(
        "/api/v1/parties", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


async def test_one_party_by_code_and_an_unknown_code_is_a_404_problem(
    app_client: httpx.AsyncClient,
) -> None:
    egypt = await app_client.get("/api/v1/parties/EGY")
    assert egypt.status_code == 200
    assert egypt.json()["name"] == "Egypt"
    assert egypt.json()["regional_group"] == "african"
    missing = await app_client.get("/api/v1/parties/XXX")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "XXX" in missing.json()["detail"]


async def test_group_members_follow_the_day_asked_about(app_client: httpx.AsyncClient) -> None:
    # Croatia joined the EU on 1 July 2013; the United Kingdom left on 31 January 2020.
    def codes(body: dict[str, object]) -> set[str]:
        members = body["members"]
        assert isinstance(members, list)
        return {m["party"] for m in members if m["role"] == "member"}

    in_2012 = (await app_client.get("/api/v1/groups/eu", params={"as_of": "2012-06-01"})).json()
    in_2019 = (await app_client.get("/api/v1/groups/eu", params={"as_of": "2019-06-01"})).json()
    in_2021 = (await app_client.get("/api/v1/groups/eu", params={"as_of": "2021-06-01"})).json()
    assert "HRV" not in codes(in_2012) and "HRV" in codes(in_2019)
    assert "GBR" in codes(in_2019) and "GBR" not in codes(in_2021)
    assert len(codes(in_2021)) == 27
    everything = (await app_client.get("/api/v1/groups")).json()["groups"]
    assert {"weog", "african_group", "g77", "budapest", "eu"} <= {g["key"] for g in everything}
    assert (await app_client.get("/api/v1/groups/nope")).status_code == 404


async def test_an_editor_adds_a_process_group_and_bad_members_are_named(
    app_client: httpx.AsyncClient, database_url: str, process: str
) -> None:
    token = await _token(database_url, "editor", "editor", process)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/processes/{process}/groups"
    bad = await app_client.post(
        url,
        json={"key": "wide", "name": "Wide scope", "members": [{"party": "RUS"}, {"party": "ZZZ"}]},
        headers=headers,
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["members.1.party"]
    assert (await app_client.get(url)).json()["groups"] == []

    created = await app_client.post(
        url,
        json={
            "key": "wide",
            "name": "Wide scope",
            "members": [{"party": "RUS"}, {"party": "CHN", "joined": "2023-01-10"}],
            "known_on": "2023-01-05",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith(f"{url}/wide")
    before = await app_client.get(f"{url}/wide", params={"as_of": "2023-01-04"})
    assert before.status_code == 404
    early = (await app_client.get(f"{url}/wide", params={"as_of": "2023-01-06"})).json()
    assert [m["party"] for m in early["members"]] == ["RUS"]
    later = (await app_client.get(f"{url}/wide", params={"as_of": "2023-02-01"})).json()
    assert [m["party"] for m in later["members"]] == ["RUS", "CHN"]
    taken = await app_client.post(
        url, json={"key": "wide", "name": "Again", "members": []}, headers=headers
    )
    assert taken.status_code == 409
    registry_key = await app_client.post(
        url, json={"key": "weog", "name": "Clash", "members": []}, headers=headers
    )
    assert registry_key.status_code == 422
    assert registry_key.json()["errors"][0]["field"] == "key"
    other = await app_client.post(
        "/api/v1/processes",
        json={"slug": "other", "title": "Other"},
        headers={"Authorization": "Bearer test-admin-token-0123456789abcdef"},
    )
    assert other.status_code == 201
    refused = await app_client.post(
        "/api/v1/processes/other/groups",
        json={"key": "x", "name": "X", "members": []},
        headers=headers,
    )
    assert refused.status_code == 403
