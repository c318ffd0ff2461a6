"""A real `uvicorn timeline.app:create_app --factory` in its own process group on 127.0.0.1.

Unlike tests/clients/server.py (a thread in the test process) this one can be SIGKILLed like a
crashing machine, and can run several workers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["ADMIN_TOKEN", "ServerProcess", "free_port", "running_server"]

ADMIN_TOKEN = "test-admin-token-0123456789abcdef"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    """A started server: its URL, its process (group leader) and where its logs go."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL the server and every worker it forked: no shutdown code runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM), SIGKILL it if it has not within 20 seconds."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace")


def start_server(database_url: str, *, workers: int = 1, **env: str) -> ServerProcess:
    """Start a server on `database_url` and wait until /healthz answers."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="timeline-server-", suffix=".log")[1])
    environment = {
        **os.environ,
        "TIMELINE_DATABASE_URL": database_url,
        "TIMELINE_ADMIN_TOKEN": ADMIN_TOKEN,
        "TIMELINE_WRITE_RATE_PER_MINUTE": "0",
        "TIMELINE_READ_RATE_PER_MINUTE": "0",
        **env,
    }
    command = [
        sys.executable, "-m", "uvicorn", "timeline.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=environment, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"the server did not start:\n{server.output()}")
        time.sleep(0.1)


@contextmanager
def running_server(database_url: str, *, workers: int = 1, **env: str) -> Iterator[ServerProcess]:
    """A server for the duration of a block; stopped (or killed) and its log removed after."""
    server = start_server(database_url, workers=workers, **env)
    try:
        yield server
    finally:
        server.stop()
        server.log.unlink(missing_ok=True)
