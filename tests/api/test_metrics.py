"""`/metrics`: Prometheus text that `prometheus_client.parser` reads, counting requests by route
template and status, latencies, rate-limit refusals, caches and the pool."""

from __future__ import annotations

import dataclasses

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests._writes import new_process, record
from timeline.app import create_app
from timeline.services.analysis import analysis_counts
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


async def test_metrics_count_feed_cache_hits_and_misses(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await new_process(client, admin_headers, "cached", "Cached")
        await record(client, admin_headers, "cached")
        url = "/api/v1/processes/cached/calendar.ics?kind=session"
        first = await client.get(url)  # validators and body both missed, then kept
        again = await client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        response = await client.get("/metrics")
    await app.state.db.dispose()
    families = _families(response.text)

    def counted(family: str) -> dict[str, float]:
        return {labels["cache"]: value for labels, value, _ in families[family]}

    hits, misses = counted("timeline_cache_hits"), counted("timeline_cache_misses")
    assert (hits["feed_validators"], misses["feed_validators"]) == (1, 1)
    assert (hits["feed_bodies_ics_bytes"], misses["feed_bodies_ics_bytes"]) == (0, 1)
    sizes = counted("timeline_cache_entries")
    assert sizes["feed_validators"] == 1
    assert sizes["feed_bodies_ics_bytes"] == len(first.content)


async def test_metrics_count_analyses_answered_from_cache_and_computed(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    before = analysis_counts()["risks"]
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await new_process(client, admin_headers, "assessed", "Assessed")
        session = await record(client, admin_headers, "assessed", date="2031-03-02/2031-03-06")
        await record(
            client,
            admin_headers,
            "assessed",
            kind="deadline",
            title="Adopt",
            date="2031-04-01",
            depends_on=[{"event": session["id"]}],
        )
        for _ in range(3):
            assert (
                await client.get("/api/v1/processes/assessed/risks?as_of=2030-01-01")
            ).is_success
        response = await client.get("/metrics")
    await app.state.db.dispose()
    families = _families(response.text)
    hits = {labels["cache"]: v for labels, v, _ in families["timeline_cache_hits"]}
    misses = {labels["cache"]: v for labels, v, _ in families["timeline_cache_misses"]}
    assert hits["analysis_risks"] - before.hits == 2
    assert misses["analysis_risks"] - before.misses == 1
    computed = {
        (labels["analysis"], name): v
        for labels, v, name in families["timeline_analysis_computation_seconds"]
    }
    assert (
        computed[("risks", "timeline_analysis_computation_seconds_count")]
        == misses["analysis_risks"]
    )
    assert computed[("risks", "timeline_analysis_computation_seconds_sum")] > before.seconds
