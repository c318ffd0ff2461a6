"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec

from timeline.api.problems import problem
from timeline.api.routes import read_route
from timeline.store.db import Database
from timeline.store.migrate import current_revision, head_revision

__all__ = ["HealthController"]

# Probes poll this many times a minute: the answer is encoded once (docs/performance.md).
_UP = msgspec.json.encode({"status": "ok"})
# The document shows what the body is, as it did when the route returned a dict.
_UP_SPEC = ResponseSpec(
    dict[str, str], description="Request fulfilled, document follows", generate_examples=False
)


class HealthController(Controller):
    """`/healthz` and `/readyz`."""

    tags = ["operations"]

    @get(
        "/healthz",
        operation_id="healthz",
        summary="The process is up",
        cache=False,
        sync_to_thread=False,
        responses={200: _UP_SPEC},
    )
    def healthz(self) -> Response[bytes]:
        """Always 200 while the process serves requests."""
        return Response(content=_UP, media_type=MediaType.JSON)

    @read_route(
        "/readyz",
        "readyz",
        "The database is reachable and its schema is at the newest migration",
        errors=(503,),
    )
    async def readyz(self, db: NamedDependency[Database]) -> Response[Any]:
        """200 when ready; 503 problem+json saying what is missing when not."""
        head = head_revision()
        try:
            current = await current_revision(db.read_engine)
        except Exception:
            return problem(503, "the database cannot be reached")
        if current != head:
            return problem(503, f"the schema is at {current or 'nothing'}, not {head}: migrate it")
        return Response(content={"status": "ready", "schema": current})
