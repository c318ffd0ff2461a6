"""Our timelinejs.json loaded, unchanged, by Knight Lab's TimelineJS in a real Chromium.

TimelineJS comes from the npm registry (`make install-timelinejs`, which `make test` runs) into
.cache/timelinejs; Chromium is Debian's. The test is skipped, saying why, when either is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from timeline.seed import load_seed, seed_event_id
from timeline.store.db import Database

CHROMIUM = "/usr/bin/chromium"
DIST = (
    Path(__file__).resolve().parents[2]
    / ".cache/timelinejs/node_modules/@knight-lab/timelinejs/dist"
)
SLUG = "ahc-cybercrime"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        not (DIST / "js/timeline.js").exists(),
        reason="TimelineJS is not installed: run `make install-timelinejs`",
    ),
]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="{dist}/css/timeline.css"></head>
<body><div id="timeline" style="width:1200px;height:700px"></div>
<script src="{dist}/js/timeline.js"></script>
<script>
window.loaded = false;
const timeline = new TL.Timeline("timeline", {data}, {{script_path: "{dist}/js/"}});
timeline.on("loaded", () => {{ window.loaded = true; }});
</script></body></html>
"""


async def test_timelinejs_loads_our_json_unchanged(
    app_client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    db = Database(database_url)
    await load_seed(db, SLUG)
    await db.dispose()
    response = await app_client.get(f"/api/v1/processes/{SLUG}/timelinejs.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    page_file = tmp_path / "timeline.html"
    page_file.write_text(PAGE.format(dist=DIST.as_uri(), data=response.text), encoding="utf-8")

    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
        )
        page = await browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(page_file.as_uri())
        await page.wait_for_function("window.loaded === true", timeout=30_000)
        markers = await page.eval_on_selector_all(
            ".tl-timemarker", "ms => ms.map(m => m.id.replace(/-marker$/, ''))"
        )
        groups = await page.eval_on_selector_all(
            ".tl-timegroup-message", "gs => gs.map(g => g.textContent)"
        )
        messages = await page.eval_on_selector_all(
            ".tl-message-full, .tl-message-content", "ms => ms.map(m => m.textContent)"
        )
        await browser.close()

    assert errors == []  # TimelineJS accepted the data: no exception, no error message
    assert [m for m in messages if m.strip()] == []
    assert sorted(markers) == sorted(e["unique_id"] for e in document["events"])
    assert seed_event_id(SLUG, "zero-draft") in markers
    assert set(groups) == {e["group"] for e in document["events"]}
