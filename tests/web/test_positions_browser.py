"""The positions view in a real browser: Debian's Chromium driven by Playwright against a real
uvicorn. At 1400 px and 390 px every map label is drawn clear of the others (measured with the
browser's own glyphs), the bar's line sits at the yes votes needed, the page raises no console
or CSP error; screenshots of the map and the bars land in tests/web/screenshots/."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from tests._positions import FIGURE_ONE, figure_one, record_positions
from tests._writes import new_process
from tests.clients.server import ADMIN_TOKEN, live_server
from tests.web.test_browser import ARGS, CHROMIUM, SCREENSHOTS, Problems, open_page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]

SLUG = "cyber"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


@pytest.mark.parametrize("width", [1400, 390])
async def test_map_and_bars_render_readably(
    browser: Browser, database_url: str, width: int
) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with live_server(database_url) as server:
        async with httpx.AsyncClient(base_url=server) as client:
            await new_process(client, headers, SLUG, "Cybercrime committee")
            await record_positions(client, headers, SLUG)
            await figure_one(client, headers, SLUG)
            forecast = (
                await client.get(
                    f"/api/v1/processes/{SLUG}/proposals/wide-scope/forecast",
                    params={"as_of": "2023-07-31"},
                )
            ).json()
        problems = Problems()
        page = await open_page(
            browser, f"{server}/processes/{SLUG}?as_of=2023-07-31", width, problems
        )
        await page.wait_for_load_state("load")
        assert problems.messages == []

        labels = await page.eval_on_selector_all(
            "svg.map g.point",
            """gs => gs.map(g => { const t = g.querySelector('text').getBoundingClientRect();
                 const c = g.querySelector('circle').getBoundingClientRect();
                 return {holder: g.dataset.holder, text: [t.left, t.top, t.right, t.bottom],
                         dot: [c.left, c.top, c.right, c.bottom]}; })""",
        )
        assert sorted(label["holder"] for label in labels) == sorted(FIGURE_ONE)

        def apart(a: list[float], b: list[float]) -> bool:
            # 1 px of tolerance for antialiasing at the glyphs' edges.
            return a[2] <= b[0] + 1 or b[2] <= a[0] + 1 or a[3] <= b[1] + 1 or b[3] <= a[1] + 1

        for i, one in enumerate(labels):
            for other in labels[i + 1 :]:
                assert apart(one["text"], other["text"]), (one["holder"], other["holder"])
            for other in labels:
                if other is not one:
                    assert apart(one["text"], other["dot"]), (one["holder"], other["holder"])
        font = await page.eval_on_selector(
            "svg.map g.point text", "t => t.getBoundingClientRect().height"
        )
        assert font >= 9  # still readable where the phone's width scales the map down

        bar = await page.eval_on_selector(
            "#proposal-wide-scope svg.stance-bar",
            """s => { const b = s.getBoundingClientRect();
                 const l = s.querySelector('line.two-thirds').getBoundingClientRect();
                 return {left: b.left, width: b.width, line: l.left + l.width / 2}; }""",
        )
        expected = bar["left"] + bar["width"] * forecast["required_yes"] / 193
        assert bar["line"] == pytest.approx(expected, abs=1.5)

        SCREENSHOTS.mkdir(exist_ok=True)
        for selector, name in (("#positions-map", "map"), ("#proposal-wide-scope", "bar")):
            target = SCREENSHOTS / f"positions-{name}-{width}.png"
            await page.locator(selector).screenshot(path=str(target))
            assert target.stat().st_size > 3_000
        await page.screenshot(path=str(SCREENSHOTS / f"positions-page-{width}.png"), full_page=True)
        await page.context.close()
