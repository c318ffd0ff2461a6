"""The synchronous client against a real server on 127.0.0.1 with the AHC demo data."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import icalendar
import pytest
from timeline_client import (
    Client,
    ConnectionFailed,
    FileCache,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    RetryPolicy,
    Unauthorized,
    ValidationFailed,
)

from tests.clients.server import ADMIN_TOKEN, free_port
from tests.clients.transports import LosesFirstResponse, RefusesFirst

SLUG = "ahc-cybercrime"


@pytest.fixture
def api(shared_server: str) -> Iterator[Client]:
    with Client(shared_server, ADMIN_TOKEN) as client:
        yield client


def test_processes_are_listed_and_read_with_counts_links_and_etag(api: Client) -> None:
    listed = [p for p in api.processes() if p.slug == SLUG]
    assert len(listed) == 1
    process = api.get_process(SLUG)
    assert process.title == listed[0].title
    assert process.counts["events"] >= 30
    assert process.links["calendar"].endswith(f"/api/v1/processes/{SLUG}/calendar.ics")
    assert process.etag and process.etag.startswith('"process.')
    assert process.created_at is not None and process.created_at.tzinfo is not None


def test_a_process_is_created_once_however_often_the_create_is_sent(api: Client) -> None:
    made = api.create_process(
        "plastics", "Plastics treaty talks", timezone="America/Toronto", idempotency_key="p1"
    )
    again = api.create_process(
        "plastics", "Plastics treaty talks", timezone="America/Toronto", idempotency_key="p1"
    )
    assert made == again and made.timezone == "America/Toronto"
    assert made.counts["events"] == 0
    slugs = [p.slug for p in api.processes(limit=1)]
    assert slugs == sorted(slugs) and {"plastics", SLUG} <= set(slugs)


def test_process_changes_need_the_current_etag(api: Client) -> None:
    process = api.get_process(SLUG)
    changed = api.update_process(SLUG, {"description": "Changed by the client"}, if_match=process)
    assert changed.description == "Changed by the client"
    with pytest.raises(PreconditionFailed) as refused:
        api.update_process(SLUG, {"description": "stale"}, if_match=process)
    assert refused.value.status == 412
    assert api.get_process(SLUG).description == "Changed by the client"


def test_timeline_iterates_over_every_page_in_order(api: Client) -> None:
    whole = list(api.timeline(SLUG))
    paged = list(api.timeline(SLUG, limit=4))
    assert len(whole) > 8
    assert [e.id for e in paged] == [e.id for e in whole]
    pages = list(api.pages(api_timeline_call(limit=4)))
    assert len(pages) == -(-len(whole) // 4)
    assert all(p.next for p in pages[:-1]) and pages[-1].next is None
    assert [(e.start, e.end) for e in whole] == sorted((e.start, e.end) for e in whole)


def api_timeline_call(limit: int):  # type: ignore[no-untyped-def]
    from timeline_client import _calls

    return _calls.timeline(
        SLUG, from_=None, to=None, kind=None, tag=None, status=None, as_of=None, limit=limit
    )


def test_timeline_filters_and_replays_what_was_known(api: Client) -> None:
    sessions = list(api.timeline(SLUG, kind=["session"]))
    assert sessions and {e.kind for e in sessions} == {"session"}
    window = list(api.timeline(SLUG, from_="2023-01-01", to="2023-12-31"))
    assert window and all(e.end >= dt.date(2023, 1, 1) for e in window)
    assert all(e.start <= dt.date(2023, 12, 31) for e in window)
    then = list(api.timeline(SLUG, as_of=dt.date(2023, 6, 30)))
    now = list(api.timeline(SLUG))
    assert len(then) < len(now)
    assert all(e.known_on is not None and e.known_on <= dt.date(2023, 6, 30) for e in then)


def test_upcoming_gives_days_until_and_ongoing(api: Client) -> None:
    coming = list(api.upcoming(days=120, as_of="2023-06-01", limit=1))
    titles = [e.title for e in coming]
    assert any("Zero draft" in t for t in titles)
    assert any("Sixth session" in t for t in titles)
    assert all(e.days_until is not None and e.ongoing is not None for e in coming)
    sixth = next(e for e in coming if "Sixth session" in e.title)
    assert sixth.days_until == (dt.date(2023, 8, 21) - dt.date(2023, 6, 1)).days


def test_an_event_is_created_changed_and_deleted_with_its_history(api: Client) -> None:
    event = api.create_event(
        SLUG,
        kind="session",
        title="Conference of the States Parties, first session",
        date="2027-03",
        location="Vienna",
        tags=["cosp"],
        sources=[{"url": "https://www.unodc.org/"}],
        known_on="2026-01-30",
    )
    assert event.precision == "month" and event.start == dt.date(2027, 3, 1)
    assert event.etag == f'"event.{event.id}.1"'
    moved = api.update_event(SLUG, event.id, {"date": "2027-04"}, if_match=event)
    assert moved.version == 2 and moved.start == dt.date(2027, 4, 1)
    api.delete_event(SLUG, event.id, if_match=moved)
    with pytest.raises(NotFound):
        api.get_event(SLUG, event.id)
    history = api.history(SLUG, event.id)
    assert [r.change for r in history] == ["created", "updated", "deleted"]
    assert history[1].fields["date"] == ["2027-03", "2027-04"]
    assert history[0].known_on == dt.date(2026, 1, 30)


def test_a_stale_etag_is_a_precondition_failed_and_changes_nothing(api: Client) -> None:
    event = api.create_event(SLUG, kind="note", title="A note", date="2026-10-01")
    api.update_event(SLUG, event.id, {"title": "First edit"}, if_match=event)
    with pytest.raises(PreconditionFailed) as refused:
        api.update_event(SLUG, event.id, {"title": "Second edit"}, if_match=event.etag)
    problem = refused.value
    assert problem.status == 412
    assert problem.type.endswith("precondition-failed")
    assert problem.title and problem.detail
    assert api.get_event(SLUG, event.id).title == "First edit"
    with pytest.raises(PreconditionRequired):
        api.send(_without_if_match(event.id))


def _without_if_match(event_id: str):  # type: ignore[no-untyped-def]
    from timeline_client._calls import API, Call, _event

    path = f"{API}/processes/{SLUG}/events/{event_id}"
    return Call("PATCH", path, _event, body={"title": "x"})


def test_invalid_fields_are_raised_with_the_problem_fields(api: Client) -> None:
    with pytest.raises(ValidationFailed) as refused:
        api.create_event(SLUG, kind="session", title="Bad", date="sometime in June")
    problem = refused.value
    assert problem.status == 422
    assert [e.field for e in problem.errors] == ["date"]
    assert problem.errors[0].message
    assert len(list(api.timeline(SLUG, kind=["session"]))) == len(
        [e for e in api.timeline(SLUG) if e.kind == "session"]
    )


def test_writes_without_a_token_are_unauthorized(shared_server: str) -> None:
    with Client(shared_server) as anonymous, pytest.raises(Unauthorized) as refused:
        anonymous.create_event(SLUG, kind="note", title="x", date="2026-01-01")
    assert refused.value.status == 401
    assert "bearer" in refused.value.headers.get("www-authenticate", "").lower()


def test_a_create_whose_response_was_lost_is_retried_and_stays_single(shared_server: str) -> None:
    transport = LosesFirstResponse("POST")
    retry = RetryPolicy(backoff=0.01)
    with Client(shared_server, ADMIN_TOKEN, transport=transport, retry=retry) as api:
        before = len(list(api.timeline(SLUG)))
        event = api.create_event(SLUG, kind="note", title="Sent once", date="2026-11-01")
        after = list(api.timeline(SLUG))
    keys = {r.headers["idempotency-key"] for r in transport.sent}
    assert len(transport.sent) == 2 and len(keys) == 1
    assert len(after) == before + 1
    assert [e.id for e in after if e.title == "Sent once"] == [event.id]


def test_each_create_gets_its_own_key(shared_server: str) -> None:
    transport = LosesFirstResponse("NONE")
    with Client(shared_server, ADMIN_TOKEN, transport=transport) as api:
        first = api.create_event(SLUG, kind="note", title="Twin", date="2026-11-02")
        second = api.create_event(SLUG, kind="note", title="Twin", date="2026-11-02")
    assert first.id != second.id


def test_busy_answers_are_retried_after_the_time_the_server_asks(shared_server: str) -> None:
    transport = RefusesFirst(503, retry_after="1")
    with Client(shared_server, transport=transport) as api:
        started = time.monotonic()
        process = api.get_process(SLUG)
        waited = time.monotonic() - started
    assert process.slug == SLUG
    assert len(transport.seen) == 2
    assert waited >= 1.0


def test_too_many_retries_raise_the_last_problem(shared_server: str) -> None:
    transport = RefusesFirst(429, retry_after="0", count=10)
    retry = RetryPolicy(max_retries=2)
    with (
        Client(shared_server, transport=transport, retry=retry) as api,
        pytest.raises(RateLimited) as refused,
    ):
        api.get_process(SLUG)
    assert refused.value.status == 429 and refused.value.detail == "try again"
    assert len(transport.seen) == 3


def test_an_unreachable_server_raises_connection_failed() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    retry = RetryPolicy(max_retries=1, backoff=0.01)
    with Client(url, retry=retry) as api, pytest.raises(ConnectionFailed):
        api.get_process(SLUG)


def test_items_are_created_listed_read_and_changed(api: Client) -> None:
    item = api.create_item(
        SLUG, key="article-99", title="Article 99", status="open", chapter="Final provisions"
    )
    assert item.status == "open" and item.etag
    agreed = api.update_item(SLUG, "article-99", {"status": "agreed"}, if_match=item)
    assert agreed.status == "agreed" and agreed.version == 2
    with pytest.raises(PreconditionFailed):
        api.update_item(SLUG, "article-99", {"status": "dropped"}, if_match=item)
    assert api.get_item(SLUG, "article-99").status == "agreed"
    keys = [i.key for i in api.items(SLUG, limit=5)]
    assert "article-99" in keys and keys == sorted(keys) and len(keys) > 5


def test_risks_and_entry_into_force_are_typed(api: Client) -> None:
    report = api.risks(SLUG, as_of="2023-06-30")
    assert report.as_of == dt.date(2023, 6, 30)
    assert report.deadlines
    deadline = report.deadlines[0]
    assert deadline.status in {"met", "missed", "on_track", "at_risk", "off_track"}
    assert deadline.reasons and deadline.event["title"]
    eif = api.entry_into_force(SLUG, as_of="2025-01-01")
    assert eif.rule is not None and eif.rule["instruments"] == 40
    assert eif.count == 0 and eif.reached_on is None


def test_feeds_are_fetched_once_then_answered_from_the_etag_cache(api: Client) -> None:
    first = api.calendar(SLUG)
    again = api.calendar(SLUG)
    assert not first.not_modified and again.not_modified
    assert again.content == first.content and again.etag == first.etag
    calendar = icalendar.Calendar.from_ical(first.content)
    assert len(calendar.walk("VEVENT")) >= 30
    assert icalendar.Calendar.from_ical(api.calendar().content).walk("VEVENT")
    one = next(iter(api.timeline(SLUG)))
    assert one.id in api.event_calendar(SLUG, one.id).text
    atom = feedparser.parse(api.changes_atom(SLUG, limit=5).content)
    assert not atom.bozo and len(atom.entries) == 5
    feed = api.changes_json(limit=3).json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 3
    digest = api.digest(as_of="2023-06-30", format="md")
    assert digest.text.startswith("# Digest")
    assert api.digest(as_of="2023-06-30", format="json").json()
    assert "events" in api.timelinejs(SLUG).json()
    assert api.health(ready=True)["status"] == "ready"


def test_a_file_cache_carries_etags_across_runs(shared_server: str, tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "etags.json")
    with Client(shared_server, cache=cache) as first_run:
        fetched = first_run.calendar(SLUG)
    with Client(shared_server, cache=FileCache(tmp_path / "etags.json")) as second_run:
        cached = second_run.calendar(SLUG)
    assert not fetched.not_modified and cached.not_modified
    assert cached.content == fetched.content
