"""Position changes in words: stance, placement, roll and proposal headlines, values signed,
user text escaped in the HTML, ids from the log alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from timeline.domain.position_changes import PositionChange
from timeline.formats.position_words import (
    position_entry_id,
    position_html,
    position_text,
    position_title,
    signed,
)

_AT = dt.datetime(2024, 2, 1, 9, 30, tzinfo=dt.UTC)


def _change(kind: str, document: dict[str, Any], **kw: Any) -> PositionChange:
    fields = kw.pop("fields", {k: [None, v] for k, v in document.items()})
    return PositionChange(
        id=1,
        process="ahc",
        kind=kind,
        key=kw.pop("key", "k"),
        version=kw.pop("version", 1),
        change=kw.pop("change", "created"),
        actor="editor",
        known_on=dt.date(2024, 1, 31),
        recorded_at=_AT,
        fields=fields,
        document=document,
        **kw,
    )


def test_stances_read_as_news_with_names_and_titles() -> None:
    egypt = _change(
        "stance",
        {"proposal": "p", "holder": "EGY", "holder_kind": "party", "stance": "oppose"},
        holder_name="Egypt",
        subject="Article 42",
        change="updated",
        version=2,
        fields={"stance": ["support", "oppose"]},
    )
    assert position_title(egypt) == "Egypt now opposes Article 42"
    group = _change(
        "stance",
        {"proposal": "p", "holder": "african_group", "holder_kind": "group", "stance": "abstain"},
        holder_name="African Group",
        subject="Article 42",
    )
    assert position_title(group) == "The African Group now abstains on Article 42"
    sources_only = dataclasses.replace(
        egypt, fields={"sources": [[], [{"url": "https://x.org"}]]}, version=3
    )
    assert position_title(sources_only) == "Egypt opposes Article 42: sources updated"
    unnamed = dataclasses.replace(egypt, holder_name=None, subject=None)
    assert position_title(unnamed) == "EGY now opposes p"


def test_placements_rolls_and_proposals_have_headlines() -> None:
    moved = _change(
        "placement",
        {"axis": "scope", "holder": "RUS", "holder_kind": "party", "value": -0.25},
        change="updated",
        fields={"value": [0.5, -0.25]},
        holder_name="Russian Federation",
        subject="Scope",
        axis=("narrow", "wide"),
    )
    assert position_title(moved) == (
        "Russian Federation moved from +0.5 to −0.25 on Scope (narrow → wide)"
    )
    roll = _change(
        "roll",
        {"event": "e1", "counts": {"yes": 120, "no": 10, "abstain": 5}, "outcome": "adopted"},
        subject="Adoption",
    )
    assert position_title(roll) == "Vote recorded: Adoption: adopted (120 yes, 10 no, 5 abstain)"
    proposal = _change("proposal", {"key": "p", "title": "Thirty ratifications"})
    assert position_title(proposal) == "New proposal: Thirty ratifications"
    assert [signed(v) for v in (1, 0, -1, 0.333, 0.10)] == ["+1", "0", "−1", "+0.33", "+0.1"]


def test_html_escapes_user_text_and_text_lists_fields() -> None:
    change = _change(
        "stance",
        {
            "proposal": "p",
            "holder": "x",
            "holder_kind": "group",
            "stance": "support",
            "sources": [{"url": "https://e.org/?a=1&b=2", "title": "<b>Note</b>"}],
        },
        holder_name="<script>",
        subject="A & B",
    )
    html = position_html(change, "https://t.org/processes/ahc#proposal-p")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "A &amp; B" in html and "&lt;b&gt;Note&lt;/b&gt;" in html
    assert 'href="https://e.org/?a=1&amp;b=2"' in html
    text = position_text(change)
    assert text.splitlines()[:3] == [
        "The <script> now supports A & B",
        "Public since 2024-01-31",
        "stance: support",
    ]
    assert position_entry_id(change) == "tag:timeline.negotiations,2026:ahc/positions/stance/k/1"
