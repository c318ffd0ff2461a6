"""The analyses on the process page: what the API reports, in words, as known on the day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.web.conftest import SLUG, event_id
from tests.web.test_pages import NS, by_class, get_page, parse, text_of
from timeline.domain.items import ItemChange, ItemState
from timeline.web.analysis import chance_text, items_board, slack_text


async def _api(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(f"/api/v1/processes/{SLUG}/{path}")
    assert response.status_code == 200, response.text
    return response.json()


async def _section(client: httpx.AsyncClient, query: str, name: str) -> Any:
    """The one section of class `name` on the process page (with `query`)."""
    root = parse((await get_page(client, f"/processes/{SLUG}{query}")).text)
    (section,) = by_class(root, f"{NS}section", name)
    return section


async def _report_and_panel(
    client: httpx.AsyncClient, report: str, day: str, panel: str
) -> tuple[dict[str, Any], Any]:
    """The API's `report` as known on `day`, and the page's section `panel` of the same day."""
    answer = await _api(client, f"{report}?as_of={day}")
    return answer, await _section(client, f"?as_of={day}", panel)


@pytest.mark.parametrize("day", ["2023-06-30", "2024-01-05", "2024-03-01"])
async def test_each_deadline_shows_its_status_chance_margin_and_reasons(
    pages: httpx.AsyncClient, day: str
) -> None:
    report, panel = await _report_and_panel(pages, "risks", day, "deadlines-panel")
    shown = by_class(panel, f"{NS}article", "deadline")
    assert [a.get("data-event") for a in shown] == [d["event"]["id"] for d in report["deadlines"]]
    for article, risk in zip(shown, report["deadlines"], strict=True):
        assert article.get("data-risk") == risk["status"]
        reasons = [text_of(li) for li in by_class(article, f"{NS}ul", "reasons")[0]]
        assert reasons == risk["reasons"] and reasons
        figures = {dd.get("data-figure"): text_of(dd) for dd in article.iter(f"{NS}dd")}
        assert figures["chance"] == chance_text(risk["p_meet"])
        assert figures["slack"] == slack_text(risk["slack_days"])
        assert figures["open-items"] == str(risk["open_items"])


async def test_the_effective_open_items_are_explained(pages: httpx.AsyncClient) -> None:
    report = await _api(pages, "risks?as_of=2023-06-30")
    (risk,) = report["deadlines"]
    assert risk["open_items_effective"] != risk["open_items"]  # the demo's case
    root = parse((await get_page(pages, f"/processes/{SLUG}?as_of=2023-06-30")).text)
    (note,) = by_class(root, f"{NS}p", "effective-note")
    assert text_of(note).startswith(
        f"{risk['open_items']} open items weigh as {risk['open_items_effective']:g}: "
    )


@pytest.mark.parametrize("day", ["2023-06-30", "2024-12-30", "2026-06-30"])
async def test_the_entry_into_force_panel_counts_against_the_threshold(
    pages: httpx.AsyncClient, day: str
) -> None:
    report, panel = await _report_and_panel(pages, "entry-into-force", day, "eif-panel")
    figures = {e.get("data-figure"): text_of(e) for e in panel.iter(f"{NS}strong")}
    assert figures["count"] == str(report["count"])
    rows = by_class(panel, f"{NS}table", "scenarios")[0].iter(f"{NS}tr")
    thresholds = [int(r.get("data-instruments") or 0) for r in rows if r.get("data-instruments")]
    expected = [s["instruments"] for s in report["scenarios"]]
    if report["rule"] is None:
        assert "threshold" not in figures
    else:
        assert figures["threshold"] == str(report["rule"]["instruments"])
        expected.append(report["rule"]["instruments"])
    assert sorted(thresholds) == sorted(expected)


async def test_the_items_board_groups_every_item_by_chapter_as_known_then(
    pages: httpx.AsyncClient,
) -> None:
    for day in ("2023-06-30", None):
        query = f"?as_of={day}" if day else ""
        items = (await _api(pages, f"items{query}{'&' if day else '?'}limit=500"))["items"]
        board = await _section(pages, query, "items-board")
        shown = {li.get("data-item"): li.get("data-status") for li in board.iter(f"{NS}li")}
        assert shown == {i["key"]: i["status"] for i in items}
        chapters = Counter(i["chapter"] or "Other items" for i in items)
        headings = [
            text_of(h).rsplit(" ", 4)[0] for h in board.iter(f"{NS}h4")
        ]  # "Criminalization 6 open of 6"
        assert sorted(headings) == sorted(chapters)


def test_chance_and_margin_read_as_words() -> None:
    assert [chance_text(p) for p in (None, 0.0, 0.004, 0.456, 0.995)] == [
        "not known",
        "under 1%",
        "under 1%",
        "46%",
        "over 99%",
    ]
    assert [slack_text(d) for d in (None, -21, -1, 0, 5)] == [
        "not known",
        "21 days late",
        "1 day late",
        "none to spare",
        "5 days to spare",
    ]


def _item(key: str, chapter: str | None, *statuses: str) -> ItemState:
    moment = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    history = tuple(
        ItemChange(n + 1, "updated", dt.date(2023, 1 + n, 1), moment, "t", status)
        for n, status in enumerate(statuses)
    )
    return ItemState(
        key,
        "p",
        key.title(),
        chapter,
        statuses[-1],
        len(statuses),
        history[-1].known_on,
        moment,
        moment,
        history,
    )


def test_the_board_puts_open_items_first_and_chapterless_ones_last() -> None:
    board = items_board(
        [
            _item("a", "Scope", "open", "agreed"),
            _item("b", "Scope", "informals"),
            _item("c", None, "open"),
        ]
    )
    assert [c.title for c in board] == ["Scope", "Other items"]
    assert [i.key for i in board[0].items] == ["b", "a"]
    assert board[0].open == 1
    assert board[0].items[1].history == (("1 January 2023", "open"), ("1 February 2023", "agreed"))


async def test_event_pages_say_statuses_and_attributes_in_words(
    pages: httpx.AsyncClient,
) -> None:
    for key in ("session-1", "committee-approval"):
        text = (await get_page(pages, f"/processes/{SLUG}/events/{event_id(key)}")).text
        assert ">True<" not in text and ">False<" not in text
    timeline = (await pages.get(f"/api/v1/processes/{SLUG}/timeline?limit=500")).json()["items"]
    draft = next(e for e in timeline if e["kind"] == "document")
    root = parse((await get_page(pages, f"/processes/{SLUG}/events/{draft['id']}")).text)
    badges = [text_of(b) for b in by_class(root, f"{NS}span", "badge-status")]
    assert badges == ["released"]
