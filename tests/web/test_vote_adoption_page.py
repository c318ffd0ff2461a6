"""The event page of a decision adopted without a vote says so, in words."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import SLUG, event_id


@pytest.mark.parametrize(
    ("key", "how"),
    [("vote-res-75-282", "without a vote"), ("vote-committee-approval", "by consensus")],
)
async def test_the_page_shows_adopted_and_how(pages: httpx.AsyncClient, key: str, how: str) -> None:
    response = await pages.get(f"/processes/{SLUG}/events/{event_id(key)}")
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert f"<dt>Adopted</dt><dd>{how}</dd>" in text
    assert "<dt>Outcome</dt><dd>adopted</dd>" in text
    assert "pending" not in text
