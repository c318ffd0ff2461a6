"""The list fast path: `event_json` serves exactly what the `EventPublic` model would, and the
single-statement timeline read tells an unknown process from an empty one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import assert_problem, record
from timeline.api.common import event_json, event_public
from timeline.clock import today
from timeline.domain.model import EventState
from timeline.schemas import EventPage, UpcomingPage
from timeline.seed import load_seed
from timeline.store import events as event_store
from timeline.store.db import Database
from timeline.store.events import EventFilter
from timeline.store.processes import get_process

ROOT = "https://timeline.example"


def _fast(state: EventState) -> Any:
    return msgspec.json.decode(msgspec.json.encode(event_json(state, ROOT)))


def _model(state: EventState) -> Any:
    return json.loads(event_public(state, ROOT).model_dump_json())


async def test_event_json_equals_the_public_model_for_every_seed_event(database_url: str) -> None:
    db = Database(database_url)
    try:
        await load_seed(db, "ahc-cybercrime")
        async with db.read() as session:
            process = await get_process(session, "ahc-cybercrime")
            states = await event_store.event_states(session, [process], EventFilter())
    finally:
        await db.dispose()
    assert len(states) > 30
    kinds = {s.kind for s in states}
    assert {"vote_point", "eif_threshold", "session", "deadline"} <= kinds
    for state in states:
        assert _fast(state) == _model(state), state.id
        # read without SQLAlchemy's result processing: the store finishes the values itself
        assert state.created_at.tzinfo is dt.UTC and state.updated_at.tzinfo is dt.UTC
        assert type(state.known_on) is dt.date
        assert isinstance(state.tags, list) and isinstance(state.attributes, dict)


# what the write path stores: stripped, non-empty text
_text = st.text(min_size=1, max_size=20).map(str.strip).filter(bool)
_dates = st.sampled_from(
    ["2023-05-10", "2023-05", "2023", "2023-21", "2023-05-01/2023-05-03", "2023-06~", "2024?"]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=_text,
    date=_dates,
    kind=st.sampled_from(["session", "vote_point", "eif_threshold", "note", "deadline"]),
    sources=st.lists(
        st.fixed_dictionaries(
            {"url": st.just("https://example.org/a")},
            optional={"title": _text, "quote": _text},
        ),
        max_size=2,
    ),
    depends=st.lists(
        st.fixed_dictionaries({"event": _text}, optional={"lag_days": st.integers(0, 3650)}),
        max_size=2,
    ),
    attributes=st.dictionaries(
        st.sampled_from(["rule", "yes", "no", "instruments", "hard", "formal", "party"]),
        st.one_of(st.integers(0, 200), st.booleans(), _text),
        max_size=4,
    ),
)
def test_event_json_equals_the_public_model_for_sparse_documents(
    title: str,
    date: str,
    kind: str,
    sources: list[dict[str, Any]],
    depends: list[dict[str, Any]],
    attributes: dict[str, Any],
) -> None:
    moment = dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    if kind == "vote_point":
        attributes = {"rule": "two_thirds_present_voting", **attributes}
        attributes = {k: v for k, v in attributes.items() if k not in ("yes", "no")}
    state = EventState(
        id="e1",
        process="p",
        kind=kind,
        title=title,
        date=date,
        status="planned",
        version=3,
        created_at=moment,
        updated_at=moment,
        known_on=dt.date(2024, 1, 2),
        sources=sources,
        depends_on=depends,
        attributes=attributes,
    )
    assert _fast(state) == _model(state)


async def test_timeline_and_upcoming_bodies_validate_against_their_documented_models(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    soon = today() + dt.timedelta(days=9)
    await record(app_client, admin_headers, process, title="S", date=today().isoformat())
    await record(app_client, admin_headers, process, kind="note", title="N", date=soon.isoformat())
    page = await app_client.get(f"/api/v1/processes/{process}/timeline")
    assert page.status_code == 200, page.text
    assert len(EventPage.model_validate_json(page.content).items) == 2
    upcoming = await app_client.get("/api/v1/upcoming", params={"days": 60, "process": process})
    assert upcoming.status_code == 200, upcoming.text
    body = UpcomingPage.model_validate_json(upcoming.content)
    assert [i.days_until for i in body.items] == [0, 9]


async def test_timeline_of_an_unknown_process_is_404_and_of_an_empty_one_is_an_empty_page(
    app_client: httpx.AsyncClient, process: str
) -> None:
    assert_problem(await app_client.get("/api/v1/processes/no-such-process/timeline"), 404)
    empty = await app_client.get(f"/api/v1/processes/{process}/timeline")
    assert empty.status_code == 200
    assert empty.json() == {"items": [], "next": None}
