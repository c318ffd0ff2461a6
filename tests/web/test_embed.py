"""Embedding and reuse: the frameable drawing, public feeds readable from any origin, and the
OpenAPI UI served without a CDN."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.web.conftest import SLUG
from timeline.app import create_app
from timeline.settings import Settings


async def test_the_embed_page_is_the_drawing_alone_and_frameable_by_any_site(
    pages: httpx.AsyncClient,
) -> None:
    response = await pages.get(f"/embed/processes/{SLUG}?zoom=2023")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp  # still our strict policy otherwise
    assert "X-Frame-Options" not in response.headers  # it would contradict frame-ancestors
    html = response.text
    assert 'id="chart"' in html and "chart-compact" in html
    assert 'class="filters"' not in html and "site" not in re.findall(r'<header class="(\w+)', html)
    # Links leave the frame for the full pages, absolute.
    assert 'target="_top"' in html
    assert f'href="http://testserver/processes/{SLUG}/events/' in html


async def test_the_embed_page_follows_the_ancestors_setting(module_db: str) -> None:
    settings = Settings(
        database_url=module_db,
        embed_ancestors="https://news.example",
        read_rate_per_minute=0,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get(f"/embed/processes/{SLUG}")
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors https://news.example;" in csp
    finally:
        await app.state.db.dispose()


def test_the_embed_setting_reads_the_environment() -> None:
    assert Settings.from_env({}).embed_ancestors == "*"
    env = {"TIMELINE_EMBED_ANCESTORS": "'self' https://a.example"}
    assert Settings.from_env(env).embed_ancestors == "'self' https://a.example"


async def test_other_pages_still_refuse_framing(pages: httpx.AsyncClient) -> None:
    response = await pages.get(f"/processes/{SLUG}")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_an_unknown_process_embeds_as_a_problem(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/embed/processes/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/processes/{SLUG}/timelinejs.json",
        f"/api/v1/processes/{SLUG}/calendar.ics",
        "/api/v1/calendar.ics",
        f"/api/v1/processes/{SLUG}/changes.atom",
        "/api/v1/changes.json",
    ],
)
async def test_public_feeds_are_readable_from_any_origin(
    pages: httpx.AsyncClient, path: str
) -> None:
    response = await pages.get(path, headers={"Origin": "https://news.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    again = await pages.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"


async def test_the_writable_api_gets_no_wildcard_origin(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/api/v1/processes", headers={"Origin": "https://news.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
async def schema_page(pages: httpx.AsyncClient) -> AsyncIterator[str]:
    response = await pages.get("/schema")
    assert response.status_code == 200
    yield response.text


async def test_the_schema_ui_loads_its_assets_from_the_app(
    pages: httpx.AsyncClient, schema_page: str
) -> None:
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", schema_page)
    assert sources, schema_page
    external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert external == []
    for source in sources:
        if source.endswith((".js", ".css", ".svg")):
            asset = await pages.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > (100 if source.endswith(".svg") else 10_000)


async def test_a_calendar_title_that_says_its_date_does_not_repeat_it(
    pages: httpx.AsyncClient,
) -> None:
    body = (await pages.get(f"/api/v1/processes/{SLUG}/calendar.ics")).text.replace("\r\n ", "")
    titles = [line[len("SUMMARY:") :] for line in body.splitlines() if line.startswith("SUMMARY:")]
    deadline = [t for t in titles if t.startswith("Final draft adopted by early January 2024")]
    assert deadline == ["Final draft adopted by early January 2024"]
    assert "Zero draft of the convention (June 2023)" in titles  # other dates are still said
