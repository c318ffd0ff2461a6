"""The library of real negotiations: every data file loads through the public loader, cites its
sources, never knows an outcome before it happened, and replays to what actually happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.seed._schema import schema_errors
from timeline.clock import today
from timeline.domain.dates import parse_date
from timeline.domain.endings import LIBRARY_ENDINGS
from timeline.seed import load_seed, seed_event_id
from timeline.seed.dataset import available, read_raw
from timeline.services.analysis import replay
from timeline.settings import Settings
from timeline.store.db import Database

# A deadline of a running process whose outcome is not known yet: any status but met or missed.
UNDECIDED = "undecided"
# What happened, per process: each deadline's outcome (by title) and the entry-into-force date
# (None while the treaty is not in force). The files must replay to exactly this today.
EXPECTED: dict[str, dict[str, Any]] = {
    "arms-trade-treaty": {
        "deadlines": {
            "Treaty concluded at the July 2012 conference": "missed",
            "Treaty concluded at the final conference (by 28 March 2013)": "missed",
        },
        "entry_into_force": "2014-12-24",
    },
    "minamata": {
        "deadlines": {
            "Negotiations completed before the 27th session of the UNEP Governing Council": "met",
            "Convention adopted at a diplomatic conference in October 2013": "met",
        },
        "entry_into_force": "2017-08-16",
    },
    "tpnw": {
        "deadlines": {
            "Instrument negotiated at the 2017 conference": "met",
            "Text approved by the end of the second session (7 July 2017)": "met",
        },
        "entry_into_force": "2021-01-22",
    },
    "paris-agreement": {
        "deadlines": {"Agreement completed no later than 2015 and adopted at COP21": "met"},
        "entry_into_force": "2016-11-04",
    },
    "copenhagen-cop15": {
        "deadlines": {
            "Agreed outcome adopted at COP15 (Bali Action Plan, 2009)": "missed",
            "Agreed outcome reached through decisions up to COP18 (2012)": "met",
        },
        "entry_into_force": None,
    },
    "who-fctc": {
        # WHO dated the 40th instrument 30 November 2004 (entry into force 28 February 2005,
        # as WHO first announced); the depositary records 27 February 2005 (see the file).
        "deadlines": {"Convention adopted by the World Health Assembly in May 2003": "met"},
        "entry_into_force": "2005-02-28",
    },
    "escazu": {"deadlines": {}, "entry_into_force": "2021-04-22"},
    "marrakesh-treaty": {
        "deadlines": {"Treaty concluded at the June 2013 Diplomatic Conference": "met"},
        "entry_into_force": "2016-09-30",
    },
    "global-compact-migration": {
        "deadlines": {"Global compact adopted at an intergovernmental conference in 2018": "met"},
        "entry_into_force": None,
    },
    "wipo-broadcasting": {
        "deadlines": {"Broadcasting treaty concluded at the 2007 Diplomatic Conference": "missed"},
        "entry_into_force": None,
    },
    "un-tax-convention": {
        "deadlines": {"Final texts submitted to the 82nd General Assembly (late 2027)": UNDECIDED},
        "entry_into_force": None,
    },
}

# Data sets that are not part of the library (the worked example is checked on its own).
NOT_LIBRARY = frozenset({"ahc-cybercrime"})
LIBRARY = sorted(name for name in available() if name not in NOT_LIBRARY)
# Outcome statuses: an event recorded with one of these has happened (or started).
OUTCOMES = frozenset({"held", "suspended"})


def _merged(steps: list[dict[str, Any]]) -> list[tuple[dt.date, dict[str, Any]]]:
    """Each step's known_on with the event as it stood after that step (merge patches)."""
    state: dict[str, Any] = {}
    out = []
    for step in steps:
        if "document" in step:
            state = dict(step["document"])
        else:
            for name, value in step["patch"].items():
                if value is None:
                    state.pop(name, None)
                else:
                    state[name] = value
        out.append((dt.date.fromisoformat(step["known_on"]), dict(state)))
    return out


def _first_day(raw: dict[str, Any]) -> dt.date:
    return min(
        dt.date.fromisoformat(step["known_on"])
        for event in raw["events"]
        for step in event["steps"]
    )


def test_the_library_holds_ten_processes_with_met_and_missed_targets() -> None:
    assert set(LIBRARY) == set(EXPECTED)
    assert len(LIBRARY) >= 10
    outcomes = [o for e in EXPECTED.values() for o in e["deadlines"].values()]
    assert "met" in outcomes and "missed" in outcomes and UNDECIDED in outcomes
    assert not {"pandemic", "plastics", "bbnj"} & {w for n in LIBRARY for w in n.split("-")}


