"""The `timeline` client-side commands against a real server on 127.0.0.1: tables for people,
JSON for scripts, exit codes (0 ok, 1 refused, 2 usage, 3 cannot connect), one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from timeline_client import Client

from tests.clients import conftest as client_fixtures
from tests.clients.server import ADMIN_TOKEN, free_port
from timeline.cli import main

SLUG = "ahc-cybercrime"
# One seeded server for the module, as in tests/clients (seeding is the slow part).
module_seeded_url = client_fixtures.module_seeded_url
shared_server = client_fixtures.shared_server


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, so cells are not wrapped mid-phrase."""
    monkeypatch.setenv("COLUMNS", "220")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command in-process; its exit code, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_event(capsys: pytest.CaptureFixture[str], server: str, *argv: str) -> tuple[int, str, str]:
    """`timeline add-event` in the seeded process against `server`, with `argv` after."""
    return run(capsys, "add-event", SLUG, "--server", server, *argv)


def test_upcoming_prints_json_for_scripts(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "upcoming",
        "--server",
        shared_server,
        "--as-of",
        "2023-06-01",
        "--days",
        "120",
        "--json",
    )
    assert code == 0 and err == ""
    events = json.loads(out)
    with Client(shared_server) as api:
        expected = [e.id for e in api.upcoming(days=120, as_of="2023-06-01")]
    assert [e["id"] for e in events] == expected
    assert all("days_until" in e and "ongoing" in e for e in events)


