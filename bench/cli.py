"""Benchmark: how much CPU a run of the `timeline` command costs, from start to exit.

Compared, in the same run: `python -c pass` (the interpreter's own start, with the venv's
site-packages) against `timeline --help` and `timeline --version` (target <= 3x: they import no
command), and client commands against the demo data on a live server, `upcoming`, `timeline`
and `risks` (target <= 0.3 s of CPU each: they import the HTTP client and rich, never the
server's modules). And `push` of the demo's exported bundle to a server that already holds it
(every process unchanged), in wall time against a read of the same process with `timeline
timeline` (target <= 2x: a re-run costs about what reading the target does, whatever the
bundle's size, since it is one request the server answers without writing).

Each figure is the median of interleaved runs (one of each command per round, so a busy moment
of the machine touches all of them alike) of the user + system CPU time of the process, which
the kernel counts per process and `getrusage(RUSAGE_CHILDREN)` adds up once it is waited for
(what `/usr/bin/time` reports). CPU rather than wall time: the machine is shared, and a run that
waits for the server or for a core costs the user nothing they could save. The commands run as
`python -m timeline.cli` from this tree (the `timeline` script does the same import).
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.data import create_sqlite_database
from bench.harness import BENCH_ADMIN_TOKEN, ROOT, Figure, Options, Server, median

__all__ = ["CLIENT_TARGET_SECONDS", "NAME", "PUSH_TARGET_RATIO", "START_TARGET_RATIO", "run"]

NAME = "cli"
START_TARGET_RATIO = 3.0
CLIENT_TARGET_SECONDS = 0.3
PUSH_TARGET_RATIO = 2.0
SLUG = "ahc-cybercrime"


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TIMELINE_DATABASE_URL": database_url,
        "COLUMNS": "160",  # the width a person's terminal gives the tables
    }


def cpu_seconds(argv: Sequence[str], env: dict[str, str], expect: str) -> float:
    """The user + system CPU seconds of one run of `argv`, which must exit 0 and print
    `expect`."""
    # The server is this process's child too, but it is waited for only when it stops: until
    # then the children's total grows by exactly the runs waited for here.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or expect not in done.stdout:
        raise RuntimeError(
            f"{' '.join(argv[1:])} exited {done.returncode} without {expect!r}: "
            f"{(done.stderr or done.stdout)[-300:]}"
        )
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall_seconds(argv: Sequence[str], env: dict[str, str], expect: str) -> float:
    """The wall time of one run of `argv`, which must exit 0 and print `expect`."""
    began = time.perf_counter()
    cpu_seconds(argv, env, expect)
    return time.perf_counter() - began


def _push_figure(timeline: list[str], env: dict[str, str], rounds: int, workdir: Path) -> Figure:
    """`push` re-run of the demo's bundle to a second server that got it from a first push,
    against `timeline timeline` of the same process on that server."""
    bundle = str(workdir / "cli-bundle.json")
    subprocess.run([*timeline, "export", "--output", bundle], cwd=ROOT, env=env, check=True)
    target = asyncio.run(create_sqlite_database(workdir / "cli-push.db"))
    pushes: list[float] = []
    reads: list[float] = []
    with Server(target, log=workdir / "cli-push.log") as server:
        push = [*timeline, "push", bundle, "--server", server.url, "--token", BENCH_ADMIN_TOKEN]
        read = [*timeline, "timeline", SLUG, "--server", server.url]
        cpu_seconds(push, env, "created")  # the first push writes; the re-runs change nothing
        for _ in range(rounds):
            pushes.append(wall_seconds(push, env, "unchanged"))
            reads.append(wall_seconds(read, env, SLUG))
    pushed, read_ms = median(pushes) * 1000, median(reads) * 1000
    return Figure(
        NAME,
        "`timeline push BUNDLE` re-run (the demo, unchanged), wall time",
        pushed,
        "ms",
        "`timeline timeline` of the process",
        read_ms,
        f"<= {PUSH_TARGET_RATIO:g}x",
        pushed <= PUSH_TARGET_RATIO * read_ms,
        f"median of {rounds} interleaved runs",
    )


def run(options: Options) -> list[Figure]:
    """Seed the demo, serve it, time each command in interleaved rounds."""
    url = asyncio.run(create_sqlite_database(options.workdir / "cli.db"))
    env = _env(url)
    timeline = [sys.executable, "-m", "timeline.cli"]
    subprocess.run([*timeline, "seed", SLUG], cwd=ROOT, env=env, check=True, capture_output=True)
    rounds = 5 if options.quick else 15
    with Server(url, log=options.workdir / "cli.log") as server:
        client = ("--server", server.url)
        commands: dict[str, tuple[list[str], str]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], ""),
            "timeline --help": ([*timeline, "--help"], "usage: timeline"),
            "timeline --version": ([*timeline, "--version"], "timeline "),
            "timeline upcoming": (
                [*timeline, "upcoming", *client, "--as-of", "2023-06-01", "--days", "120"],
                "Coming up",
            ),
            "timeline timeline": ([*timeline, "timeline", SLUG, *client], SLUG),
            "timeline risks": ([*timeline, "risks", SLUG, *client], "Deadlines of"),
        }
        for argv, expect in commands.values():  # a first run of each: files in the page cache
            cpu_seconds(argv, env, expect)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, (argv, expect) in commands.items():
                times[name].append(cpu_seconds(argv, env, expect))
    ms = {name: median(values) * 1000 for name, values in times.items()}
    base = ms["python -c pass"]
    figures = [
        Figure(
            NAME,
            f"`{name}`, CPU per run",
            ms[name],
            "ms",
            "python -c pass",
            base,
            f"<= {START_TARGET_RATIO:g}x",
            ms[name] <= START_TARGET_RATIO * base,
            f"median of {rounds} interleaved runs",
        )
        for name in ("timeline --help", "timeline --version")
    ]
    notes = {
        "timeline upcoming": "120 days from 2023-06-01 of the demo, a table",
        "timeline timeline": "the demo process, every page, a table",
        "timeline risks": "the demo's deadlines, a table and reasons",
    }
    for name, note in notes.items():
        figures.append(
            Figure(
                NAME,
                f"`{name} --server URL`, CPU per run",
                ms[name],
                "ms",
                "python -c pass",
                base,
                f"<= {CLIENT_TARGET_SECONDS * 1000:.0f} ms",
                ms[name] <= CLIENT_TARGET_SECONDS * 1000,
                f"{note}; median of {rounds} interleaved runs",
            )
        )
    figures.append(_push_figure(timeline, env, max(rounds // 3, 3), options.workdir))
    return figures


if __name__ == "__main__":  # pragma: no cover - a handy single run
    from bench.__main__ import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
