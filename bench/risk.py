"""Benchmark 3: risk and entry-into-force of a process with 2,000 events and 300 items.

The process is written through the store's own functions (so every dependency, vote point and
threshold is valid): sessions and informals, a deadline every 10 events that waits for the
session before it, vote points, the adopted entry-into-force threshold and 60 ratifications,
and 300 negotiation items in every status.

Figures (sequential requests, one at a time; the cold ones and the page times they are
compared with are taken in turn, `Options.close_rounds()` rounds, medians):
- cold: the first assessment after an event changed with `known_on` = AS_OF, so that the change
  is part of what was known on the day asked about: the answer cached for AS_OF no longer
  applies (answers are keyed by the revisions known on their day, see services/analysis.py),
  the service reads the new revision and runs the model again in full. Against the time of a
  timeline page of 100 events on the same server; target 3x. (A change known only after AS_OF
  would leave the cached answer valid: that would not be a cold run.)
- fully cold (reference): the first assessment of a fresh server process, which also loads
  every input from the logs and pays each first use (imports, compiled statements), against the
  same page time; one fresh server per run and per analysis.
- cached: requests/s of repeated assessments (answer cached for the day) under wrk, against the
  timeline page's requests/s.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from bench.data import create_sqlite_database
from bench.harness import (
    Figure,
    Options,
    Server,
    change_with_if_match,
    median,
    seconds_of_get,
    wrk_runs,
)
from timeline.domain.items import ITEM_STATUSES
from timeline.services import events as event_store
from timeline.store.db import Database
from timeline.store.items import create_item
from timeline.store.processes import create_process

__all__ = ["EVENTS", "ITEMS", "NAME", "run"]

NAME = "risk"
EVENTS = 2_000
ITEMS = 300
SLUG = "risky"
AS_OF = dt.date(2024, 6, 1)
_NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def _document(index: int, previous_session: str | None) -> dict[str, object]:
    day = dt.date(2019, 1, 7) + dt.timedelta(days=index * 2)
    if index % 10 == 9 and previous_session:
        return {
            "kind": "deadline",
            "title": f"Deadline {index}",
            "date": day.isoformat(),
            "depends_on": [{"event": previous_session, "lag_days": 1}],
            "attributes": {"hard": index % 20 == 9},
        }
    if index % 10 == 5:
        return {
            "kind": "vote_point",
            "title": f"Vote {index}",
            "date": day.isoformat(),
            "attributes": {"rule": "two_thirds_present_voting", "subject": f"Article {index % 70}"},
        }
    if index % 33 == 0 and index >= 1200:
        return {
            "kind": "ratification",
            "title": f"Ratification {index}",
            "date": day.isoformat(),
            "attributes": {"party": f"State {index}"},
        }
    kind = ("session", "informal", "consultation")[index % 3]
    return {
        "kind": kind,
        "title": f"{kind.capitalize()} {index}",
        "date": f"{day.isoformat()}/{(day + dt.timedelta(days=index % 5)).isoformat()}",
        "status": "held" if day < AS_OF else "planned",
        "tags": ["plenary"],
    }


async def _load(url: str) -> None:
    db = Database(url)
    async with db.write() as session:
        process = await create_process(session, {"slug": SLUG, "title": "Risky talks"}, now=_NOW)
        session_id: str | None = None
        for index in range(EVENTS - 1):
            state = await event_store.create_event(
                session,
                process,
                _document(index, session_id),
                known_on=AS_OF,
                actor="bench",
                now=_NOW,
                event_id=f"r-{index:05d}",
            )
            if state.kind == "session":
                session_id = state.id
        await event_store.create_event(
            session,
            process,
            {
                "kind": "eif_threshold",
                "title": "Entry into force",
                "date": "2023-12-01",
                "attributes": {"instruments": 40, "delay_days": 90, "adopted": True},
            },
            known_on=AS_OF,
            actor="bench",
            now=_NOW,
        )
        for index in range(ITEMS):
            await create_item(
                session,
                process,
                {
                    "key": f"art-{index}",
                    "title": f"Article {index}",
                    "chapter": f"Chapter {index // 30}",
                    "status": ITEM_STATUSES[index % len(ITEM_STATUSES)],
                },
                known_on=AS_OF,
                actor="bench",
                now=_NOW,
            )
    await db.dispose()


def _change_known_on_the_day(client: httpx.Client, api: str, event_id: str, note: str) -> None:
    """PATCH the event's summary as known on AS_OF, and check the change shows as of AS_OF."""
    event_url = f"{api}/events/{event_id}"
    change_with_if_match(
        client, "PATCH", event_url, {"summary": note, "known_on": AS_OF.isoformat()}
    )
    seen = client.get(event_url, params={"as_of": AS_OF.isoformat()}).json()
    if seen.get("summary") != note:
        raise RuntimeError(f"the change to {event_id} is not visible as of {AS_OF}")


