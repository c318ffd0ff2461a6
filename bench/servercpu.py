"""`python -m bench.servercpu`: the server's CPU time a request, for several apps, over sockets.

Each app (an import string of an app factory, `=PATH` for the path wrk asks) is served by its
own uvicorn process on the server core, with the settings `bench/overhead.py` uses, all at
once; wrk loads them in turn, round after round. For each run the server's user and system
time (from /proc) is divided by the requests it answered, so a figure is what a request costs
that process, whatever else the machine did in the same seconds. The first app is the
baseline: every line gives its req/s ratio (of medians, as `bench/overhead.py` reports) and
the median of the per-round ratios.

    python -m bench.servercpu bench.bare:create_bare_app=/bench/hello \\
        bench.apps:create_bench_app_without_pipeline=/healthz bench.apps:create_bench_app=/healthz

In-process timings (`bench.pathcost`) and instruction counts (`bench.instructions`) of the
request pipeline understate what it costs here (docs/performance.md, "On a third machine").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.data import create_sqlite_database
from bench.harness import UVLOOP_HTTPTOOLS, Server, median, wrk

__all__ = ["main"]


@dataclass(frozen=True)
class Run:
    """One wrk run against one server: its rate and what a request cost the server."""

    rps: float
    user_us: float
    system_us: float


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system seconds the process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _run(server: Server, pid: int, path: str, seconds: int) -> Run:
    user, system = _cpu_seconds(pid)
    got = wrk(server.url + path, duration=seconds, connections=8, settle=server.url + path)
    if got.errors or not got.requests:
        raise RuntimeError(f"{server.app} {path}: {got.errors} failed, {got.requests} answered")
    user_after, system_after = _cpu_seconds(pid)
    micros = 1e6 / got.requests
    return Run(got.rps, (user_after - user) * micros, (system_after - system) * micros)


def _worker_pid(server: Server) -> int:
    """The process that answers: uvicorn's own, with one worker."""
    if server._process is None:
        raise RuntimeError(f"{server.app} is not running")
    return server._process.pid


def main(argv: list[str] | None = None) -> int:
    """Measure, print a line an app, return 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.servercpu", description=__doc__)
    parser.add_argument("apps", nargs="+", help="FACTORY=PATH, the first one the baseline")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args(argv)
    targets = [spec.partition("=") for spec in args.apps]
    with tempfile.TemporaryDirectory(prefix="timeline-servercpu-") as scratch:
        url = asyncio.run(create_sqlite_database(Path(scratch) / "servercpu.db"))
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(Server(url, app=app, uvicorn_args=UVLOOP_HTTPTOOLS))
                for app, _, _ in targets
            ]
            runs: list[list[Run]] = [[] for _ in targets]
            for _ in range(args.rounds):
                for server, (_, _, path), kept in zip(servers, targets, runs, strict=True):
                    kept.append(_run(server, _worker_pid(server), path or "/healthz", args.seconds))
    base = runs[0]
    for (app, _, path), kept in zip(targets, runs, strict=True):
        rps = median([r.rps for r in kept])
        paired = median([r.rps / b.rps for r, b in zip(kept, base, strict=True)])
        print(
            f"{app}={path or '/healthz'}: {rps:,.0f} req/s, "
            f"user {median([r.user_us for r in kept]):.1f} us, "
            f"system {median([r.system_us for r in kept]):.1f} us a request; "
            f"against the first: {rps / median([b.rps for b in base]):.3f} "
            f"(per round: {paired:.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
