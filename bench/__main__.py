"""`python -m bench`: run every benchmark (or `--only NAME ...`) and write the results table.

A full run writes bench/results.md; a `--quick` or partial run prints its table and writes it
under the scratch directory instead, so that it never replaces the committed figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench.harness import CLOSE_ROUNDS, ROOT, WRK_CORE, Figure, Options

MODULES = {
    "overhead": "bench.overhead",
    "calendar": "bench.calendar_feed",
    "timeline": "bench.reads",
    "risk": "bench.risk",
    "writes": "bench.writes",
    "workers": "bench.workers",
    "bundles": "bench.bundle_import",
    "forecast": "bench.positions",
    "cli": "bench.cli",
}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _postgres_version() -> str:
    try:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def render(
    figures: list[Figure], failures: list[str], options: Options, seconds: float, load: str
) -> str:
    """The results table as Markdown, with the date, the machine and the method."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"- date: {now}; whole run {seconds / 60:.1f} min"
        + (" (`--quick`)" if options.quick else ""),
        f"- machine: `nproc` = {os.cpu_count()}, CPU {_cpu_model()}, "
        f"{platform.system()} {platform.release()}; load average at the start {load} "
        "(other work on the machine shares its cores)",
        f"- software: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {_postgres_version()}, wrk {'present' if shutil.which('wrk') else 'absent'}",
        f"- method: server `taskset -c 0`, `wrk -t1 -c{options.connections}` `taskset -c 1`, "
        f"127.0.0.1 only, {options.duration} s per run, each figure the median of "
        f"{options.runs} runs (the overhead pairs and cold risks: {CLOSE_ROUNDS} interleaved "
        "rounds); "
        "baselines measured in the same run on the same server. "
        "See bench/README.md.",
        "",
        "| benchmark | figure | median | baseline (same run) | ratio | target | result | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = f.ratio
        verdict = "–" if f.passed is None else ("pass" if f.passed else "**FAIL**")
        baseline = f"{f.baseline_name}: {_fmt(f.baseline, f.unit)}" if f.baseline_name else "–"
        lines.append(
            f"| {f.benchmark} | {f.name} | {_fmt(f.value, f.unit)} | {baseline} | "
            f"{'–' if ratio is None else f'{ratio:.2f}x'} | {f.target or '–'} | {verdict} | "
            f"{f.note} |"
        )
    if failures:
        lines += ["", "## Not measured", ""]
        lines += [f"- {failure}" for failure in failures]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 1 when a target failed or a benchmark could not run."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s runs, smaller data: a smoke run")
    parser.add_argument("--only", nargs="+", choices=sorted(MODULES), help="run only these")
    parser.add_argument("--out", type=Path, help="where to write the table")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TIMELINE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server where bench databases may be created and dropped",
    )
    args = parser.parse_args(argv)
    options = Options(
        duration=1 if args.quick else 5,
        quick=args.quick,
        postgres_url=args.postgres_url,
    )
    names = args.only or list(MODULES)
    # This process is a client too (it times cold requests one by one): keep it off the
    # server's core, on the load generator's, so that it never competes with the server.
    os.sched_setaffinity(0, {int(WRK_CORE)})
    started = time.monotonic()
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    figures: list[Figure] = []
    failures: list[str] = []
    for name in names:
        print(f"== {name}", flush=True)
        began = time.monotonic()
        try:
            module = importlib.import_module(MODULES[name])
            got = module.run(options)
        except Exception as error:  # one broken benchmark must not hide the others
            traceback.print_exc()
            failures.append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0]}")
            continue
        figures += got
        for f in got:
            ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
            print(f"   {f.name}: {_fmt(f.value, f.unit)} {ratio} {f.note}", flush=True)
        print(f"   ({time.monotonic() - began:.0f} s)", flush=True)
    table = render(figures, failures, options, time.monotonic() - started, load)
    full = not args.quick and not args.only
    out = args.out or (ROOT / "bench" / "results.md" if full else options.workdir / "results.md")
    out.write_text(table)
    print(table)
    print(f"written to {out}")
    if full:
        shutil.rmtree(options.workdir, ignore_errors=True)
    failed = failures or any(f.passed is False for f in figures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
