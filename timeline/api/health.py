"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency

from timeline.api.problems import problem
from timeline.api.routes import read_route
from timeline.store.db import Database
from timeline.store.migrate import current_revision, head_revision

__all__ = ["HealthController"]


class HealthController(Controller):
    """`/healthz` and `/readyz`."""

    tags = ["operations"]

    @get(
        "/healthz",
        operation_id="healthz",
        summary="The process is up",
        cache=False,
        sync_to_thread=False,
    )
    def healthz(self) -> dict[str, str]:
        """Always 200 while the process serves requests."""
        return {"status": "ok"}

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
