"""Bulk work with the cyclic garbage collector held off.

A large bundle is hundreds of thousands of live objects: decoded JSON, checked records, rows.
With the collector on, each collection walked every one of them again while more were being
made (a fifth of a 50,000-event `POST /api/v1/bundles`, a third of the write alone). None of
them form cycles, so nothing is kept longer than the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_held_off"]


@contextmanager
def collector_held_off() -> Iterator[None]:
    """Run the block with automatic collections off, and restore them as they were after it
    (so blocks may nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
