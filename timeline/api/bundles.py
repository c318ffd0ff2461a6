"""Bundles: `POST /api/v1/bundles` applies an export bundle in one transaction (admin)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException

from timeline.api.auth import Actor, WriteController
from timeline.api.problems import problem
from timeline.api.routes import admin_post
from timeline.collector import collector_held_off
from timeline.domain.errors import InvalidFields
from timeline.schemas.bundles import BundleReport
from timeline.services import bundle_apply
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["BundleController"]


async def _read_body(request: Request[Any, Any, Any], limit: int) -> bytes:
    """The whole body, refused (413) as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413, detail=f"a bundle may be at most {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail=f"a bundle may be at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class BundleController(WriteController):
    """`/api/v1/bundles`."""

    path = "/api/v1/bundles"
    tags = ["bundles"]

    @admin_post(
        "/",
        "applyBundle",
        "Apply an export bundle in one transaction (admin)",
        status_code=200,
        # A bundle is far larger than any other body: this route reads its own, against
        # TIMELINE_MAX_BUNDLE_BYTES, while every other route keeps the app's limit.
        request_max_body_size=None,
    )
    async def apply(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
        actor: NamedDependency[Actor],
    ) -> Response[BundleReport]:
        """Create, leave unchanged or bring forward each process of the bundle; the report
        says which. 422 names a bad record and field, 409 a process the bundle conflicts with;
        either way nothing changes."""
        actor.require_admin()
        body = await _read_body(request, settings.max_bundle_bytes)
        if not body.strip():
            raise InvalidFields.one("body", "send the bundle (what `timeline export` writes)")
        # The decoded bundle is the bulk of what the collector would walk again and again
        # while it is checked and written (timeline/collector.py).
        with collector_held_off():
            try:
                raw = msgspec.json.decode(body)
            except msgspec.DecodeError:
                return problem(400, "the request body is not valid JSON")
            report = await bundle_apply.apply_bundle(db, raw)
        answer: Response[Any] = Response(
            content=report.model_dump(mode="json"), media_type="application/json"
        )
        return answer
