"""`timeline calendar push` against a real Radicale server and a real timeline server, both
started here on 127.0.0.1 (free ports), with htpasswd authentication on Radicale."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import caldav
import httpx
import icalendar
import pytest

from tests._writes import new_process
from timeline.cli import main

pytestmark = pytest.mark.slow

USER, PASSWORD = "alice", "s3cret-Pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty calendar on a Radicale server with one htpasswd user."""
    users = tmp_path / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--rights-type",
            "owner_only",
            "--logging-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}/"
        wait_until_up(root, server)
        client = caldav.DAVClient(url=root, username=USER, password=PASSWORD)
        calendar = client.principal().make_calendar(name="Negotiations", cal_id="negotiations")
        yield str(calendar.url)
    finally:
        stop(server)


@pytest.fixture
def timeline_server(database_url: str) -> Iterator[str]:
    """A `timeline serve` process on the test database."""
    port = free_port()
    env = {
        **os.environ,
        "TIMELINE_DATABASE_URL": database_url,
        "TIMELINE_BASE_URL": "https://timeline.example",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "timeline.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/healthz", server)
        yield url
    finally:
        stop(server)


async def post_event(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> str:
    response = await client.post("/api/v1/processes/ahc/events", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def stored(calendar_url: str) -> dict[str, tuple[str, icalendar.Calendar]]:
    client = caldav.DAVClient(url=calendar_url, username=USER, password=PASSWORD)
    items = client.calendar(url=calendar_url).get_events()
    found: dict[str, tuple[str, icalendar.Calendar]] = {}
    for item in items:
        instance = icalendar.Calendar.from_ical(item.data)
        assert isinstance(instance, icalendar.Calendar)
        found[str(instance.events[0]["uid"])] = (str(item.url), instance)
    return found


def push(calendar_url: str, server: str, *extra: str, password: str = PASSWORD) -> int:
    return main(
        [
            "calendar",
            "push",
            "--caldav",
            calendar_url,
            "--user",
            USER,
            "--password",
            password,
            "--server",
            server,
            "--process",
            "ahc",
            *extra,
        ]
    )


async def test_push_writes_updates_in_place_and_removes_deleted_events(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    radicale: str,
    timeline_server: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await new_process(app_client, admin_headers, "ahc", "AHC", timezone="America/New_York")
    session = await post_event(
        app_client,
        admin_headers,
        kind="session",
        title="Fifth session",
        date="2023-04-11/2023-04-21",
    )
    draft = await post_event(
        app_client, admin_headers, kind="document", title="Zero draft", date="2023-06"
    )
    informal = await post_event(
        app_client,
        admin_headers,
        kind="informal",
        title="Informal on jurisdiction",
        date="2023-04-12T15:00-04:00/2023-04-12T18:00-04:00",
    )
    vote = await post_event(
        app_client,
        admin_headers,
        kind="vote_point",
        title="Vote",
        date="2024-08-08",
        status="cancelled",
    )
    # Someone else's event in the same calendar must survive every push.
    foreign = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:lunch@example.org\r\nDTSTAMP:20230101T000000Z\r\nDTSTART;VALUE=DATE:20230105\r\n"
        "SUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    caldav.DAVClient(url=radicale, username=USER, password=PASSWORD).calendar(
        url=radicale
    ).add_event(foreign.to_ical().decode())

    assert push(radicale, timeline_server) == 0
    assert "4 created, 0 updated, 0 unchanged, 0 removed" in capsys.readouterr().out
    first = stored(radicale)
    assert set(first) == {f"{e}@timeline" for e in (session, draft, informal, vote)} | {
        "lunch@example.org"
    }
    session_event = first[f"{session}@timeline"][1].events[0]
    assert session_event.decoded("dtstart").isoformat() == "2023-04-11"
    assert session_event.decoded("dtend").isoformat() == "2023-04-22"
    assert str(session_event["url"]).startswith("https://timeline.example/processes/ahc/events/")
    informal_object = first[f"{informal}@timeline"][1]
    assert informal_object.events[0]["dtstart"].params["TZID"] == "America/New_York"
    assert [str(z["tzid"]) for z in informal_object.timezones] == ["America/New_York"]
    assert str(first[f"{vote}@timeline"][1].events[0]["status"]) == "CANCELLED"
    assert (
        str(first[f"{draft}@timeline"][1].events[0]["summary"]) == "Zero draft (expected June 2023)"
    )

    patched = await app_client.patch(
        f"/api/v1/processes/ahc/events/{session}",
        json={"title": "Fifth session (resumed)"},
        headers={**admin_headers, "If-Match": f'"event.{session}.1"'},
    )
    assert patched.status_code == 200
    deleted = await app_client.delete(
        f"/api/v1/processes/ahc/events/{draft}",
        headers={**admin_headers, "If-Match": f'"event.{draft}.1"'},
    )
    assert deleted.status_code == 204

    assert push(radicale, timeline_server) == 0
    assert "0 created, 1 updated, 2 unchanged, 1 removed" in capsys.readouterr().out
    second = stored(radicale)
    assert set(second) == {f"{e}@timeline" for e in (session, informal, vote)} | {
        "lunch@example.org"
    }
    url, updated = second[f"{session}@timeline"]
    assert url == first[f"{session}@timeline"][0]  # the same resource, rewritten in place
    assert str(updated.events[0]["summary"]) == "Fifth session (resumed)"
    assert updated.events[0]["sequence"] == 1

    assert push(radicale, timeline_server) == 0
    assert "0 created, 0 updated, 3 unchanged, 0 removed" in capsys.readouterr().out

    # A slice pushed from other filters never removes this feed's events; the event both
    # carry now belongs to the slice that wrote it last (its X-TIMELINE-FEED moved).
    assert push(radicale, timeline_server, "--kind", "vote_point") == 0
    assert "0 created, 1 updated, 0 unchanged, 0 removed" in capsys.readouterr().out
    assert set(stored(radicale)) == set(second)
    marker = stored(radicale)[f"{vote}@timeline"][1].events[0]["x-timeline-feed"]
    assert str(marker) == "/api/v1/processes/ahc/calendar.ics?kind=vote_point"


@pytest.fixture
async def one_session(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    """Process `ahc` with one session: something to push."""
    await new_process(app_client, admin_headers, "ahc", "AHC")
    await post_event(app_client, admin_headers, kind="session", title="S", date="2023-04-11")


async def test_push_with_a_wrong_password_is_one_clear_line(
    one_session: None,
    radicale: str,
    timeline_server: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert push(radicale, timeline_server, password="wrong") == 1
    err = capsys.readouterr().err
    assert err.startswith("timeline: ") and err.count("\n") == 1
    assert "refused user 'alice'" in err
    assert stored(radicale) == {}


def test_push_of_an_unknown_process_names_it(
    radicale: str, timeline_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert push(radicale, timeline_server) == 1
    assert "the server answered 404: no process 'ahc'" in capsys.readouterr().err


async def test_push_to_a_calendar_that_does_not_exist_says_so(
    one_session: None,
    radicale: str,
    timeline_server: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = radicale.rstrip("/").rsplit("/", 1)[0] + "/nowhere/"
    assert push(missing, timeline_server) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"no CalDAV calendar at {missing}" in err
