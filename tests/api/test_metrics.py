"""`/metrics`: Prometheus text that `prometheus_client.parser` reads, counting requests by route
template and status, latencies, rate-limit refusals, caches and the pool."""

from __future__ import annotations

import dataclasses

import httpx
from prometheus_client.parser import text_string_to_metric_families

from timeline.app import create_app
from timeline.settings import Settings


def _families(text: str) -> dict[str, list[tuple[dict[str, str], float, str]]]:
    found: dict[str, list[tuple[dict[str, str], float, str]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(family.name, []).append((sample.labels, sample.value, sample.name))
    return found


async def test_metrics_count_requests_by_route_template_status_and_refusals(
    settings: Settings,
) -> None:
    app = create_app(dataclasses.replace(settings, read_rate_per_minute=3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for slug in ("a", "b"):
            await client.get(f"/api/v1/processes/{slug}")
        for _ in range(3):
            await client.get("/api/v1/processes")
        response = await client.get("/metrics")
    await app.state.db.dispose()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = _families(response.text)
    requests = {
        (labels["route"], labels["status"]): value
        for labels, value, _ in families["timeline_http_requests"]
    }
    assert requests[("/api/v1/processes/{slug}", "404")] == 2
    assert requests[("/api/v1/processes", "200")] == 1  # the 3-a-minute limit refused 2
    assert requests[("unrouted", "429")] == 2
    refusals = [v for _, v, _ in families["timeline_rate_limit_refusals"]]
    assert refusals == [2]
    counts = [
        value
        for labels, value, name in families["timeline_http_request_duration_seconds"]
        if name.endswith("_count") and labels["route"] == "/api/v1/processes/{slug}"
    ]
    assert counts == [2]
    assert "timeline_db_pool_connections" in families


async def test_metrics_are_not_rate_limited(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, read_rate_per_minute=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        statuses = [(await client.get("/metrics")).status_code for _ in range(3)]
    await app.state.db.dispose()
    assert statuses == [200, 200, 200]
