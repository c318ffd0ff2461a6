"""`timeline backtest` on the demo data: a table of each deadline's status per step, and JSON."""

from __future__ import annotations

import json

import pytest

from timeline.cli import main


@pytest.fixture
def seeded_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TIMELINE_DATABASE_URL", database_url)
    assert main(["seed", "ahc-cybercrime"]) == 0
    return database_url


def test_json_replays_each_step_and_shows_the_miss(
    seeded_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(
        [
            "backtest", "--process", "ahc-cybercrime", "--from", "2023-06-30",
            "--to", "2024-08-30", "--step", "120", "--json",
        ]
    )  # fmt: skip
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert body["process"] == "ahc-cybercrime" and body["step"] == 120
    rows = body["rows"]
    # 2023-06-30, then every 120 days, and the last day of the range.
    assert [r["as_of"] for r in rows] == [
        "2023-06-30",
        "2023-10-28",
        "2024-02-25",
        "2024-06-24",
        "2024-08-30",
    ]
    assert {r["title"] for r in rows} == {"Final draft adopted by early January 2024"}
    assert [r["status"] for r in rows] == ["off_track", "off_track", "missed", "missed", "missed"]
    assert rows[0]["p_meet"] is not None and rows[0]["p_meet"] < 0.01
    assert rows[0]["slack_days"] == -21 and rows[1]["slack_days"] == -30
    assert rows[2]["projected_date"] is None  # approval postponed without a new date
    assert rows[-1]["projected_date"] == "2024-08-08"
    assert rows[0]["open_items"] == 22 and rows[-1]["open_items"] == 0


def test_table_marks_status_changes(seeded_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["--process", "ahc-cybercrime", "--from", "2023-12-01", "--to", "2024-03-01"]
    assert main(["backtest", *args, "--step", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "as_of",
        "deadline",
        "status",
        "p_meet",
        "slack",
        "projected",
        "open",
    ]
    assert [line[:10] for line in lines[1:]] == [
        "2023-12-01",
        "2023-12-31",
        "2024-01-30",
        "2024-02-29",
        "2024-03-01",  # the end of the range is always shown
    ]
    assert "off_track" in lines[1] and "off_track" in lines[2]
    assert "missed *" in lines[3]  # the step where it changed
    assert "missed" in lines[4] and "*" not in lines[4] + lines[5]


def test_bad_arguments_are_one_line_errors(
    seeded_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    base = ["backtest", "--process", "ahc-cybercrime"]
    assert main([*base, "--from", "2024-01-01", "--to", "2023-01-01"]) == 1
    assert capsys.readouterr().err == "timeline: --to must not be before --from\n"
    assert main([*base, "--from", "2023-01-01", "--to", "2024-01-01", "--step", "0"]) == 1
    assert "--step" in capsys.readouterr().err
    assert (
        main(["backtest", "--process", "nope", "--from", "2023-01-01", "--to", "2023-02-01"]) == 1
    )
    assert capsys.readouterr().err == "timeline: no process 'nope'\n"
    with pytest.raises(SystemExit):
        main([*base, "--from", "June", "--to", "2024-01-01"])
    assert "is not a day" in capsys.readouterr().err
