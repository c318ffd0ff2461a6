"""Risks and entry into force over HTTP, on the demo process and on small hand-made logs."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.conftest import assert_problem, record
from timeline.schemas import EifBody, RiskBody
from timeline.seed import load_seed, seed_event_id
from timeline.settings import Settings
from timeline.store.db import Database

AHC = "/api/v1/processes/ahc-cybercrime"
RISK_FIELDS = {
    "event",
    "status",
    "p_meet",
    "slack_days",
    "projected_date",
    "capacity_days",
    "open_items",
    "open_items_effective",
    "observed_pace",
    "required_pace",
    "reasons",
}


@pytest.fixture
async def seeded(settings: Settings) -> str:
    """The demo data set loaded into the test database."""
    db = Database(settings.database_url)
    try:
        await load_seed(db, "ahc-cybercrime")
    finally:
        await db.dispose()
    return "ahc-cybercrime"


async def test_june_2023_says_the_january_target_is_off_track_and_why(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    response = await app_client.get(f"{AHC}/risks", params={"as_of": "2023-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"as_of", "model", "deadlines"}
    assert body["as_of"] == "2023-06-30"
    [deadline] = body["deadlines"]
    assert set(deadline) == RISK_FIELDS
    assert deadline["event"] == {
        "id": seed_event_id(seeded, "adoption-deadline"),
        "title": "Final draft adopted by early January 2024",
        "date": "2024-01-01~/2024-01-10~",
        "start": "2024-01-01",
        "end": "2024-01-10",
    }
    assert deadline["status"] == "off_track"
    # Approval was planned for "2024-01": its last possible day is 21 days after the deadline's.
    assert deadline["projected_date"] == "2024-01-31"
    assert deadline["slack_days"] == -21
    # 12 open items and 10 in informals (x1.5) = 27; none settled yet.
    assert deadline["open_items"] == 22
    assert deadline["open_items_effective"] == 27.0
    assert deadline["p_meet"] is not None and deadline["p_meet"] < 0.01
    assert deadline["required_pace"] > 1.5 * deadline["observed_pace"]
    reasons = " ".join(deadline["reasons"])
    assert "21 days after the last possible day (2024-01-10)" in reasons
    assert "10 of 22 open items (45%) are in informals" in reasons
    assert "27 effective open items in 13.5 negotiating days is under 1%, below 50%" in reasons


async def _only_deadline(client: httpx.AsyncClient, day: str) -> dict[str, Any]:
    """The AHC's one deadline as assessed on `day`."""
    body = (await client.get(f"{AHC}/risks", params={"as_of": day})).json()
    [deadline] = body["deadlines"]
    assert isinstance(deadline, dict)
    return deadline