def test_upcoming_prints_a_table_for_people(
    shared_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMELINE_URL", shared_server)
    code, out, _ = run(capsys, "upcoming", "--as-of", "2023-06-01", "--days", "120")
    assert code == 0
    assert "Coming up" in out and "Sixth" in out and "81 d" in out
    with Client(shared_server) as api:
        sixth = next(e for e in api.upcoming(days=120, as_of="2023-06-01") if "Sixth" in e.title)
    assert sixth.id in out  # ids are never cut short: people copy them


def test_timeline_follows_every_page_and_filters(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "timeline", SLUG, "--server", shared_server, "--kind", "session", "--json"
    )
    assert code == 0
    sessions = json.loads(out)
    assert len(sessions) >= 9 and {e["kind"] for e in sessions} == {"session"}
    code, out, _ = run(capsys, "timeline", SLUG, "--server", shared_server, "--as-of", "2023-06-30")
    assert code == 0 and "as known on 2023-06-30" in out
    assert "planned" in out and "suspended" not in out  # the suspension came in 2024


def test_show_and_history(shared_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Client(shared_server) as api:
        zero = next(e for e in api.timeline(SLUG, kind=["document"]) if "Zero" in e.title)
    code, out, _ = run(capsys, "show", SLUG, zero.id, "--server", shared_server, "--json")
    assert code == 0 and json.loads(out)["id"] == zero.id
    code, out, _ = run(capsys, "show", SLUG, zero.id, "--server", shared_server)
    assert code == 0 and "June 2023" in out and zero.id in out
    code, out, _ = run(capsys, "history", SLUG, zero.id, "--server", shared_server, "--json")
    revisions = json.loads(out)
    assert code == 0 and revisions[0]["change"] == "created"
    assert len(revisions) >= 2
    code, out, _ = run(capsys, "history", SLUG, zero.id, "--server", shared_server)
    assert code == 0 and "created" in out and "updated" in out and "planned → held" in out


def test_add_event_and_set_status_write_through_the_api(
    shared_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMELINE_TOKEN", ADMIN_TOKEN)
    code, out, err = add_event(
        capsys,
        shared_server,
        "--kind",
        "session",
        "--title",
        "First session of the Conference of the States Parties",
        "--date",
        "2027-03",
        "--location",
        "Vienna",
        "--tag",
        "cosp",
        "--source",
        "https://www.unodc.org/",
        "--attr",
        "number=1",
        "--json",
    )
    assert code == 0, err
    created = json.loads(out)
    assert (created["precision"] == "month" and created["attributes"]["number"] == 1) or (
        created["attributes"]["number"] == "1"
    )
    code, out, err = run(
        capsys, "set-status", SLUG, created["id"], "postponed", "--server", shared_server
    )
    assert code == 0, err
    assert "planned → postponed" in out and "version 2" in out
    with Client(shared_server) as api:
        stored = api.get_event(SLUG, created["id"])
        history = api.history(SLUG, created["id"])
    assert stored.status == "postponed" and stored.tags == ["cosp"]
    assert [r.change for r in history] == ["created", "updated"]


def test_a_refusal_is_one_line_with_exit_code_1(
    shared_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIMELINE_TOKEN", raising=False)
    code, out, err = run(capsys, "show", SLUG, "no-such-event", "--server", shared_server)
    assert code == 1 and out == ""
    assert err.startswith("timeline: 404") and err.count("\n") == 1
    code, _, err = add_event(
        capsys, shared_server, "--kind", "note", "--title", "x", "--date", "2026-01-01"
    )
    assert code == 1 and err.startswith("timeline: 401") and err.count("\n") == 1
    code, _, err = add_event(
        capsys,
        shared_server,
        *("--token", ADMIN_TOKEN, "--kind", "note", "--title", "x", "--date", "someday"),
    )
    assert code == 1 and err.startswith("timeline: 422") and "date" in err


def test_a_server_that_is_down_is_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    code, out, err = run(capsys, "upcoming", "--server", down, "--json")
    assert code == 3 and out == ""
    assert err == f"timeline: cannot connect to {down}\n"


def test_the_installed_command_keeps_its_exit_codes(shared_server: str) -> None:
    """The real `timeline` executable: no traceback, codes as documented."""
    exe = [sys.executable, "-m", "timeline.cli"]
    env = {**os.environ, "TIMELINE_URL": shared_server}
    ok = subprocess.run([*exe, "eif", SLUG, "--json"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and json.loads(ok.stdout)["rule"]["instruments"] == 40
    usage = subprocess.run([*exe, "add-event", SLUG], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and "--kind" in usage.stderr
    down = f"http://127.0.0.1:{free_port()}"
    gone = subprocess.run(
        [*exe, "risks", SLUG, "--server", down], capture_output=True, text=True, env=env
    )
    assert gone.returncode == 3 and "Traceback" not in gone.stderr
    assert gone.stderr.strip() == f"timeline: cannot connect to {down}"


def test_risks_and_eif(shared_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "risks", SLUG, "--server", shared_server, "--as-of", "2023-06-30")
    assert code == 0 and "early January 2024" in out and "off_track" in out
    code, out, _ = run(
        capsys, "risks", SLUG, "--server", shared_server, "--as-of", "2023-06-30", "--json"
    )
    report = json.loads(out)
    assert report["as_of"] == "2023-06-30" and report["deadlines"][0]["reasons"]
    code, out, _ = run(capsys, "eif", SLUG, "--server", shared_server, "--as-of", "2025-01-01")
    assert code == 0 and "40 instruments" in out and "Deposited: 0" in out


def test_digest_writes_the_document(
    shared_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "digest.html"
    code, out, _ = run(
        capsys,
        "digest",
        "--server",
        shared_server,
        "--as-of",
        "2023-06-30",
        "--format",
        "html",
        "--output",
        str(target),
    )
    assert code == 0 and out == ""
    html = target.read_text("utf-8")
    assert html.lower().lstrip().startswith("<!doctype html") and "Zero draft" in html
    code, out, _ = run(
        capsys, "digest", "--server", shared_server, "--as-of", "2023-06-30", "--format", "md"
    )
    assert code == 0 and out.startswith("# Digest")


def test_push_recreates_a_bundle_through_the_api_and_a_second_push_adds_nothing(
    shared_server: str,
    module_seeded_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("TIMELINE_DATABASE_URL", module_seeded_url)
    exported = tmp_path / "export.json"
    assert run(capsys, "export", "--process", SLUG, "--output", str(exported))[0] == 0
    bundle = json.loads(exported.read_text("utf-8"))
    # Push a copy under another slug, to the same server: every id must be remapped.
    bundle["processes"][0]["slug"] = "ahc-copy"
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(bundle), "utf-8")
    args = ["push", str(copy), "--server", shared_server, "--token", ADMIN_TOKEN]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    result = json.loads(out)
    source = bundle["processes"][0]
    assert result["events"] == len(source["events"])
    assert result["revisions"] == sum(len(e["revisions"]) for e in source["events"])
    assert result["items"] == len(source["items"])
    with Client(shared_server) as api:
        for day in ("2023-06-30", "2024-08-09", None):
            original = [(e.title, e.date, e.status) for e in api.timeline(SLUG, as_of=day)]
            copied = [(e.title, e.date, e.status) for e in api.timeline("ahc-copy", as_of=day)]
            assert sorted(copied) == sorted(original)
        old, new = next(
            (e, result["ids"][e["id"]]) for e in source["events"] if len(e["revisions"]) > 1
        )
        assert [r.known_on.isoformat() for r in api.history("ahc-copy", new)] == [
            r["known_on"] for r in old["revisions"]
        ]
        assert len(list(api.items("ahc-copy"))) == len(source["items"])
        before = len(list(api.timeline("ahc-copy")))
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert out.startswith("pushed 1 process(es)")
    with Client(shared_server) as api:
        assert len(list(api.timeline("ahc-copy"))) == before


def test_push_refuses_a_file_that_is_not_a_bundle(
    shared_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "something-else"}', "utf-8")
    code, _, err = run(capsys, "push", str(wrong), "--server", shared_server)
    assert code == 2 and "not a timeline bundle" in err
    code, _, err = run(capsys, "push", str(tmp_path / "missing.json"), "--server", shared_server)
    assert code == 2 and err.startswith("timeline: cannot read")
