"""A bare Litestar app: the framework's limit on this machine, with none of the product.

Served by the same uvicorn settings on the same core as the product (bench/overhead.py), it
answers what the product's cheapest answers are compared with:

- `GET /bench/hello` (and `/healthz`, which the harness polls): a constant body;
- `GET /bench/precomputed`: the calendar bytes of `BENCH_ICS_FILE`, read once, from memory.

No middleware, no dependencies, no database: a ratio to these is what the product's own
request path costs, which the in-app baselines of bench/apps.py (served through the product's
stack) cannot show.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get

__all__ = ["create_bare_app"]


@get(["/bench/hello", "/healthz"], media_type="text/plain", sync_to_thread=False)
def hello() -> bytes:
    """A constant body."""
    return b"hello, world"


_ICS: dict[str, bytes] = {}


@get("/bench/precomputed", sync_to_thread=False)
def precomputed() -> Response[bytes]:
    """The calendar bytes held in memory (read from BENCH_ICS_FILE on first use)."""
    body = _ICS.get("body")
    if body is None:
        body = _ICS["body"] = Path(os.environ["BENCH_ICS_FILE"]).read_bytes()
    return Response(content=body, media_type="text/calendar; charset=utf-8")


def create_bare_app() -> Litestar:
    """The bare app (an app factory, like the product's)."""
    return Litestar([hello, precomputed], openapi_config=None, debug=False)
