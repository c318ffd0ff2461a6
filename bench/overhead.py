"""Benchmark: the product's request path against a bare Litestar app (issue #20).

Two servers run on the same core with the same uvicorn settings: the product (the bench app of
bench/apps.py: `create_app()` plus in-app baselines) and the bare app of bench/bare.py. Every
figure is a median of interleaved runs (bare hello, product /healthz, product 304, ... then
again), so that a machine that slows down mid-run moves all of them together. These pairs
are seconds apart and a few percent apart, so a full run takes `Options.close_rounds()`
rounds rather than the harness's 3: a ratio within 0.02 of its target is decided by the path,
not by one round.

Figures, each against the bare app in the same run:
- `/healthz` >= 0.85x bare hello (the cost of the request pipeline on the cheapest route);
- the 5,000-event `calendar.ics` 304 (`If-None-Match`) >= 0.7x bare hello;
- the full 5,000-event `calendar.ics` >= 0.8x the bare app's precomputed bytes;
- for reference, the in-app baselines (`/bench/hello` through the product's stack) against
  the bare ones, and the same pairs served by uvicorn's pure-Python loop and parser
  (`--loop asyncio --http h11`) instead of uvloop and httptools (`uvicorn[standard]`).

Rate limits stay on, raised out of the way (bench/harness.py), as in every benchmark.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx

from bench.calendar_feed import EVENTS, SLUG, loaded_calendar
from bench.harness import UVLOOP_HTTPTOOLS, Figure, Options, Server, WrkResult, median, wrk

__all__ = ["NAME", "run"]

NAME = "overhead"
_PURE = ("--loop", "asyncio", "--http", "h11")


def _interleaved(options: Options, targets: dict[str, Callable[[], WrkResult]]) -> dict[str, float]:
    """req/s medians of `targets`, measured in turn, round after round."""
    results: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(options.close_rounds()):
        for name, measure in targets.items():
            got = measure()
            if got.errors:
                raise RuntimeError(f"{name}: {got.errors} failed requests")
            results[name].append(got.rps)
    return {name: median(values) for name, values in results.items()}


def _measure_pair(
    options: Options, url: str, env: dict[str, str], args: tuple[str, ...]
) -> dict[str, float]:
    feed = f"/api/v1/processes/{SLUG}/calendar.ics"
    log = options.workdir / "overhead.log"
    with (
        Server(url, extra_env=env, log=log, uvicorn_args=args) as ours,
        Server(
            url, app="bench.bare:create_bare_app", extra_env=env, log=log, uvicorn_args=args
        ) as bare,
    ):
        etag = httpx.get(ours.url + feed, timeout=300).headers["etag"]
        c = options.connections
        d = options.duration

        def run(base: str, path: str, **headers: str) -> Callable[[], WrkResult]:
            return lambda: wrk(
                base + path,
                duration=d,
                connections=c,
                headers=headers or None,
                settle=base + "/healthz",
            )

        return _interleaved(
            options,
            {
                "bare hello": run(bare.url, "/bench/hello"),
                "healthz": run(ours.url, "/healthz"),
                "304": run(ours.url, feed, **{"If-None-Match": etag}),
                "in-app hello": run(ours.url, "/bench/hello"),
                "bare precomputed": run(bare.url, "/bench/precomputed"),
                "full": run(ours.url, feed),
                "in-app precomputed": run(ours.url, "/bench/precomputed"),
            },
        )


def run(options: Options) -> list[Figure]:
    """Load 5,000 events, serve them from the product and the bare app, compare."""
    url, ics_file = loaded_calendar(options, "overhead.db", "overhead.ics")
    env = {"BENCH_ICS_FILE": str(ics_file)}
    with Server(url, extra_env=env, log=options.workdir / "overhead.log") as server:
        body = httpx.get(f"{server.url}/api/v1/processes/{SLUG}/calendar.ics", timeout=300).content
    if body.count(b"BEGIN:VEVENT") != EVENTS:
        raise RuntimeError("the feed does not hold every event")
    ics_file.write_bytes(body)
    std = _measure_pair(options, url, env, UVLOOP_HTTPTOOLS)
    pure = _measure_pair(options, url, env, _PURE)

    def figure(
        name: str, ours: str, base: str, target: float | None, m: dict[str, float], note: str = ""
    ) -> Figure:
        ratio = m[ours] / m[base]
        return Figure(
            NAME,
            name,
            m[ours],
            "req/s",
            f"bare Litestar {base.removeprefix('bare ')}",
            m[base],
            f">= {target}x" if target is not None else "(reference)",
            None if target is None else ratio >= target,
            note,
        )

    return [
        figure("/healthz vs bare hello", "healthz", "bare hello", 0.85, std, "uvloop + httptools"),
        figure("calendar.ics 304 vs bare hello", "304", "bare hello", 0.7, std),
        figure(
            f"calendar.ics full ({EVENTS:,} events) vs bare bytes",
            "full",
            "bare precomputed",
            0.8,
            std,
        ),
        figure("in-app hello vs bare hello", "in-app hello", "bare hello", None, std),
        figure(
            "in-app precomputed vs bare bytes", "in-app precomputed", "bare precomputed", None, std
        ),
        figure("/healthz vs bare hello, asyncio + h11", "healthz", "bare hello", None, pure),
        figure("calendar.ics 304 vs bare hello, asyncio + h11", "304", "bare hello", None, pure),
        figure(
            "calendar.ics full vs bare bytes, asyncio + h11", "full", "bare precomputed", None, pure
        ),
        Figure(
            NAME,
            "bare hello: uvloop + httptools vs asyncio + h11",
            std["bare hello"],
            "req/s",
            "asyncio + h11",
            pure["bare hello"],
            "(reference)",
            None,
        ),
        Figure(
            NAME,
            "/healthz: uvloop + httptools vs asyncio + h11",
            std["healthz"],
            "req/s",
            "asyncio + h11",
            pure["healthz"],
            "(reference)",
            None,
        ),
        Figure(
            NAME,
            "calendar.ics full: uvloop + httptools vs asyncio + h11",
            std["full"],
            "req/s",
            "asyncio + h11",
            pure["full"],
            "(reference)",
            None,
        ),
    ]


if __name__ == "__main__":  # pragma: no cover - a handy single run
    from bench.__main__ import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
