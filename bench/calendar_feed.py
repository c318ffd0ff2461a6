"""Benchmark 1: `calendar.ics` of a process with 5,000 events.

Compared, in the same run:
- Radicale (from PyPI, auth none, 127.0.0.1, pinned to the server core) holding the same 5,000
  events, one item per event as a CalDAV client would store them, serving the whole collection
  over GET;
- the same server returning the feed's bytes precomputed in memory (`/bench/precomputed`);
- for the 304 path (a subscriber polling with `If-None-Match`), a hello-world route on the same
  server (`/bench/hello`).

Targets: full responses >= 0.5x the precomputed bytes; 304 >= 0.5x hello world; a cold build of
the feed (the first request after the server starts, nothing cached) <= 0.25x Radicale's time
per request. Also reported: a rebuild after one event changed (what subscribers get after an
edit): the whole feed is read and written again, with the dates already parsed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import http.client
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar
from sqlalchemy.ext.asyncio import create_async_engine

from bench.data import add_events_sqlite, add_process, create_sqlite_database
from bench.harness import (
    BENCH_ADMIN_TOKEN,
    SERVER_CORE,
    Figure,
    Options,
    Server,
    free_port,
    median,
    repeat,
    wrk,
)

__all__ = ["EVENTS", "NAME", "run"]

NAME = "calendar"
EVENTS = 5_000
SLUG = "cal"


async def _load(path: Path, url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        process_id = await add_process(conn, SLUG)
    await engine.dispose()
    add_events_sqlite(path, process_id, EVENTS, prefix="cal-")


def _radicale_collection(folder: Path, feed: bytes) -> int:
    """Split our feed into one calendar object per event, as Radicale stores them."""
    calendar = Calendar.from_ical(feed)
    collection = folder / "collection-root" / "bench" / "cal"
    collection.mkdir(parents=True)
    (collection / ".Radicale.props").write_text(json.dumps({"tag": "VCALENDAR"}))
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    count = 0
    for component in calendar.walk("VEVENT"):
        item = Calendar()
        item.add("prodid", "-//timeline bench//EN")
        item.add("version", "2.0")
        for zone in zones:
            item.add_component(zone)
        item.add_component(component)
        uid = str(component["UID"])
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in uid)
        (collection / f"{name}.ics").write_bytes(item.to_ical())
        count += 1
    return count


class _Radicale:
    """A Radicale server on 127.0.0.1, pinned to the server core, stopped on exit."""

    def __init__(self, folder: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/bench/cal/"
        self.folder = folder
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Radicale:
        command = ["taskset", "-c", SERVER_CORE, sys.executable, "-m", "radicale"]
        command += ["--server-hosts", f"127.0.0.1:{self.port}", "--auth-type", "none"]
        command += ["--rights-type", "authenticated", "--logging-level", "warning"]
        command += ["--storage-filesystem-folder", str(self.folder)]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # the first GET also fills Radicale's own item cache, as in steady use
                if httpx.get(self.url, timeout=120).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("Radicale did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@dataclasses.dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: dict[str, str]
    content: bytes


def _timed_get(url: str) -> tuple[float, _Answer]:
    # http.client, not httpx: reading a 3.6 MB body costs httpx ~50 ms of its own on this
    # machine (http.client: ~6 ms), which would be charged to the server; Radicale's figure
    # comes from wrk, which charges it nothing.
    parts = urlsplit(url)
    began = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=300)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        answer = _Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()
    return time.perf_counter() - began, answer


def loaded_calendar(options: Options, database: str, feed: str) -> tuple[str, Path]:
    """A SQLite database `database` in the work folder with the 5,000 events loaded (its URL),
    and the file `feed` there, where the servers find the precomputed calendar."""
    path = options.workdir / database
    url = asyncio.run(create_sqlite_database(path))
    asyncio.run(_load(path, url))
    return url, options.workdir / feed


def run(options: Options) -> list[Figure]:
    """Load 5,000 events, serve them from both servers, measure, compare."""
    url, ics_file = loaded_calendar(options, "calendar.db", "precomputed.ics")
    env = {"BENCH_ICS_FILE": str(ics_file)}
    log = options.workdir / "calendar.log"
    feed_path = f"/api/v1/processes/{SLUG}/calendar.ics"
    figures: list[Figure] = []

    # cold builds: the first request after a fresh start, nothing cached in the process
    cold: list[float] = []
    for _ in range(options.runs):
        with Server(url, extra_env=env, log=log) as server:
            seconds, response = _timed_get(server.url + feed_path)
            if response.status_code != 200:
                raise RuntimeError(f"calendar.ics answered {response.status_code}")
            cold.append(seconds)
            feed = response.content
    ics_file.write_bytes(feed)
    if feed.count(b"BEGIN:VEVENT") != EVENTS:
        raise RuntimeError(f"the feed holds {feed.count(b'BEGIN:VEVENT')} events, not {EVENTS}")

    def measure(target: str, **kwargs: object) -> tuple[float, float]:
        settle = target.split("/", 3)[0:3]
        results = repeat(
            options.runs,
            lambda: wrk(
                target,
                duration=options.duration,
                settle="/".join(settle) + "/healthz"
                if "/api/" in target or "/bench/" in target
                else None,
                **kwargs,  # type: ignore[arg-type]
            ),
        )
        if any(r.errors for r in results):
            raise RuntimeError(f"{target}: {sum(r.errors for r in results)} failed requests")
        return median([r.rps for r in results]), median([r.p50_ms for r in results])

    with Server(url, extra_env=env, log=log) as server:
        full = server.url + feed_path
        etag = httpx.get(full, timeout=300).headers["etag"]
        precomputed = measure(server.url + "/bench/precomputed", connections=options.connections)
        ours = measure(full, connections=options.connections)
        hello = measure(server.url + "/bench/hello", connections=options.connections)
        not_modified = measure(
            full, connections=options.connections, headers={"If-None-Match": etag}
        )
        # one event changes (the real write path, If-Match), then a subscriber asks again
        after_change: list[float] = []
        for attempt in range(options.runs):
            event_url = f"{server.url}/api/v1/processes/{SLUG}/events/cal-{attempt:07d}"
            current = httpx.get(event_url, timeout=30)
            patched = httpx.patch(
                event_url,
                json={"title": f"Renamed in run {attempt}"},
                headers={
                    "Authorization": f"Bearer {BENCH_ADMIN_TOKEN}",
                    "If-Match": current.headers["etag"],
                },
                timeout=30,
            )
            if patched.status_code != 200:
                raise RuntimeError(f"PATCH answered {patched.status_code}: {patched.text}")
            seconds, response = _timed_get(full)
            if response.headers["etag"] == etag or response.status_code != 200:
                raise RuntimeError("the feed did not change after an event changed")
            after_change.append(seconds)

    radicale_folder = options.workdir / "radicale"
    stored = _radicale_collection(radicale_folder, feed)
    with _Radicale(radicale_folder, options.workdir / "radicale.log") as radicale:
        check = httpx.get(radicale.url, timeout=300)
        served = check.content.count(b"BEGIN:VEVENT")
        if served != stored:
            raise RuntimeError(f"Radicale served {served} events of {stored}")
        rad = measure(radicale.url, connections=1)
    radicale_seconds = rad[1] / 1000

    figures += [
        Figure(
            NAME,
            f"calendar.ics, {EVENTS:,} events, full 200",
            ours[0],
            "req/s",
            "precomputed bytes",
            precomputed[0],
            ">= 0.5x",
            ours[0] / precomputed[0] >= 0.5,
            f"{len(feed) / 1e6:.1f} MB body; p50 {ours[1]:.0f} ms",
        ),
        Figure(
            NAME,
            "calendar.ics vs Radicale (full 200)",
            ours[0],
            "req/s",
            "Radicale GET of the collection",
            rad[0],
            "(reference)",
            None,
            f"Radicale p50 {rad[1]:.0f} ms, 1 connection",
        ),
        Figure(
            NAME,
            "calendar.ics 304 (If-None-Match)",
            not_modified[0],
            "req/s",
            "hello world",
            hello[0],
            ">= 0.5x",
            not_modified[0] / hello[0] >= 0.5,
            f"p50 {not_modified[1]:.1f} ms",
        ),
        Figure(
            NAME,
            "cold build (first request after start)",
            median(cold),
            "s",
            "Radicale time per request",
            radicale_seconds,
            "<= 0.25x",
            median(cold) <= 0.25 * radicale_seconds,
        ),
        Figure(
            NAME,
            "rebuild after one event changed",
            median(after_change),
            "s",
            "Radicale time per request",
            radicale_seconds,
            "(reference)",
            None,
        ),
    ]
    return figures


if __name__ == "__main__":  # pragma: no cover - a handy single run
    from bench.__main__ import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
