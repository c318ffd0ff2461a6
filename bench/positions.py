"""Benchmark: the vote forecast of a 193-party proposal, cold, against a timeline page of 100.

The process has 100 events (two of them vote points with recorded rolls of every member
state), a proposal with the stances of 120 parties and of four groups, and is written through
the services, so every stance and roll is checked as a user's would be.

Figure (sequential requests, one at a time, median of 3): the first forecast after a stance
changed with `known_on` = AS_OF (nothing is cached: every forecast reads the stances, groups
and rolls known on the day and convolves over 193 parties). Against the time of a timeline page
of 100 events on the same server; target 3x (issue 16).
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from bench.data import create_sqlite_database
from bench.harness import Figure, Options, Server, change_with_if_match, median, seconds_of_get
from timeline.services import events as event_service
from timeline.services import positions as position_service
from timeline.services import votes as vote_service
from timeline.services.positions import eligible_parties
from timeline.store.db import Database
from timeline.store.processes import create_process

__all__ = ["NAME", "run"]

NAME = "forecast"
SLUG = "positions"
PROPOSAL = "scope"
AS_OF = dt.date(2024, 6, 1)
_NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
_CASTS = ("yes", "no", "abstain", "absent")
_STANCES = ("support", "oppose", "abstain", "undecided")
_GROUPS = {"weog": "oppose", "african_group": "support", "arab_group": "support", "eu": "oppose"}


async def _load(url: str) -> None:
    db = Database(url)
    async with db.write() as session:
        process = await create_process(session, {"slug": SLUG, "title": "Positions"}, now=_NOW)
        for index in range(100):
            day = dt.date(2022, 1, 3) + dt.timedelta(days=index * 7)
            vote = index in (40, 80)
            await event_service.create_event(
                session,
                process,
                {
                    "kind": "vote_point" if vote else "session",
                    "title": f"Event {index}",
                    "date": day.isoformat(),
                    "status": "held",
                    **({"attributes": {"rule": "two_thirds_present_voting"}} if vote else {}),
                },
                known_on=AS_OF,
                actor="bench",
                now=_NOW,
                event_id=f"e-{index:03d}",
            )
    parties = eligible_parties()
    write = {"known_on": AS_OF, "actor": "bench", "now": _NOW}
    for event_id in ("e-040", "e-080"):
        roll = [{"party": p, "vote": _CASTS[i % 4]} for i, p in enumerate(parties)]
        await vote_service.put_roll(db, SLUG, event_id, roll, [], expected_version=None, **write)
    await position_service.create_proposal(
        db,
        SLUG,
        {"key": PROPOSAL, "title": "Wide scope", "rule": "two_thirds_present_voting"},
        **write,
    )
    source = [{"url": "https://example.org/statement"}]
    for i, party in enumerate(parties[:120]):
        document = {"stance": _STANCES[i % 4], "sources": source}
        await position_service.put_stance(
            db, SLUG, PROPOSAL, party, document, expected_version=None, **write
        )
    for key, stance in _GROUPS.items():
        await position_service.put_stance(
            db, SLUG, PROPOSAL, key, {"stance": stance}, expected_version=None, **write
        )
    await db.dispose()


def _change_a_stance(client: httpx.Client, api: str, party: str, stance: str) -> None:
    """A stance change known on AS_OF: whatever a forecast for AS_OF kept no longer applies."""
    url = f"{api}/proposals/{PROPOSAL}/positions/{party}"
    change_with_if_match(client, "PUT", url, {"stance": stance, "known_on": AS_OF.isoformat()})


def run(options: Options) -> list[Figure]:
    """Write the process, serve it, and time cold forecasts against a page of 100."""
    url = asyncio.run(create_sqlite_database(options.workdir / "positions.db"))
    asyncio.run(_load(url))
    with Server(url, log=options.workdir / "positions.log") as server:
        api = f"{server.url}/api/v1/processes/{SLUG}"
        page = f"{api}/timeline?limit=100"
        forecast = f"{api}/proposals/{PROPOSAL}/forecast?as_of={AS_OF.isoformat()}"
        with httpx.Client(timeout=300) as client:
            for warm in (page, forecast):  # imports, first-use caches of the process
                client.get(warm)
            page_seconds = median([seconds_of_get(lambda: client.get(page)) for _ in range(9)])
            cold = []
            parties = eligible_parties()
            for attempt in range(max(options.runs, 3)):
                party = parties[attempt]
                _change_a_stance(client, api, party, _STANCES[(attempt + 1) % 4])
                cold.append(seconds_of_get(lambda: client.get(forecast)))
    seconds = median(cold)
    return [
        Figure(
            NAME,
            "forecast of a 193-party proposal, cold (after a stance known on the day changed), "
            "124 stances + 2 rolls",
            seconds * 1000,
            "ms",
            "timeline page of 100",
            page_seconds * 1000,
            "<= 3x",
            seconds <= 3 * page_seconds,
        )
    ]
