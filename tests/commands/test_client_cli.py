"""The `timeline` client-side commands against a real server on 127.0.0.1: tables for people,
JSON for scripts, exit codes (0 ok, 1 refused, 2 usage, 3 cannot connect), one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from timeline_client import Client

from tests.clients.server import ADMIN_TOKEN, free_port, live_server
from tests.commands._cli import SLUG, run
from timeline.commands.client_push import remapped_id

pytestmark = pytest.mark.usefixtures("wide_terminal")


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
    # The p50 is an entry-into-force date, and is named so (not "threshold around").
    assert "Projected: entry into force around 20" in out
    assert "Scenario 30 instruments: entry into force around 20" in out
    assert "threshold around" not in out


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


@dataclass
class Pushing:
    """What the push tests share: the seeded database to export from, the server to push to,
    a scratch folder, and the fixtures that run commands."""

    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    database_url: str
    server: str
    tmp_path: Path

    def exported(self, slug: str) -> dict[str, Any]:
        """The seeded process as `timeline export` writes it, renamed to `slug`."""
        self.monkeypatch.setenv("TIMELINE_DATABASE_URL", self.database_url)
        exported = self.tmp_path / "export.json"
        assert run(self.capsys, "export", "--process", SLUG, "--output", str(exported))[0] == 0
        bundle: dict[str, Any] = json.loads(exported.read_text("utf-8"))
        bundle["processes"][0]["slug"] = slug
        return bundle

    def push(
        self,
        bundle: dict[str, Any],
        *extra: str,
        token: str = ADMIN_TOKEN,
        server: str | None = None,
    ) -> tuple[int, str, str]:
        """`timeline push` of `bundle` (written to a file) to `server` (the shared one)."""
        path = self.tmp_path / "push.json"
        path.write_text(json.dumps(bundle), "utf-8")
        target = server or self.server
        return run(self.capsys, "push", str(path), "--server", target, "--token", token, *extra)


@pytest.fixture
def pushing(
    shared_server: str,
    module_seeded_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Pushing:
    """The seeded database, the shared server and a scratch folder for a push test."""
    return Pushing(capsys, monkeypatch, module_seeded_url, shared_server, tmp_path)


def _later(stamp: str) -> str:
    """A recorded_at an hour after `stamp`, written as exports write them."""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) + dt.timedelta(hours=1)
    return moment.isoformat().replace("+00:00", "Z")


def _titles(server: str, slug: str) -> list[tuple[str, str, str]]:
    with Client(server) as api:
        return sorted((e.id, e.title, e.status) for e in api.timeline(slug))


def test_push_recreates_a_bundle_through_the_api_and_a_second_push_adds_nothing(
    pushing: Pushing,
) -> None:
    # Push a copy under another slug, to the same server: every id must be remapped.
    bundle = pushing.exported("ahc-copy")
    code, out, err = pushing.push(bundle, "--json")
    assert code == 0, err
    result = json.loads(out)
    source = bundle["processes"][0]
    assert result["events"] == len(source["events"])
    assert result["revisions"] == sum(len(e["revisions"]) for e in source["events"])
    assert result["items"] == len(source["items"])
    with Client(pushing.server) as api:
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
    code, out, err = pushing.push(bundle)
    assert code == 0, err
    assert out.startswith("pushed 1 process(es)")
    # The ids are derived from the slug and the old id, so the second push finds them all.
    assert out.rstrip().endswith("ahc-copy unchanged")
    assert result["ids"][old["id"]] == remapped_id("ahc-copy", old["id"])
    with Client(pushing.server) as api:
        assert len(list(api.timeline("ahc-copy"))) == before


def test_push_after_more_revisions_reports_the_process_updated(pushing: Pushing) -> None:
    bundle = pushing.exported("ahc-grow")
    assert pushing.push(bundle)[0] == 0
    process = bundle["processes"][0]
    event = process["events"][0]
    last = event["revisions"][-1]
    assert last["change"] != "deleted"
    renamed = {**last["snapshot"], "title": "Renamed after the first push"}
    event["revisions"].append(
        {
            **last,
            "version": last["version"] + 1,
            "change": "updated",
            # never before the event's own revisions (one recorded today has today's day)
            "known_on": max("2026-12-01", *(r["known_on"] for r in event["revisions"])),
            "recorded_at": _later(last["recorded_at"]),
            "fields": {"title": [last["snapshot"]["title"], renamed["title"]]},
            "snapshot": renamed,
        }
    )
    code, out, err = pushing.push(bundle, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["updated"], result["created"], result["unchanged"]) == (1, 0, 0)
    assert result["report"][0]["events_updated"] == 1
    assert (result["events"], result["revisions"], result["items"]) == (0, 1, 0)
    new_id = remapped_id("ahc-grow", event["id"])
    with Client(pushing.server) as api:
        assert api.get_event("ahc-grow", new_id).title == "Renamed after the first push"
    code, out, _ = pushing.push(bundle)
    assert code == 0 and out.rstrip().endswith("ahc-grow unchanged")


def test_a_conflicting_push_is_refused_naming_the_process_and_changes_nothing(
    pushing: Pushing,
) -> None:
    bundle = pushing.exported("ahc-clash")
    assert pushing.push(bundle)[0] == 0
    before = _titles(pushing.server, "ahc-clash")
    bundle["processes"][0]["events"][0]["revisions"][0]["snapshot"]["title"] = "Rewritten"
    code, out, err = pushing.push(bundle)
    assert code == 1 and out == ""
    assert err.startswith("timeline: 409") and "'ahc-clash'" in err
    assert _titles(pushing.server, "ahc-clash") == before


def test_a_bad_bundle_is_refused_naming_the_field_and_changes_nothing(pushing: Pushing) -> None:
    bundle = pushing.exported("ahc-bad")
    bundle["processes"][0]["events"][3]["revisions"][0]["snapshot"]["date"] = "not a date"
    code, out, err = pushing.push(bundle)
    assert code == 1 and out == ""
    assert err.startswith("timeline: 422")
    assert "processes[0].events[3].revisions[0].snapshot.date" in err
    with Client(pushing.server) as api:
        assert "ahc-bad" not in [p.slug for p in api.processes()]


def test_push_is_one_write_and_never_meets_the_write_rate_limit(pushing: Pushing) -> None:
    bundle = pushing.exported("ahc-limited")
    # The demo's 36 events: one request each would have met a limit of 2 writes a minute.
    assert len(bundle["processes"][0]["events"]) > 30
    with ExitStack() as stack:
        # uvicorn points its log handlers at the sys.stderr of the moment: not capsys's.
        with pushing.capsys.disabled():
            limited = stack.enter_context(
                live_server(pushing.database_url, write_rate_per_minute=2)
            )
        first = pushing.push(bundle, "--json", server=limited)
        second = pushing.push(bundle, server=limited)
        with Client(limited) as api:
            stored = len(list(api.timeline("ahc-limited")))
    assert first[0] == 0, first[2]
    assert json.loads(first[1])["created"] == 1
    assert second[0] == 0, second[2]
    assert second[1].rstrip().endswith("ahc-limited unchanged")
    live = [
        e for e in bundle["processes"][0]["events"] if e["revisions"][-1]["change"] != "deleted"
    ]
    assert stored == len(live)


def test_push_needs_an_admin_token(pushing: Pushing) -> None:
    bundle = pushing.exported("ahc-editor")
    code, out, err = run(
        pushing.capsys, "tokens", "create", "--name", "push-editor", "--scope", "editor"
    )
    assert code == 0, err
    secret = out.strip()
    code, out, err = pushing.push(bundle, token=secret)
    assert code == 1 and err.startswith("timeline: 403")
    with Client(pushing.server) as api:
        assert "ahc-editor" not in [p.slug for p in api.processes()]


def test_push_refuses_a_file_that_is_not_a_bundle(
    shared_server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "something-else"}', "utf-8")
    code, _, err = run(capsys, "push", str(wrong), "--server", shared_server)
    assert code == 2 and "not a timeline bundle" in err
    code, _, err = run(capsys, "push", str(tmp_path / "missing.json"), "--server", shared_server)
    assert code == 2 and err.startswith("timeline: cannot read")
