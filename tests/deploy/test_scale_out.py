"""Two API processes over one database, as two machines behind a load balancer: they agree."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.robustness.server import ADMIN_TOKEN, ServerProcess, running_server

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
RECHECK_SECONDS = 1.0


@pytest.fixture
def machines(database_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two servers on different ports sharing the test database, with shared write limits."""
    env = {
        "TIMELINE_FEED_RECHECK_SECONDS": str(RECHECK_SECONDS),
        "TIMELINE_WRITE_RATE_PER_MINUTE": "1000",
    }
    with running_server(database_url, **env) as a, running_server(database_url, **env) as b:
        yield a, b


def _process(machine: ServerProcess, slug: str) -> None:
    created = httpx.post(
        f"{machine.url}/api/v1/processes",
        json={"slug": slug, "title": "Scale out", "timezone": "Europe/Vienna"},
        headers=AUTH,
    )
    assert created.status_code == 201, created.text


def _event(machine: ServerProcess, slug: str, **fields: object) -> httpx.Response:
    return httpx.post(f"{machine.url}/api/v1/processes/{slug}/events", json=fields, headers=AUTH)


def test_a_write_through_one_machine_is_read_through_the_other_at_once(
    machines: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = machines
    _process(a, "scale")
    session = _event(
        a, "scale", kind="session", title="Final session", date="2031-01-13/2031-01-24"
    )
    assert session.status_code == 201, session.text
    deadline = _event(
        a,
        "scale",
        kind="deadline",
        title="Adopt the text",
        date="2031-01-31",
        depends_on=[{"event": session.json()["id"]}],
    )
    assert deadline.status_code == 201, deadline.text
    event_id = deadline.json()["id"]

    seen = httpx.get(f"{b.url}/api/v1/processes/scale/events/{event_id}")
    assert seen.status_code == 200 and seen.json()["title"] == "Adopt the text"
    timeline = httpx.get(f"{b.url}/api/v1/processes/scale/timeline").json()
    assert [e["id"] for e in timeline["items"]] == [session.json()["id"], event_id]
    risks = httpx.get(f"{b.url}/api/v1/processes/scale/risks").json()
    assert [r["event"]["id"] for r in risks["deadlines"]] == [event_id]

    # An edit through B is what A answers next, ETag included.
    etag = seen.headers["ETag"]
    patched = httpx.patch(
        f"{b.url}/api/v1/processes/scale/events/{event_id}",
        json={"title": "Adopt the convention"},
        headers={**AUTH, "If-Match": etag},
    )
    assert patched.status_code == 200, patched.text
    again = httpx.get(f"{a.url}/api/v1/processes/scale/events/{event_id}")
    assert again.json()["title"] == "Adopt the convention"
    assert again.headers["ETag"] == patched.headers["ETag"] != etag


def test_calendar_validators_move_on_the_other_machine_within_the_recheck_window(
    machines: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = machines
    _process(a, "feeds")
    assert _event(a, "feeds", kind="session", title="First", date="2031-03-02").status_code == 201
    url = f"{b.url}/api/v1/processes/feeds/calendar.ics"
    first = httpx.get(url)
    assert first.status_code == 200
    assert httpx.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    assert _event(a, "feeds", kind="session", title="Second", date="2031-04-06").status_code == 201
    written = time.monotonic()
    while True:
        answer = httpx.get(url, headers={"If-None-Match": first.headers["ETag"]})
        if answer.status_code == 200:
            break
        assert answer.status_code == 304
        assert time.monotonic() - written < RECHECK_SECONDS + 2.0, "B kept a stale validator"
        time.sleep(0.1)
    assert "SUMMARY:Second" in answer.text
    assert answer.headers["ETag"] != first.headers["ETag"]


def test_write_limits_are_shared_across_machines(database_url: str) -> None:
    env = {"TIMELINE_WRITE_RATE_PER_MINUTE": "4"}
    with running_server(database_url, **env) as a, running_server(database_url, **env) as b:
        second = dt.datetime.now(dt.UTC).second
        if second > 45:  # stay inside one rate-limit minute
            time.sleep(61 - second)
        statuses = [
            httpx.post(
                f"{machine.url}/api/v1/processes",
                json={"slug": f"limited-{n}", "title": "Limited"},
                headers=AUTH,
            ).status_code
            for n, machine in enumerate([a, b, a, b, a, b])
        ]
        assert statuses == [201, 201, 201, 201, 429, 429]
        listed = httpx.get(f"{b.url}/api/v1/processes").json()["items"]
        assert len(listed) == 4


def test_an_idempotency_key_replays_on_the_other_machine(
    machines: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = machines
    _process(a, "retry")
    key = {"Idempotency-Key": "scale-out-retry-0001"}
    body = {"kind": "note", "title": "Sent once", "date": "2031-05-01"}
    first = httpx.post(f"{a.url}/api/v1/processes/retry/events", json=body, headers={**AUTH, **key})
    retried = httpx.post(
        f"{b.url}/api/v1/processes/retry/events", json=body, headers={**AUTH, **key}
    )
    assert first.status_code == retried.status_code == 201
    assert retried.json()["id"] == first.json()["id"]
    assert retried.headers["Idempotent-Replayed"] == "true"
    items = httpx.get(f"{a.url}/api/v1/processes/retry/timeline").json()["items"]
    assert [e["title"] for e in items] == ["Sent once"]
