"""The pages in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn
serving the seeded AHC data. What is drawn must match the data; screenshots at 375 px and
1440 px land in tests/web/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

from tests.clients.server import live_server
from tests.web.conftest import SLUG, event_id
from timeline.web.drawing import MIN_WIDTH_PX, RISK_COLOURS

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def server(module_db: str) -> Iterator[str]:
    """A live uvicorn on 127.0.0.1 serving the module's seeded database."""
    with live_server(module_db) as url:
        yield url


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


class Problems:
    """Console errors and uncaught exceptions a page produced (CSP violations show up here)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.messages.append(f"{message.type}: {message.text}")

    def error(self, error: Exception) -> None:
        self.messages.append(f"pageerror: {error}")


async def open_page(
    browser: Browser, url: str, width: int = 1440, problems: Problems | None = None
) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    if problems is not None:
        page.on("console", problems.console)
        page.on("pageerror", problems.error)
    response = await page.goto(url)
    assert response is not None and response.status == 200, url
    return page


def rgb(colour: str) -> str:
    """'#rrggbb' as the rgb() text getComputedStyle returns."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


async def api(server: str, path: str) -> Any:
    async with httpx.AsyncClient(base_url=server) as client:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.json()


async def test_one_bar_per_session_at_its_true_length(browser: Browser, server: str) -> None:
    sessions = await api(server, f"/api/v1/processes/{SLUG}/timeline?kind=session")
    page = await open_page(browser, f"{server}/processes/{SLUG}")
    drawn = await page.eval_on_selector_all(
        '.chart a.mark[data-kind="session"]',
        "marks => marks.map(m => [m.dataset.event, m.querySelectorAll('rect.bar').length])",
    )
    assert sorted(drawn) == sorted([s["id"], 1] for s in sessions["items"])
    await page.context.close()

    # Zoomed to 2023, pixel widths are proportional to the days each event covers.
    page = await open_page(browser, f"{server}/processes/{SLUG}?zoom=2023")
    width = await page.eval_on_selector("svg.chart", "svg => svg.getBoundingClientRect().width")
    assert width >= MIN_WIDTH_PX

    async def bar(key: str) -> dict[str, float]:
        box: dict[str, float] = await page.eval_on_selector(
            f'.chart a.mark[data-event="{event_id(key)}"] rect.bar',
            "r => { const b = r.getBBox(); return {x: b.x, width: b.width}; }",
        )
        return box

    fifth, sixth, zero = await bar("session-5"), await bar("session-6"), await bar("zero-draft")
    day = width / 365
    assert fifth["width"] == pytest.approx(11 * day, abs=0.6)
    assert sixth["width"] == pytest.approx(12 * day, abs=0.6)
    assert zero["width"] == pytest.approx(30 * day, abs=0.6)  # June: a faded span, whole month
    assert fifth["x"] == pytest.approx(100 * day, abs=0.6)  # 11 April is day 100 of 2023
    await page.context.close()


async def test_deadline_markers_are_coloured_as_risks_says(browser: Browser, server: str) -> None:
    for as_of in ("2023-06-30", "2024-02-10"):
        risks = await api(server, f"/api/v1/processes/{SLUG}/risks?as_of={as_of}")
        expected = {d["event"]["id"]: d["status"] for d in risks["deadlines"]}
        page = await open_page(browser, f"{server}/processes/{SLUG}?as_of={as_of}")
        drawn = await page.eval_on_selector_all(
            ".chart a.mark-deadline",
            """marks => marks.map(m => [m.dataset.event, m.dataset.risk,
                 getComputedStyle(m.querySelector('path.diamond')).fill])""",
        )
        assert drawn, "no deadline marker drawn"
        assert {ident: risk for ident, risk, _ in drawn} == expected
        for _, risk, fill in drawn:
            assert fill == rgb(RISK_COLOURS[risk])
        await page.context.close()


async def test_the_as_of_picker_replays_what_was_known(browser: Browser, server: str) -> None:
    page = await open_page(browser, f"{server}/processes/{SLUG}")
    reconvened = f'.chart a.mark[data-event="{event_id("reconvened-session")}"] rect.bar'
    assert await page.locator(reconvened).count() == 1
    assert await page.locator('.chart a.mark[data-kind="session"]').count() == 11
    await page.fill("#as-of-date", "2023-06-30")
    async with page.expect_navigation():
        await page.click("form.as-of button[type=submit]")
    assert "as_of=2023-06-30" in page.url
    assert await page.locator(reconvened).count() == 0
    assert await page.locator('.chart a.mark[data-kind="session"]').count() == 9
    concluding = page.locator(f'.chart a.mark[data-event="{event_id("concluding-session")}"]')
    assert await concluding.get_attribute("data-status") == "planned"
    assert "30 June 2023" in await page.locator("p.replay").inner_text()
    assert await page.locator(".chart .today text").text_content() == "As known on 30 June 2023"
    await page.context.close()


