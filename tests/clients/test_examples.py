"""The runnable examples in clients/examples/, each against a real server on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import icalendar
import pytest
from timeline_client import Client

from tests.clients.server import ADMIN_TOKEN, free_port

EXAMPLES = Path(__file__).resolve().parents[2] / "clients" / "examples"
SLUG = "ahc-cybercrime"


def example(name: str) -> ModuleType:
    """Import an example script as a module (with its folder on the path, as when it runs)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_weekly_digest_writes_the_newsletter(shared_server: str, tmp_path: Path) -> None:
    target = tmp_path / "digest.html"
    code = example("weekly_digest").main(
        ["--server", shared_server, "--output", str(target), "--as-of", "2023-06-30"]
    )
    assert code == 0
    html = target.read_text("utf-8")
    assert "<html" in html.lower() and "Zero draft of the convention" in html
    assert "since 23 June 2023" in html  # the changes of the week before as_of
    assert not (tmp_path / "digest.html.partial").exists()


def test_weekly_digest_runs_as_a_script(shared_server: str, tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    done = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "weekly_digest.py"),
            "--server",
            shared_server,
            "--output",
            str(target),
            "--format",
            "md",
            "--as-of",
            "2023-06-30",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text("utf-8").startswith("# Digest")
    down = f"http://127.0.0.1:{free_port()}"
    failed = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "weekly_digest.py"),
            "--server",
            down,
            "--output",
            str(target),
        ],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 3 and "Traceback" not in failed.stderr


def test_calendar_sync_downloads_only_when_the_calendar_changed(
    shared_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sync = example("calendar_sync")
    target = tmp_path / "ahc.ics"
    argv = ["--server", shared_server, "--process", SLUG, "--output", str(target)]
    assert sync.main(argv) == 0
    assert "updated" in capsys.readouterr().out
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) >= 30
    stamp = target.stat().st_mtime_ns
    assert sync.main(argv) == 0
    assert "unchanged" in capsys.readouterr().out
    assert target.stat().st_mtime_ns == stamp
    with Client(shared_server, ADMIN_TOKEN) as api:
        api.create_event(SLUG, kind="session", title="Calendar sync check", date="2027-05-03")
    assert sync.main(argv) == 0
    assert "updated" in capsys.readouterr().out
    summaries = [
        str(e.get("SUMMARY"))
        for e in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    ]
    assert any("Calendar sync check" in s for s in summaries)


def test_notifier_reports_each_change_once_and_remembers_its_place(
    shared_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notifier = example("changes_notifier")
    state = tmp_path / "notifier.json"
    argv = ["--server", shared_server, "--state", str(state), "--process", SLUG]
    assert notifier.main(argv) == 0
    first = capsys.readouterr()
    assert first.out == "" and "first run" in first.err
    assert json.loads(state.read_text("utf-8"))["seen"]
    with Client(shared_server, ADMIN_TOKEN) as api:
        made = api.create_event(SLUG, kind="note", title="Notifier one", date="2027-01-01")
        api.update_event(SLUG, made.id, {"title": "Notifier two"}, if_match=made)
    assert notifier.main([*argv, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    assert lines[0]["id"].endswith(f"{made.id}/1") and lines[1]["id"].endswith(f"{made.id}/2")
    assert notifier.main(argv) == 0
    again = capsys.readouterr()
    assert again.out == "" and "nothing new" in again.err


def test_notifier_runs_as_a_script_with_a_backlog(shared_server: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "changes_notifier.py"),
            "--server",
            shared_server,
            "--state",
            str(tmp_path / "state.json"),
            "--backlog",
            "3",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3
