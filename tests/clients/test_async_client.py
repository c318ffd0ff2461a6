"""The asyncio client, the twin of the sync one, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from timeline_client import (
    AsyncClient,
    ConnectionFailed,
    NotFound,
    PreconditionFailed,
    RetryPolicy,
    ValidationFailed,
)

from tests.clients.server import ADMIN_TOKEN, free_port
from tests.clients.transports import AsyncLosesFirstResponse

SLUG = "ahc-cybercrime"


@pytest.fixture
async def api(shared_server: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(shared_server, ADMIN_TOKEN) as client:
        yield client


async def test_lists_are_async_iterators_over_every_page(api: AsyncClient) -> None:
    whole = [e.id async for e in api.timeline(SLUG)]
    paged = [e.id async for e in api.timeline(SLUG, limit=3)]
    assert len(whole) > 6 and paged == whole
    processes = [p.slug async for p in api.processes(limit=1)]
    assert processes == [SLUG]
    coming = [e async for e in api.upcoming(days=120, as_of=dt.date(2023, 6, 1), limit=1)]
    assert any("Sixth session" in e.title for e in coming)
    assert all(e.days_until is not None for e in coming)


async def test_reads_writes_and_a_412_surface_like_the_sync_client(api: AsyncClient) -> None:
    event = await api.create_event(SLUG, kind="note", title="Async note", date="2026-09-30")
    assert (await api.get_event(SLUG, event.id)).title == "Async note"
    changed = await api.update_event(SLUG, event.id, {"status": "held"}, if_match=event)
    assert changed.status == "held" and changed.version == 2
    with pytest.raises(PreconditionFailed) as refused:
        await api.update_event(SLUG, event.id, {"status": "cancelled"}, if_match=event)
    assert refused.value.status == 412 and refused.value.detail
    assert (await api.get_event(SLUG, event.id)).status == "held"
    history = await api.history(SLUG, event.id)
    assert [r.change for r in history] == ["created", "updated"]
    assert history[1].fields == {"status": ["planned", "held"]}
    await api.delete_event(SLUG, event.id, if_match=changed)
    with pytest.raises(NotFound):
        await api.get_event(SLUG, event.id)


async def test_problem_fields_are_carried_by_the_exception(api: AsyncClient) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await api.create_event(SLUG, kind="meeting", title="Bad kind", date="2026-01-01")
    assert refused.value.status == 422
    assert "kind" in [e.field for e in refused.value.errors]


async def test_a_create_whose_response_was_lost_is_retried_and_stays_single(
    shared_server: str,
) -> None:
    transport = AsyncLosesFirstResponse("POST")
    retry = RetryPolicy(backoff=0.01)
    async with AsyncClient(shared_server, ADMIN_TOKEN, transport=transport, retry=retry) as api:
        event = await api.create_event(SLUG, kind="note", title="Async once", date="2026-11-03")
        found = [e.id async for e in api.timeline(SLUG) if e.title == "Async once"]
    assert len(transport.sent) == 2
    assert (
        transport.sent[0].headers["idempotency-key"] == transport.sent[1].headers["idempotency-key"]
    )
    assert found == [event.id]


async def test_concurrent_creates_with_one_key_make_one_event(api: AsyncClient) -> None:
    made = await asyncio.gather(
        *(
            api.create_event(
                SLUG, kind="note", title="Gathered", date="2026-11-04", idempotency_key="gathered"
            )
            for _ in range(5)
        )
    )
    assert len({e.id for e in made}) == 1
    assert [e.id async for e in api.timeline(SLUG) if e.title == "Gathered"] == [made[0].id]


async def test_analysis_items_and_feeds(api: AsyncClient) -> None:
    report = await api.risks(SLUG, as_of="2023-06-30")
    assert report.deadlines and report.deadlines[0].reasons
    eif = await api.entry_into_force(SLUG)
    assert eif.rule is not None and eif.rule["instruments"] == 40
    keys = [i.key async for i in api.items(SLUG)]
    assert keys and keys == sorted(keys)
    first = await api.calendar(SLUG)
    second = await api.calendar(SLUG)
    assert second.not_modified and second.content == first.content
    assert b"BEGIN:VCALENDAR" in first.content
    digest = await api.digest(format="html", as_of="2023-06-30")
    assert "<html" in digest.text.lower()
    feed = (await api.changes_json(SLUG, limit=2)).json()
    assert len(feed["items"]) == 2
    atom = await api.changes_atom(limit=2)
    assert atom.text.lstrip().startswith("<?xml")
    assert (await api.timelinejs(SLUG)).json()["events"]
    assert (await api.health())["status"]


async def test_an_unreachable_server_raises_connection_failed() -> None:
    retry = RetryPolicy(max_retries=1, backoff=0.01)
    async with AsyncClient(f"http://127.0.0.1:{free_port()}", retry=retry) as api:
        with pytest.raises(ConnectionFailed):
            await api.get_process(SLUG)
