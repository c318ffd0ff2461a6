"""What the example jobs share: how they fail, and how they write a file.

The examples import it from their own folder (`python calendar_sync.py` puts that folder first
on the module path); copy it along with an example you take away."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from timeline_client import ConnectionFailed, ProblemError

__all__ = ["replace_file", "run_job"]

EXIT_REFUSED = 1
EXIT_UNREACHABLE = 3


def run_job(name: str, job: Callable[[], int]) -> int:
    """Run `job`, returning its exit code; a refusal of the server is said in one line and
    exit code 1, a server that cannot be reached exit code 3."""
    try:
        return job()
    except ProblemError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except ConnectionFailed as error:
        print(f"{name}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE


def replace_file(path: Path, content: bytes) -> None:
    """Replace `path` with `content` whole: a reader never sees it half-written."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(content)
    partial.replace(path)