async def test_filters_change_the_list_and_stay_in_the_url(browser: Browser, server: str) -> None:
    page = await open_page(browser, f"{server}/processes/{SLUG}")
    assert await page.locator("li.event").count() == 36
    # Ticking a kind applies it at once (the small script submits the form).
    async with page.expect_navigation():
        await page.check('input[name="kind"][value="session"]')
    assert "kind=session" in page.url
    kinds = await page.eval_on_selector_all("li.event", "rows => rows.map(r => r.dataset.kind)")
    assert kinds == ["session"] * 11
    await page.goto(f"{server}/processes/{SLUG}")
    async with page.expect_navigation():
        await page.select_option("#tag-filter", "informals")
    assert "tag=informals" in page.url
    kinds = await page.eval_on_selector_all("li.event", "rows => rows.map(r => r.dataset.kind)")
    assert kinds == ["informal"] * 6
    assert await page.locator(".chart a.mark").count() == 6
    await page.context.close()


async def test_keyboard_focus_reaches_every_control(browser: Browser, server: str) -> None:
    page = await open_page(browser, f"{server}/processes/{SLUG}")
    reached: list[dict[str, Any]] = []
    for _ in range(60):
        await page.keyboard.press("Tab")
        reached.append(
            await page.evaluate(
                """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), name: e.getAttribute('name'),
                           type: e.getAttribute('type'), text: (e.innerText || '').trim(),
                           cls: e.className && e.className.baseVal === undefined ? e.className : '',
                           role: e.getAttribute('role'),
                           outline: getComputedStyle(e).outlineStyle}; }"""
            )
        )
    texts = [r["text"] for r in reached]
    assert texts[0] == "Skip to content"
    assert "Subscribe in your calendar" in texts
    assert "2023" in texts  # a range pill
    assert any(r["role"] == "region" and "chart-scroll" in r["cls"] for r in reached)
    assert any(r["name"] == "kind" and r["type"] == "checkbox" for r in reached)
    assert any(r["tag"] == "select" and r["name"] == "tag" for r in reached)
    assert any(r["name"] == "as_of" for r in reached)
    assert "Replay" in texts
    assert "Organizational session" in texts  # the first event's link in the list
    # Focus is visible wherever it lands.
    hidden = [r for r in reached if r["tag"] != "body" and r["outline"] == "none"]
    assert hidden == []
    await page.context.close()


@pytest.mark.parametrize("path", ["/", f"/processes/{SLUG}", "EVENT"])
async def test_no_horizontal_scroll_at_375_px(browser: Browser, server: str, path: str) -> None:
    if path == "EVENT":
        path = f"/processes/{SLUG}/events/{event_id('committee-approval')}"
    page = await open_page(browser, f"{server}{path}", width=375)
    overflow = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    await page.context.close()


async def test_no_console_errors_or_policy_violations(browser: Browser, server: str) -> None:
    pages = [
        "/",
        f"/processes/{SLUG}",
        f"/processes/{SLUG}?zoom=2024-01&as_of=2024-02-10",
        f"/processes/{SLUG}/events/{event_id('committee-approval')}?as_of=2024-02-10",
    ]
    for path in pages:
        problems = Problems()
        page = await open_page(browser, f"{server}{path}", problems=problems)
        await page.wait_for_load_state("load")
        assert problems.messages == [], path
        await page.context.close()


@pytest.mark.parametrize("width", [375, 1440])
async def test_screenshots(browser: Browser, server: str, width: int) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = {
        "index": "/",
        "process": f"/processes/{SLUG}",
        "process-2024": f"/processes/{SLUG}?zoom=2024",
        "process-as-of-2023-06-30": f"/processes/{SLUG}?as_of=2023-06-30",
        "event": f"/processes/{SLUG}/events/{event_id('committee-approval')}",
    }
    for name, path in shots.items():
        page = await open_page(browser, f"{server}{path}", width=width)
        target = SCREENSHOTS / f"{name}-{width}.png"
        await page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        await page.context.close()