async def test_after_the_suspension_the_target_is_missed(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    deadline = await _only_deadline(app_client, "2024-02-10")
    assert deadline["status"] == "missed"
    assert deadline["p_meet"] == 0.0
    assert deadline["projected_date"] is None  # approval postponed, no new date yet
    assert "The committee approves the draft convention (postponed" in deadline["reasons"][0]


async def test_by_the_approval_items_are_mostly_settled(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    deadline = await _only_deadline(app_client, "2024-08-09")
    assert deadline["status"] == "missed"
    assert deadline["open_items"] == 0
    assert deadline["projected_date"] == "2024-08-08"
    items = (await app_client.get(f"{AHC}/items", params={"as_of": "2024-08-09"})).json()["items"]
    statuses = [i["status"] for i in items]
    assert statuses.count("agreed") > statuses.count("dropped") > 0


async def test_same_log_and_day_give_identical_bytes_and_a_304(
    app_client: httpx.AsyncClient, seeded: str, admin_headers: dict[str, str]
) -> None:
    first = await app_client.get(f"{AHC}/risks", params={"as_of": "2023-06-30"})
    second = await app_client.get(f"{AHC}/risks", params={"as_of": "2023-06-30"})
    assert first.content == second.content
    etag = first.headers["etag"]
    assert etag == second.headers["etag"]
    cached = await app_client.get(
        f"{AHC}/risks", params={"as_of": "2023-06-30"}, headers={"If-None-Match": etag}
    )
    assert cached.status_code == 304
    assert cached.headers["etag"] == etag
    other_day = await app_client.get(
        f"{AHC}/risks", params={"as_of": "2023-07-01"}, headers={"If-None-Match": etag}
    )
    assert other_day.status_code == 200
    # Any change to the log (here an item) moves the ETag, even for a past as_of.
    await app_client.post(
        f"{AHC}/items",
        json={"key": "new-question", "title": "A new question", "known_on": "2023-06-01"},
        headers=admin_headers,
    )
    changed = await app_client.get(
        f"{AHC}/risks", params={"as_of": "2023-06-30"}, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["deadlines"][0]["open_items"] == 23


async def test_entry_into_force_shows_the_40_rule_against_the_proposals(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    response = await app_client.get(f"{AHC}/entry-into-force", params={"as_of": "2025-11-01"})
    body = response.json()
    assert set(body) == {
        "as_of",
        "rule",
        "count",
        "reached_on",
        "entry_into_force",
        "projection",
        "scenarios",
    }
    assert body["rule"]["instruments"] == 40
    assert body["rule"]["delay_days"] == 90
    assert body["rule"]["event"]["id"] == seed_event_id(seeded, "eif-rule")
    assert body["count"] == 0  # 72 signatures, but signatures are not instruments
    assert body["reached_on"] is None and body["entry_into_force"] is None
    projection = body["projection"]
    assert projection["low_evidence"] is True
    assert projection["observed_per_month"] == 0.0
    assert projection["p50"] < projection["p80"]
    assert [s["instruments"] for s in body["scenarios"]] == [30, 50, 60, 70]
    thirty = body["scenarios"][0]
    assert "Russia" in thirty["proposed_by"] and "Azerbaijan" in thirty["proposed_by"]
    p50s = [s["p50"] for s in body["scenarios"]]
    assert p50s == sorted(p50s)
    assert thirty["p50"] < projection["p50"] < body["scenarios"][1]["p50"]
    cached = await app_client.get(
        f"{AHC}/entry-into-force",
        params={"as_of": "2025-11-01"},
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert cached.status_code == 304


async def test_before_adoption_there_is_no_rule_only_proposals(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    body = (await app_client.get(f"{AHC}/entry-into-force", params={"as_of": "2023-06-30"})).json()
    assert body["rule"] is None
    assert body["projection"] is None
    assert [s["instruments"] for s in body["scenarios"]] == [30, 50, 70]


async def test_threshold_reached_gives_exact_dates(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(
        app_client,
        admin_headers,
        process,
        kind="eif_threshold",
        title="Rule",
        date="2024-08-08",
        status="held",
        attributes={"instruments": 2, "delay_days": 90, "adopted": True},
        known_on="2024-08-08",
    )
    for party, day in (("Viet Nam", "2026-01-05"), ("Chad", "2026-02-03"), ("Peru", "2026-03-01")):
        await record(
            app_client,
            admin_headers,
            process,
            kind="ratification",
            title=f"{party} ratifies",
            date=day,
            status="held",
            attributes={"party": party},
            known_on=day,
        )
    url = f"/api/v1/processes/{process}/entry-into-force"
    body = (await app_client.get(url, params={"as_of": "2026-03-10"})).json()
    assert body["count"] == 3
    assert body["reached_on"] == "2026-02-03"
    assert body["entry_into_force"] == "2026-05-04"  # 3 Feb + 90 days
    assert body["projection"] is None
    earlier = (await app_client.get(url, params={"as_of": "2026-01-10"})).json()
    assert earlier["count"] == 1
    assert earlier["reached_on"] is None
    assert earlier["projection"]["low_evidence"] is True


async def test_unknown_process_and_bad_day_are_problems(
    app_client: httpx.AsyncClient, process: str
) -> None:
    assert_problem(await app_client.get("/api/v1/processes/nope/risks"), 404)
    bad = await app_client.get(f"/api/v1/processes/{process}/risks", params={"as_of": "June"})
    assert bad.status_code == 400 or bad.status_code == 422
    assert "as_of" in bad.text
    empty = (await app_client.get(f"/api/v1/processes/{process}/risks")).json()
    assert empty["deadlines"] == []


@pytest.mark.parametrize("day", ["2023-06-30", "2024-02-10", "2024-12-31"])
async def test_bodies_conform_to_their_documented_models(
    app_client: httpx.AsyncClient, seeded: str, day: str
) -> None:
    # the bodies are encoded straight from the analyses, so check them against the OpenAPI models
    risks = await app_client.get(f"{AHC}/risks", params={"as_of": day})
    eif = await app_client.get(f"{AHC}/entry-into-force", params={"as_of": day})
    assert risks.status_code == eif.status_code == 200
    risk_body = RiskBody.model_validate_json(risks.content)
    eif_body = EifBody.model_validate_json(eif.content)
    assert risk_body.deadlines and eif_body.scenarios
    assert json.loads(risk_body.model_dump_json()) == risks.json()
    assert json.loads(eif_body.model_dump_json()) == eif.json()


async def test_only_a_conditional_request_pays_for_the_early_log_look(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    first = await app_client.get(f"{AHC}/risks", params={"as_of": "2023-06-30"})
    again = await app_client.get(
        f"{AHC}/risks",
        params={"as_of": "2023-06-30"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]
    other = await app_client.get(
        f"{AHC}/risks", params={"as_of": "2023-06-30"}, headers={"If-None-Match": '"other"'}
    )
    assert other.status_code == 200 and other.content == first.content


async def test_deadlines_as_users_state_them(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    # A mandate's date with nothing behind it, "as soon as possible" marked on it, and a
    # milestone that was simply not reached: each recorded as said, no placeholder needed.
    mandate = await record(app_client, admin_headers, process, kind="deadline",
                           title="Mandate ends", date="2026-03-31", known_on="2025-01-10",
                           attributes={"asap": True})  # fmt: skip
    draft = await record(app_client, admin_headers, process, kind="milestone",
                         title="Zero draft", date="2025-06-01", status="missed",
                         known_on="2025-06-05")  # fmt: skip
    after = await record(app_client, admin_headers, process, kind="deadline",
                         title="Draft discussed by July", date="2025-07-31",
                         known_on="2025-01-10",
                         depends_on=[{"event": draft["id"], "lag_days": 0}])  # fmt: skip
    response = await app_client.get(
        f"/api/v1/processes/{process}/risks", params={"as_of": "2025-06-10"}
    )
    assert response.status_code == 200, response.text
    risks = {r["event"]["id"]: r for r in response.json()["deadlines"]}
    standalone = risks[mandate["id"]]
    assert standalone["status"] not in ("met", "missed")
    assert 0 < standalone["p_meet"] < 1
    assert standalone["reasons"][0].startswith("Due by 2026-03-31, with no milestone recorded")
    assert risks[after["id"]]["status"] == "missed"
    assert "Zero draft: recorded as not reached" in risks[after["id"]]["reasons"][0]
    wrong = await app_client.post(
        f"/api/v1/processes/{process}/events",
        json={
            "kind": "deadline",
            "title": "Soon",
            "date": "2026-01",
            "known_on": "2025-01-10",
            "attributes": {"asap": "yes"},
        },
        headers=admin_headers,
    )
    problem = assert_problem(wrong, 422)
    assert [e["field"] for e in problem["errors"]] == ["attributes.asap"]
