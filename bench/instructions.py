"""`python -m bench.instructions`: instructions a request, the product against the bare app.

Wall-clock runs on a shared machine move by several percent between runs; the instructions a
server executes for a request do not. Each server here runs under `valgrind --tool=callgrind`
with instrumentation off until it is ready, then on for `--requests` keep-alive `GET`s sent one
at a time (what wrk sends), so the count holds the request path only: no start-up, no import.

It prints, for the bare Litestar app of bench/bare.py (`/bench/hello`) and the product
(`/healthz`, or `--path`), the instructions per request and the bare app's share of the
product's (the ratio `bench/overhead.py` measures in req/s: the two agreed within 0.02 in the
runs of docs/performance.md). Needs valgrind (Debian's package); a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import create_sqlite_database
from bench.harness import ROOT, UVLOOP_HTTPTOOLS, free_port

__all__ = ["main"]

_UVICORN = ("--log-level", "warning", "--no-access-log", *UVLOOP_HTTPTOOLS)


def _get_many(port: int, path: str, count: int) -> None:
    """`count` keep-alive GETs of `path`, each read in full (by Content-Length) before the next."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        buffer = b""
        for _ in range(count):
            connection.sendall(request)
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end >= 0:
                    head = buffer[:end].decode("latin-1").lower().split("\r\n")
                    if not head[0].split(" ")[1].startswith("2"):
                        raise RuntimeError(f"{path} answered {head[0]}")
                    length = next(
                        (
                            int(line.split(":")[1])
                            for line in head
                            if line.startswith("content-length:")
                        ),
                        0,
                    )
                    if len(buffer) >= end + 4 + length:
                        buffer = buffer[end + 4 + length :]
                        break
                chunk = connection.recv(65536)
                if not chunk:
                    raise RuntimeError("the server closed the connection")
                buffer += chunk


def _instructions(app: str, path: str, requests: int, env: dict[str, str], work: Path) -> int:
    """Instructions the server of `app` executes for `requests` GETs of `path`."""
    port = free_port()
    out = work / f"callgrind.{port}.out"
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1",
        "--port", str(port), *_UVICORN,
    ]  # fmt: skip
    log = open(work / "server.log", "ab")  # noqa: SIM115
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                _get_many(port, path, 1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{app} did not start (see {work / 'server.log'})") from None
                time.sleep(0.5)
        _get_many(port, path, 200)  # first-use caches, compiled statements
        control = ["callgrind_control"]
        subprocess.run([*control, "-i", "on", str(server.pid)], check=True, capture_output=True)
        _get_many(port, path, requests)
        subprocess.run([*control, "-i", "off", str(server.pid)], check=True, capture_output=True)
        subprocess.run([*control, "-d", str(server.pid)], check=True, capture_output=True)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
        log.close()
    total = 0
    for dump in work.glob(f"callgrind.{port}.out*"):
        for line in dump.read_text().splitlines():
            if line.startswith("totals:"):
                total += int(line.split()[1])
    return total


def main(argv: list[str] | None = None) -> int:
    """Count, print, return 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--path", default="/healthz", help="the product's path to count")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="timeline-instructions-") as scratch:
        work = Path(scratch)
        url = asyncio.run(create_sqlite_database(work / "instructions.db"))
        env = dict(os.environ)
        env.update(
            {
                "TIMELINE_DATABASE_URL": url,
                "TIMELINE_READ_RATE_PER_MINUTE": str(10**9),
                "TIMELINE_WRITE_RATE_PER_MINUTE": str(10**9),
                "PYTHONPATH": str(ROOT),
            }
        )
        bare = _instructions("bench.bare:create_bare_app", "/bench/hello", args.requests, env, work)
        ours = _instructions("bench.apps:create_bench_app", args.path, args.requests, env, work)
    per_bare, per_ours = bare / args.requests, ours / args.requests
    print(f"bare Litestar /bench/hello: {per_bare:,.0f} instructions a request")
    print(f"the product {args.path}: {per_ours:,.0f} instructions a request")
    print(f"bare / product: {per_bare / per_ours:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
