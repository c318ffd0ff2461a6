"""`timeline positions`, `timeline forecast` and `timeline votes import` against a real server,
and the client's position calls (sync and async): tables for people, the API's JSON for
scripts, one-line refusals naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from timeline_client import AsyncClient, Client, ValidationFailed

from tests._positions import RECORDED_VOTE
from tests.clients.server import ADMIN_TOKEN
from tests.commands._cli import SLUG, run

pytestmark = pytest.mark.usefixtures("wide_terminal")


def _as_of_june_15(
    capsys: pytest.CaptureFixture[str], command: str, key: str, server: str, *extra: str
) -> tuple[int, str, str]:
    """`timeline <command> SLUG <key>` against `server`, as known on 2023-06-15."""
    return run(capsys, command, SLUG, key, "--server", server, "--as-of", "2023-06-15", *extra)


def _json_and_table(
    capsys: pytest.CaptureFixture[str], command: str, key: str, server: str
) -> tuple[Any, str]:
    """`_as_of_june_15` with --json (its answer decoded), then for people (its table)."""
    code, out, err = _as_of_june_15(capsys, command, key, server, "--json")
    assert code == 0 and err == ""
    answer = json.loads(out)
    code, table, _ = _as_of_june_15(capsys, command, key, server)
    assert code == 0
    return answer, table


def _proposal(server: str, key: str) -> None:
    with Client(server, ADMIN_TOKEN) as api:
        api.create_proposal(
            SLUG,
            key=key,
            title=f"Proposal {key}",
            known_on="2023-06-01",
            rule="two_thirds_present_voting",
        )
        first = api.put_position(
            SLUG,
            key,
            "weog",
            stance="oppose",
            known_on="2023-06-02",
            sources=[{"url": "https://example.org/weog"}],
        )
        api.put_position(SLUG, key, "african_group", stance="support", known_on="2023-06-03")
        with pytest.raises(ValidationFailed) as refused:
            api.put_position(SLUG, key, "NOPE", stance="support")
        assert [e.field for e in refused.value.errors] == ["holder"]
        moved = api.put_position(
            SLUG, key, "weog", stance="abstain", known_on="2023-07-01", if_match=first
        )
        assert moved.version == 2 and moved.etag == f'"stance.{key}/weog.2"'


def test_positions_prints_the_stances_and_json_for_scripts(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _proposal(shared_server, "scope")
    answer, out = _json_and_table(capsys, "positions", "scope", shared_server)
    with Client(shared_server) as api:
        assert answer == api.proposal(SLUG, "scope", as_of="2023-06-15")
    assert "weog" in out and "oppose" in out and "https://example.org/weog" in out
    assert "african_group" in out and "support 54" in out
    code, out, _ = run(capsys, "positions", SLUG, "--server", shared_server)
    assert code == 0 and "Proposal scope" in out


def test_forecast_prints_the_chance_and_the_swing_parties(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _proposal(shared_server, "safeguards")
    answer, out = _json_and_table(capsys, "forecast", "safeguards", shared_server)
    with Client(shared_server) as api:
        expected = api.forecast(SLUG, "safeguards", as_of="2023-06-15")
    assert answer == expected
    assert f"P(pass): {expected['p_pass']:.1%}" in out
    assert expected["swing"][0]["party"] in out
    code, _, err = run(capsys, "forecast", SLUG, "missing", "--server", shared_server)
    assert code == 1 and err.startswith("timeline: 404")


async def test_the_async_client_reads_the_same_forecast(shared_server: str) -> None:
    _proposal(shared_server, "async-check")
    async with AsyncClient(shared_server) as api:
        answer = await api.forecast(SLUG, "async-check", as_of="2023-06-15")
        parties = await api.parties()
        group = await api.group("eu", as_of="2021-01-01")
    with Client(shared_server) as api:
        assert answer == api.forecast(SLUG, "async-check", as_of="2023-06-15")
    assert len([p for p in parties["parties"] if p["kind"] == "member_state"]) == 193
    assert "GBR" not in {m["party"] for m in group["members"]}


def test_votes_import_records_a_roll_from_csv_and_names_bad_rows(
    shared_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with Client(shared_server, ADMIN_TOKEN) as api:
        event = api.create_event(SLUG, title="Recorded vote", date="2024-08-08", **RECORDED_VOTE)
    roll = tmp_path / "roll.csv"
    roll.write_text(
        "party,vote,name\nfra,yes,France\nDEU,Yes,Germany\nRUS,no,Russia\nIND,absent,\n"
    )
    token = ("--server", shared_server, "--token", ADMIN_TOKEN)
    code, out, err = run(capsys, "votes", "import", SLUG, event.id, str(roll), *token)
    assert code == 0, err
    assert out.strip() == (
        f"{event.id}: adopted under two_thirds_present_voting (yes 2, no 1, abstain 0, "
        "absent 1; 2 yes needed), version 1"
    )
    roll.write_text("party,vote\nFRA,yes\nDEU,yes\nRUS,no\nIND,abstain\n")
    code, out, err = run(capsys, "votes", "import", SLUG, event.id, str(roll), *token, "--json")
    assert code == 0, err
    assert json.loads(out)["version"] == 2
    assert json.loads(out)["document"]["counts"]["abstain"] == 1

    roll.write_text("party,vote\nFRA,yes\nFRA,yes\nZZZ,no\n")
    code, out, err = run(capsys, "votes", "import", SLUG, event.id, str(roll), *token)
    assert code == 1 and out == ""
    assert err.startswith("timeline: 422") and "roll.1.party" in err and "roll.2.party" in err
    with Client(shared_server) as api:
        assert api.vote(SLUG, event.id).version == 2
    code, _, err = run(
        capsys, "votes", "import", SLUG, event.id, str(tmp_path / "none.csv"), *token
    )
    assert code == 2 and "cannot read" in err
    roll.write_text("country,ballot\nFRA,yes\n")
    code, _, err = run(capsys, "votes", "import", SLUG, event.id, str(roll), *token)
    assert code == 2 and "party and vote" in err
