"""`/forecasts`: the kept scoreboard as a page, with its reliability diagram."""

from __future__ import annotations

import json
from importlib import resources

import httpx
from lxml import html as lxml_html


async def test_the_page_shows_the_scores_and_a_reliability_diagram(
    app_client: httpx.AsyncClient,
) -> None:
    board = json.loads(
        resources.files("timeline.reference").joinpath("forecasts.json").read_text("utf-8")
    )
    response = await app_client.get("/forecasts")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = lxml_html.fromstring(response.text)
    scores = {td.get("data-score"): td.text_content() for td in page.xpath("//td[@data-score]")}
    assert scores["brier"] == f"{board['brier']:.3f}"
    assert scores["brier_base"] == f"{board['brier_base']:.3f}"
    spans = {s.get("data-score"): s.text_content() for s in page.xpath("//span[@data-score]")}
    assert spans["threshold_brier"] == f"{board['thresholds']['brier']:.3f}"
    svg = page.xpath("//svg[@class='reliability']")
    assert len(svg) == 1
    assert len(svg[0].xpath(".//circle")) == sum(1 for r in board["reliability"] if r["count"])
    again = await app_client.get("/forecasts", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_every_page_links_to_the_forecast_record(app_client: httpx.AsyncClient) -> None:
    page = lxml_html.fromstring((await app_client.get("/")).text)
    assert page.xpath("//nav[@aria-label='Site']//a[@href='/forecasts']")