def _fully_cold(url: str, options: Options, target: str) -> float:
    """Seconds of the first request to `target` (a path) of a freshly started server."""
    with Server(url, log=options.workdir / "risk.log") as server, httpx.Client(timeout=300) as c:
        return seconds_of_get(lambda: c.get(server.url + target))


def run(options: Options) -> list[Figure]:
    """Write the process, serve it, time cold and cached assessments against a page."""
    url = asyncio.run(create_sqlite_database(options.workdir / "risk.db"))
    asyncio.run(_load(url))
    figures: list[Figure] = []
    with Server(url, log=options.workdir / "risk.log") as server:
        api = f"{server.url}/api/v1/processes/{SLUG}"
        page = f"{api}/timeline?limit=100"
        risks = f"{api}/risks?as_of={AS_OF.isoformat()}"
        eif = f"{api}/entry-into-force?as_of={AS_OF.isoformat()}"
        client = httpx.Client(timeout=300)
        for warm in (page, risks, eif):  # imports, first-use caches of the process
            client.get(warm)
        # Interleaved: each round times pages next to the cold answers it is compared with,
        # so a slower minute of the shared machine weighs on both sides of the ratio.
        pages: list[float] = []
        cold: dict[str, list[float]] = {"risks": [], "entry-into-force": []}
        # cold answers are single requests: `close_rounds()` rounds (each changes an event)
        for attempt in range(options.close_rounds()):
            pages += [seconds_of_get(lambda: client.get(page)) for _ in range(3)]
            for index, (name, target) in enumerate((("risks", risks), ("entry-into-force", eif))):
                # a change known on AS_OF: the answers cached for AS_OF no longer apply
                _change_known_on_the_day(
                    client,
                    api,
                    f"r-{attempt * 3 + index:05d}",
                    f"Changed for a cold {name} run {attempt}",
                )
                cold[name].append(seconds_of_get(lambda target=target: client.get(target)))
        client.close()
        page_seconds = median(pages)
        for name, seconds in cold.items():
            figures.append(
                Figure(
                    NAME,
                    f"{name}, cold (after a change known on the day), "
                    f"{EVENTS:,} events + {ITEMS} items",
                    median(seconds) * 1000,
                    "ms",
                    "timeline page of 100",
                    page_seconds * 1000,
                    "<= 3x",
                    median(seconds) <= 3 * page_seconds,
                )
            )

        def rps(target: str) -> float:
            results = wrk_runs(options, target, server.url + "/healthz")
            if any(r.errors for r in results):
                raise RuntimeError(f"{target}: failed requests")
            return median([r.rps for r in results])

        # the cold runs moved the log: compute once more so wrk measures the cached path
        # (8 connections missing the cache at once would each compute it: no request merging)
        for warm in (risks, eif):
            httpx.get(warm, timeout=300)
        page_rps = rps(page)
        for name, target in (("risks", risks), ("entry-into-force", eif)):
            figures.append(
                Figure(
                    NAME,
                    f"{name}, cached (nothing known on the day changed)",
                    rps(target),
                    "req/s",
                    "timeline page of 100",
                    page_rps,
                    "(reference)",
                    None,
                )
            )
    # after the server above is gone, so that nothing else runs on the server core
    for name, target in (("risks", risks), ("entry-into-force", eif)):
        path = target.removeprefix(server.url)
        seconds = median([_fully_cold(url, options, path) for _ in range(options.runs)])
        figures.append(
            Figure(
                NAME,
                f"{name}, fully cold (first request of a fresh worker)",
                seconds * 1000,
                "ms",
                "timeline page of 100",
                page_seconds * 1000,
                "(reference)",
                None,
            )
        )
    return figures
