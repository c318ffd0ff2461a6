"""The pages in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn
serving the seeded AHC data. What is drawn must match the data; screenshots at 375 px and
1440 px land in tests/web/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import http.server
import os
import threading
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
    # the demo: its 36 negotiation events and the 4 recorded decisions (resolutions, approval)
    assert await page.locator("li.event").count() == 40
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
    # The six identical informals share one mark that says so.
    assert await page.locator(".chart a.mark").count() == 1
    assert await page.locator(".chart a.mark").get_attribute("data-count") == "6"
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


@pytest.mark.parametrize("width", [390, 1400])
async def test_the_analysis_reads_on_the_page_as_known_that_day(
    browser: Browser, server: str, width: int
) -> None:
    risks = await api(server, f"/api/v1/processes/{SLUG}/risks?as_of=2023-06-30")
    eif = await api(server, f"/api/v1/processes/{SLUG}/entry-into-force?as_of=2024-12-30")
    items = await api(server, f"/api/v1/processes/{SLUG}/items?limit=500")
    page = await open_page(browser, f"{server}/processes/{SLUG}?as_of=2023-06-30", width=width)
    reasons = await page.locator(".deadlines-panel .reasons li").all_inner_texts()
    assert reasons == risks["deadlines"][0]["reasons"]
    assert await page.locator(".deadlines-panel .reasons").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.locator(".analysis").screenshot(path=str(SCREENSHOTS / f"analysis-{width}.png"))
    await page.context.close()

    page = await open_page(browser, f"{server}/processes/{SLUG}?as_of=2024-12-30", width=width)
    panel = page.locator(".eif-panel")
    assert await panel.is_visible()
    assert await panel.locator("[data-figure=count]").inner_text() == str(eif["count"])
    threshold = panel.locator("[data-figure=threshold]")
    assert await threshold.inner_text() == str(eif["rule"]["instruments"])
    assert await panel.locator("table.scenarios tbody tr").count() == len(eif["scenarios"]) + 1
    await page.context.close()

    page = await open_page(browser, f"{server}/processes/{SLUG}", width=width)
    board = page.locator(".items-board")
    assert await board.is_visible()
    assert await board.locator("li.item").count() == len(items["items"])
    chapters = {i["chapter"] for i in items["items"]}
    assert await board.locator(".chapter").count() == len(chapters)
    await board.screenshot(path=str(SCREENSHOTS / f"items-{width}.png"))
    await page.context.close()


@pytest.mark.parametrize("width", [390, 1400])
@pytest.mark.parametrize("query", ["", "?zoom=2023-06", "?zoom=2024", "?zoom=2023-01"])
async def test_every_chart_label_stays_inside_the_drawing(
    browser: Browser, server: str, width: int, query: str
) -> None:
    page = await open_page(browser, f"{server}/processes/{SLUG}{query}", width=width)
    outside = await page.evaluate(
        """() => {
          const svg = [...document.querySelectorAll('svg.chart, svg.chart-compact')]
            .find(s => s.getBoundingClientRect().width > 0);
          const frame = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text.label')].map(t => {
            const box = t.getBoundingClientRect();
            return {text: t.textContent, left: box.left - frame.left,
                    right: frame.right - box.right};
          }).filter(b => b.left < -1 || b.right < -1);
        }"""
    )
    assert outside == []
    if query == "?zoom=2023-06":
        label = page.locator("svg:visible text.label", has_text="Zero draft of the convention")
        assert await label.count() == 1
    await page.context.close()


@pytest.mark.parametrize("path", ["/", f"/processes/{SLUG}", f"/processes/{SLUG}?zoom=2023-06"])
async def test_no_horizontal_scroll_at_390_px_even_inside_the_chart(
    browser: Browser, server: str, path: str
) -> None:
    page = await open_page(browser, f"{server}{path}", width=390)
    overflow = await page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.chart-scroll, .pills')]
                 .map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert max(overflow) <= 0, overflow
    await page.screenshot(path=str(SCREENSHOTS / f"mobile-{path.count('/')}-390.png"))
    await page.context.close()


async def test_six_identical_informals_take_one_row(browser: Browser, server: str) -> None:
    page = await open_page(browser, f"{server}/processes/{SLUG}?zoom=2023")
    informal = page.locator("#chart a.mark[data-kind=informal]")
    assert await informal.count() == 1
    assert await informal.get_attribute("data-count") == "6"
    assert await informal.locator("text.label").text_content() == "Closed informals (6)"
    await page.context.close()


async def test_the_embed_page_renders_inside_a_frame_on_another_site(
    browser: Browser, server: str
) -> None:
    story = f'<iframe src="{server}/embed/processes/{SLUG}" width="800" height="600"></iframe>'

    class Newsroom(http.server.BaseHTTPRequestHandler):
        """Another origin (another port) whose page frames the embed."""

        def do_GET(self) -> None:
            body = story.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    newsroom = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Newsroom)
    threading.Thread(target=newsroom.serve_forever, daemon=True).start()
    try:
        page = await open_page(browser, f"http://127.0.0.1:{newsroom.server_port}/", width=900)
        frame = page.frame_locator("iframe")
        await frame.locator("svg.chart").wait_for(state="attached", timeout=10_000)
        assert await frame.locator("svg.chart a.mark").count() > 0
        await page.screenshot(path=str(SCREENSHOTS / "embed-900.png"))
        await page.context.close()
    finally:
        newsroom.shutdown()
        newsroom.server_close()


async def test_the_schema_ui_renders_with_no_network(browser: Browser, server: str) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    asked: list[str] = []

    async def only_ours(route: Any) -> None:
        url = route.request.url
        if url.startswith(server):
            await route.continue_()
        else:
            asked.append(url)
            await route.abort()

    await page.route("**/*", only_ours)
    await page.goto(f"{server}/schema")
    await page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    assert "timeline" in await page.locator(".swagger-ui .info .title").inner_text()
    assert await page.locator(".opblock").count() > 10
    assert asked == []
    await page.screenshot(path=str(SCREENSHOTS / "schema-1400.png"))
    await context.close()