@pytest.mark.parametrize("name", LIBRARY)
def test_file_matches_the_schema(name: str) -> None:
    assert schema_errors(name) == []
    assert read_raw(name)["process"]["slug"] == name


@pytest.mark.parametrize("name", LIBRARY)
def test_every_step_cites_a_source_with_a_url(name: str) -> None:
    raw = read_raw(name)
    for event in raw["events"]:
        for index, step in enumerate(event["steps"]):
            body = step.get("document") or step["patch"]
            sources = body.get("sources") or []
            urls = [(raw["sources"][s] if isinstance(s, str) else s)["url"] for s in sources]
            assert urls, f"{event['key']} step {index} cites no source"
            assert all(u.startswith(("https://", "http://")) for u in urls)


@pytest.mark.parametrize("name", LIBRARY)
def test_no_outcome_is_known_before_it_happened(name: str) -> None:
    raw = read_raw(name)
    for event in raw["events"]:
        for known_on, state in _merged(event["steps"]):
            if state["status"] in OUTCOMES:
                end = parse_date(state["date"]).end
                assert known_on >= end, f"{event['key']}: {state['status']} known on {known_on}"
            if state["kind"] in ("signature", "ratification"):
                assert known_on >= parse_date(state["date"]).end, event["key"]


@pytest.fixture
async def library_client(settings: Settings, app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    db = Database(settings.database_url)
    for name in LIBRARY:
        assert await load_seed(db, name) is not None
    await db.dispose()
    return app_client


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


async def test_every_process_replays_from_its_first_fact_to_today(
    library_client: httpx.AsyncClient,
) -> None:
    for name in LIBRARY:
        base = f"/api/v1/processes/{name}"
        first = _first_day(read_raw(name))
        for day in (first, today()):
            page = await _get(library_client, f"{base}/timeline", as_of=day.isoformat(), limit=500)
            assert page["items"], (name, day)
            await _get(library_client, f"{base}/risks", as_of=day.isoformat())
            await _get(library_client, f"{base}/entry-into-force", as_of=day.isoformat())
        before = await _get(
            library_client, f"{base}/timeline", as_of=(first - dt.timedelta(days=1)).isoformat()
        )
        assert before["items"] == []


async def test_every_process_replays_to_what_happened(
    library_client: httpx.AsyncClient,
) -> None:
    for name in LIBRARY:
        base = f"/api/v1/processes/{name}"
        risks = await _get(library_client, f"{base}/risks", as_of=today().isoformat())
        statuses = {r["event"]["title"]: r["status"] for r in risks["deadlines"]}
        expected = EXPECTED[name]["deadlines"]
        assert set(statuses) == set(expected), name
        for title, status in statuses.items():
            if expected[title] == UNDECIDED:
                assert status not in ("met", "missed"), (name, title, status)
            else:
                assert status == expected[title], (name, title, status)
        eif = await _get(library_client, f"{base}/entry-into-force", as_of=today().isoformat())
        assert eif["entry_into_force"] == EXPECTED[name]["entry_into_force"], name


async def test_the_base_rate_table_is_what_the_library_replays_to(database_url: str) -> None:
    # LIBRARY_ENDINGS feeds every answer's base rate: each outcome must be what the files
    # replay to, known first on its `decided` day (not the day before), and none missing.
    db = Database(database_url)
    try:
        decided: set[tuple[str, str]] = set()
        for name in available():
            assert await load_seed(db, name) is not None
            keys = {seed_event_id(name, e["key"]): e["key"] for e in read_raw(name)["events"]}
            risks, _, _ = await replay(db, name, today(), base_rate=0.5)
            decided |= {(name, keys[r.event.id]) for r in risks if r.status in ("met", "missed")}
        assert decided == {(e.process, e.deadline) for e in LIBRARY_ENDINGS}
        for ending in LIBRARY_ENDINGS:
            ident = seed_event_id(ending.process, ending.deadline)
            on, _, _ = await replay(db, ending.process, ending.decided, base_rate=0.5)
            before, _, _ = await replay(
                db, ending.process, ending.decided - dt.timedelta(days=1), base_rate=0.5
            )
            status = {r.event.id: r.status for r in on}[ident]
            assert status == ("met" if ending.met else "missed"), ending
            assert {r.event.id: r.status for r in before}[ident] not in ("met", "missed"), ending
    finally:
        await db.dispose()
