"""The measuring tools every benchmark shares: servers pinned to a core, wrk on the other core,
medians of repeated runs, and the figures that end up in results.md.

Method (see bench/README.md): the server under test runs under `taskset -c 0`, the load
generator `wrk` under `taskset -c 1`, both on 127.0.0.1; every figure is the median of 3 runs and
is compared with a baseline measured by the same run on the same server.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = [
    "BENCH_ADMIN_TOKEN",
    "CLOSE_ROUNDS",
    "ROOT",
    "SERVER_CORE",
    "UVLOOP_HTTPTOOLS",
    "WRK_CORE",
    "Figure",
    "Options",
    "Server",
    "WrkResult",
    "change_with_if_match",
    "free_port",
    "median",
    "repeat",
    "seconds_of_get",
    "wrk",
    "wrk_runs",
]

ROOT = Path(__file__).resolve().parents[1]
SERVER_CORE = "0"
WRK_CORE = "1"
# uvicorn[standard]: what uvicorn's `auto` picks for `timeline serve`, and what the path benches use
UVLOOP_HTTPTOOLS = ("--loop", "uvloop", "--http", "httptools")
BENCH_ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"


CLOSE_ROUNDS = 5


@dataclass(frozen=True)
class Options:
    """How long and how often to measure (`--quick` shortens everything)."""

    duration: int = 5
    runs: int = 3
    connections: int = 8
    quick: bool = False
    postgres_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="timeline-bench-")))

    def close_rounds(self) -> int:
        """Interleaved rounds for figures whose target sits within a few percent of what they
        measure: `CLOSE_ROUNDS` in a full run, so that one noisy round cannot decide them."""
        return self.runs if self.quick else max(self.runs, CLOSE_ROUNDS)


@dataclass(frozen=True)
class Figure:
    """One line of the results table: a median, its same-run baseline, the target, the verdict."""

    benchmark: str
    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline (None without a baseline)."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reported."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors (connect, read, write, timeout) plus non-2xx/3xx answers


def median(values: Sequence[float]) -> float:
    """The median of `values` (each figure is the median of its runs)."""
    return float(statistics.median(values))


def repeat(runs: int, measure: Callable[[], WrkResult]) -> list[WrkResult]:
    """`measure` called `runs` times, results in order."""
    return [measure() for _ in range(runs)]


def seconds_of_get(get: Callable[[], httpx.Response]) -> float:
    """How long `get` took; RuntimeError unless it answered 200."""
    began = time.perf_counter()
    response = get()
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}")
    return time.perf_counter() - began


def change_with_if_match(
    client: httpx.Client, method: str, url: str, body: dict[str, object]
) -> None:
    """Send `body` to `url` (PUT or PATCH) as the bench admin, If-Match the ETag a GET just
    read; RuntimeError unless it answered 200."""
    current = client.get(url)
    headers = {"Authorization": f"Bearer {BENCH_ADMIN_TOKEN}", "If-Match": current.headers["etag"]}
    answer = client.request(method, url, json=body, headers=headers)
    if answer.status_code != 200:
        raise RuntimeError(f"{method} answered {answer.status_code}: {answer.text}")


def wrk_runs(options: Options, target: str, settle: str) -> list[WrkResult]:
    """`options.runs` wrk runs against `target` for `options.duration` seconds each, settling
    on `settle` first (see `wrk`)."""
    return repeat(
        options.runs,
        lambda: wrk(
            target, duration=options.duration, connections=options.connections, settle=settle
        ),
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"wrk latency {text!r} not understood")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """The numbers of a `wrk --latency` report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return WrkResult(
        rps=rps,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        requests=requests,
        errors=errors,
    )


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    settle: str | None = None,
) -> WrkResult:
    """One wrk run against `url`, wrk pinned to the load core; a 2xx/3xx-only check included.

    `settle` is a URL fetched first: its answer comes once the server has finished the requests
    a previous run left in flight, so one run's backlog is not charged to the next.
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    if settle is not None:
        httpx.get(settle, timeout=600)
    command = ["taskset", "-c", WRK_CORE, "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    command += ["--latency", "--timeout", "30s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


class Server:
    """A uvicorn server on 127.0.0.1, pinned to the server core, stopped on exit.

    `app` is an import string of an app factory (the bench app by default, which is the product
    app from `create_app()` plus the baseline routes of bench/apps.py).
    """

    def __init__(
        self,
        database_url: str,
        *,
        app: str = "bench.apps:create_bench_app",
        workers: int = 1,
        cores: str = SERVER_CORE,
        extra_env: dict[str, str] | None = None,
        log: Path | None = None,
        cli: bool = False,
        uvicorn_args: tuple[str, ...] = (),
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.app = app
        self.workers = workers
        self.cores = cores
        self.extra_env = extra_env or {}
        self.log = log
        self.cli = cli
        self.uvicorn_args = uvicorn_args
        self._process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        """The environment of the server: no rate limits (we measure the service, not them)."""
        env = dict(os.environ)
        env.update(
            {
                "TIMELINE_DATABASE_URL": self.database_url,
                "TIMELINE_ADMIN_TOKEN": BENCH_ADMIN_TOKEN,
                "TIMELINE_BASE_URL": self.url,
                "TIMELINE_READ_RATE_PER_MINUTE": str(10**9),
                "TIMELINE_WRITE_RATE_PER_MINUTE": str(10**9),
                "PYTHONPATH": str(ROOT),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        """Start and wait until /healthz answers."""
        command = ["taskset", "-c", self.cores, sys.executable, "-m"]
        if self.cli:  # the production command itself: `timeline serve --workers N`
            command += ["timeline.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
            command += ["--workers", str(self.workers)]
        else:
            command += ["uvicorn", self.app, "--factory", "--host", "127.0.0.1"]
            command += ["--port", str(self.port), "--workers", str(self.workers)]
            command += ["--log-level", "warning", "--no-access-log", *self.uvicorn_args]
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=out, stderr=out, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited with {self._process.returncode}: see {self.log}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    # every worker must be up before measuring: a few more probes settle it
                    for _ in range(self.workers * 4):
                        httpx.get(self.url + "/healthz", timeout=5)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become ready within 60 s")

    def stop(self) -> None:
        """Stop the server (its own process group: uvicorn and its workers), by its id."""
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serving(database_url: str, **kwargs: object) -> Iterator[Server]:
    """A started `Server` for the duration of the block."""
    server = Server(database_url, **kwargs)  # type: ignore[arg-type]
    with server:
        yield server
