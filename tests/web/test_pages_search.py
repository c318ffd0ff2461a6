"""The process page's search box: it submits `q`, keeps the other choices, and narrows the
list and the drawing to matching events, as known on the page's day."""

from __future__ import annotations

import httpx

from tests.web.conftest import SLUG
from tests.web.test_pages import NS, get_page, listed, marks, parse, text_of


async def test_the_search_box_narrows_the_list_and_the_drawing(pages: httpx.AsyncClient) -> None:
    everything = listed(parse((await get_page(pages, f"/processes/{SLUG}?zoom=all")).text))
    root = parse((await get_page(pages, f"/processes/{SLUG}?zoom=all&q=hanoi")).text)
    rows = listed(root)
    assert 0 < len(rows) < len(everything)
    assert all("hanoi" in text_of(li).casefold() for li in rows)
    assert {m.get("data-event") for m in marks(root)} <= {li.get("data-event") for li in rows}
    form = root.find(f".//{NS}form[@role='search']")
    assert form is not None and form.get("method") == "get"
    box = form.find(f".//{NS}input[@name='q']")
    assert box is not None and box.get("value") == "hanoi"
    kept = {(i.get("name"), i.get("value")) for i in form.iter(f"{NS}input")}
    assert ("zoom", "all") in kept  # the other choices ride along
    assert "“hanoi”" in text_of(root)


async def test_the_page_searches_what_was_known_on_its_day(pages: httpx.AsyncClient) -> None:
    root = parse(
        (await get_page(pages, f"/processes/{SLUG}?zoom=all&q=hanoi&as_of=2022-01-01")).text
    )
    assert listed(root) == []
    # an empty box is no search at all
    empty = parse((await get_page(pages, f"/processes/{SLUG}?zoom=all&q=")).text)
    full = parse((await get_page(pages, f"/processes/{SLUG}?zoom=all")).text)
    assert len(listed(empty)) == len(listed(full))
