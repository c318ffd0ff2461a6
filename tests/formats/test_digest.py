"""The digest: sections, fuzzy dates in words, e-mail-ready HTML, clean Markdown, same bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import html5lib
from markdown_it import MarkdownIt

from tests.formats._records import record, state
from timeline.domain.model import ProcessInfo
from timeline.formats.change_words import public_moment
from timeline.formats.digest import (
    DigestInput,
    build_digest,
    changed_since,
    digest_json,
    when_phrase,
)
from timeline.formats.digest_html import digest_html
from timeline.formats.digest_markdown import digest_markdown
from timeline.formats.digest_words import eif_line, scenario_line

AS_OF = dt.date(2023, 5, 25)
PAST = dt.datetime(2023, 5, 20, 10, 0, tzinfo=dt.UTC)
JANUARY = dt.datetime(2023, 1, 1, 10, 0, tzinfo=dt.UTC)
PROCESS = ProcessInfo(slug="ahc", title="AHC *on* cybercrime")

ZERO_DRAFT = {"kind": "document", "title": "Zero draft", "date": "2023-06", "attributes": {}}
DEADLINE = {
    "kind": "deadline",
    "title": "Final draft adopted by early January 2024",
    "date": "2024-01-01~/2024-01-10~",
    "depends_on": [{"event": "s6", "lag_days": 0}],
    "attributes": {},
}
RISKS = {
    "as_of": "2023-05-25",
    "model": "test",
    "deadlines": [
        {
            "event": {"id": "dl", "title": "Final draft adopted by early January 2024"},
            "status": "at_risk",
            "p_meet": 0.35,
            "slack_days": 12,
            "projected_date": "2023-12-29",
            "reasons": ["27 open items in 13 negotiating days."],
        }
    ],
}
EIF = {
    "as_of": "2023-05-25",
    "rule": {"event": {"title": "Article 65"}, "instruments": 40, "delay_days": 90},
    "count": 12,
    "reached_on": None,
    "entry_into_force": None,
    "projection": {"p50": "2026-03-01", "p80": "2027-01-15"},
    "scenarios": [
        {
            "instruments": 30,
            "proposed_by": ["Russia"],
            "entry_into_force": None,
            "p50": "2025-11-01",
        }
    ],
}


def _input(**extra: Any) -> DigestInput:
    coming = [
        state({"status": "held", "date": "2023-05-22/2023-05-26"}, ident="s5"),
        state(ZERO_DRAFT, ident="zd"),
        state({"date": "2023-06-05/2023-06-16"}, ident="s6"),
    ]
    changes = [  # newest first
        record(
            {},
            {"date": "2023-06-05/2023-06-16"},
            ident="s6",
            rid=4,
            known_on=dt.date(2023, 5, 24),
            recorded_at=PAST,
        ),
        record(
            None, ZERO_DRAFT, ident="zd", rid=3, known_on=dt.date(2023, 5, 21), recorded_at=PAST
        ),
        record(
            None,
            {"date": "2023-06-05/2023-06-16"},
            ident="s6",
            version=1,
            rid=2,
            known_on=dt.date(2023, 5, 12),
            recorded_at=PAST,
        ),
        record(None, {}, ident="old", rid=1, known_on=dt.date(2023, 1, 1), recorded_at=JANUARY),
    ]
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "since": dt.date(2023, 5, 11),
        "days": 14,
        "root": "https://timeline.example",
        "processes": [PROCESS],
        "coming_up": coming,
        "changes": changes,
        "deadlines": {"ahc": RISKS},
        "entry_into_force": {"ahc": EIF},
    }
    values.update(extra)
    return DigestInput(**values)


def test_coming_up_counts_days_and_writes_fuzzy_dates_as_people_do() -> None:
    items = build_digest(_input())["coming_up"]
    by_id = {i["event"]: i for i in items}
    assert by_id["s5"]["ongoing"] is True
    assert by_id["s5"]["countdown"] == "under way, ends in 1 day"
    assert by_id["zd"]["when"] == "expected June 2023"
    assert (by_id["zd"]["days_until"], by_id["zd"]["days_until_latest"]) == (7, 36)
    assert by_id["zd"]["countdown"] == "in 7–36 days"
    assert by_id["s6"]["when"] == "5–16 June 2023"
    assert by_id["s6"]["countdown"] == "in 11 days"


def test_when_phrase_for_deadlines_and_exact_dates() -> None:
    assert when_phrase(state(DEADLINE)) == "early January 2024"
    assert when_phrase(state({"date": "2023-06~"})) == "expected around June 2023"
    assert when_phrase(state({**ZERO_DRAFT, "status": "held"})) == "June 2023"


def test_changes_since_are_grouped_by_event_oldest_first_inside() -> None:
    groups = build_digest(_input())["changes"]
    assert [g["event"] for g in groups] == ["s6", "zd"]  # the event changed last comes first
    assert [c["title"] for c in groups[0]["changes"]] == [
        "New: Sixth session",
        "Sixth session moved from 21 August – 1 September 2023 to 5–16 June 2023",
    ]
    assert groups[0]["changes"][1]["fields"] == [
        {
            "field": "date",
            "label": "date",
            "old": "21 August – 1 September 2023 (2023-08-21/2023-09-01)",
            "new": "5–16 June 2023 (2023-06-05/2023-06-16)",
        }
    ]
    assert "old" not in {g["event"] for g in groups}  # known before `since`


def test_changes_known_after_as_of_are_not_news_yet() -> None:
    later = record({}, {"status": "held"}, known_on=dt.date(2023, 6, 1), recorded_at=PAST)
    assert not changed_since(later, dt.date(2023, 5, 11), AS_OF)
    late_entry = record({}, {"status": "held"}, known_on=dt.date(2023, 1, 5), recorded_at=PAST)
    # recorded in the window, but public since January: history, not news
    assert not changed_since(late_entry, dt.date(2023, 5, 11), AS_OF)
    assert changed_since(late_entry, dt.date(2023, 1, 5), AS_OF)


def test_a_change_is_public_when_recorded_unless_known_earlier() -> None:
    live = record({}, {"status": "held"}, known_on=dt.date(2023, 5, 20), recorded_at=PAST)
    assert public_moment(live) == PAST
    ahead = record({}, {"status": "held"}, known_on=dt.date(2023, 5, 21), recorded_at=PAST)
    assert public_moment(ahead) == PAST
    seeded = record({}, {"status": "held"}, known_on=dt.date(2021, 3, 4), recorded_at=PAST)
    assert public_moment(seeded) == dt.datetime(2021, 3, 4, tzinfo=dt.UTC)
    evening = dt.datetime(2023, 5, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    # recorded on 21 May UTC: a change known on 20 May is dated by that day
    west = record({}, {"status": "held"}, known_on=dt.date(2023, 5, 20), recorded_at=evening)
    assert public_moment(west) == dt.datetime(2023, 5, 20, tzinfo=dt.UTC)


def test_deadlines_and_entry_into_force_sections() -> None:
    document = build_digest(_input())
    assert document["deadlines"][0]["status"] == "at_risk"
    markdown = digest_markdown(document)
    assert "## Deadlines" in markdown
    assert "at risk, 35% chance to meet it, slack 12 days, projected 29 December 2023" in markdown
    assert "## Entry into force" in markdown
    assert "12 of 40 instruments deposited (in force 90 days after the 40th)" in markdown


def test_entry_into_force_dates_are_named_as_such() -> None:
    projected = {"count": 12, "instruments": 40, "delay_days": 90, "p50": "2027-03-01",
                 "p80": "2027-09-01"}  # fmt: skip
    assert eif_line(projected) == (
        "12 of 40 instruments deposited (in force 90 days after the 40th); projected: entry "
        "into force around 1 March 2027 (even odds), 80% by 1 September 2027."
    )
    scenario = {"instruments": 60, "proposed_by": ["EU"], "p50": "2028-01-15"}
    assert scenario_line(scenario) == (
        "Proposal of 60 instruments (EU): entry into force around 15 January 2028 (even odds)"
    )


def test_sections_without_analyses_are_left_out() -> None:
    document = build_digest(_input(deadlines=None, entry_into_force=None))
    assert "deadlines" not in document and "entry_into_force" not in document
    markdown = digest_markdown(document)
    assert "Deadlines" not in markdown and "Entry into force" not in markdown
    no_rule = {"ahc": {**EIF, "rule": None, "scenarios": []}}
    assert "Entry into force" not in digest_markdown(build_digest(_input(entry_into_force=no_rule)))


def test_markdown_renders_to_the_expected_structure() -> None:
    markdown = digest_markdown(build_digest(_input()))
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings == [
        "Coming up",
        "What changed since 11 May 2023",
        "Deadlines",
        "Entry into force",
    ]
    html = MarkdownIt("commonmark").render(markdown)
    # The process title's asterisks are text, not emphasis.
    assert "<h1>Digest: AHC *on* cybercrime, 25 May 2023</h1>" in html
    assert '<a href="https://timeline.example/processes/ahc/events/zd">Zero draft</a>' in html


def test_html_is_a_valid_email_ready_document() -> None:
    page = digest_html(build_digest(_input()))
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(page)  # strict: any parse error raises
    assert parser.errors == []
    assert not list(tree.iter("script")) and not list(tree.iter("style"))
    assert not list(tree.iter("link"))  # no external stylesheets
    for tag in ("h1", "h2", "h3", "p", "li", "a"):
        for element in tree.iter(tag):
            assert element.get("style"), f"<{tag}> without an inline style"
    text = "".join(tree.find("body").itertext())
    assert "expected June 2023 · in 7–36 days" in text
    assert "Sixth session moved from 21 August – 1 September 2023 to 5–16 June 2023" in text
    assert tree.find("head/title").text == "Digest: AHC *on* cybercrime, 25 May 2023"


def test_json_and_bytes_are_deterministic() -> None:
    first = digest_json(build_digest(_input()))
    assert first == digest_json(build_digest(_input()))
    assert digest_html(build_digest(_input())) == digest_html(build_digest(_input()))
    assert json.loads(first)["since"] == "2023-05-11"
    assert json.loads(first)["until"] == "2023-06-08"
