"""`timeline serve` believes X-Forwarded-For only from `TIMELINE_TRUSTED_PROXIES` (none by
default): a client cannot buy a fresh read budget by naming another address."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.robustness.server import free_port


@contextmanager
def serving(database_url: str, **env: str) -> Iterator[str]:
    """`timeline serve` on a free port with a read limit of 3 a minute; its base URL."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="timeline-serve-", suffix=".log")[1])
    environment = {
        **os.environ,
        "TIMELINE_DATABASE_URL": database_url,
        "TIMELINE_READ_RATE_PER_MINUTE": "3",
        **env,
    }
    command = [sys.executable, "-m", "timeline.cli", "serve", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=environment, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.unlink(missing_ok=True)


def _statuses(url: str) -> list[int]:
    return [
        httpx.get(f"{url}/api/v1/processes", headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
        for n in range(5)
    ]


def test_forwarded_addresses_are_ignored_without_trusted_proxies(database_url: str) -> None:
    with serving(database_url) as url:
        assert _statuses(url) == [200, 200, 200, 429, 429]


def test_forwarded_addresses_count_when_the_proxy_is_trusted(database_url: str) -> None:
    with serving(database_url, TIMELINE_TRUSTED_PROXIES="127.0.0.1") as url:
        assert _statuses(url) == [200] * 5
