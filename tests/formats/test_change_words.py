"""Changes said in words: titles a newsletter reader understands, content listing each field."""

from __future__ import annotations

import datetime as dt

import html5lib

from tests.formats._records import record
from timeline.formats.change_words import change_html, change_text, change_title, entry_id, rfc3339


def test_status_change_reads_as_the_event_and_what_happened() -> None:
    change = record(
        {"title": "Concluding session"},
        {
            "title": "Concluding session",
            "status": "suspended",
            "summary": "Ended without agreement.",
        },
    )
    assert change_title(change) == "Concluding session suspended"


def test_date_change_says_from_and_to_as_people_write_dates() -> None:
    change = record({}, {"date": "2023-09-04/2023-09-15"})
    assert change_title(change) == (
        "Sixth session moved from 21 August – 1 September 2023 to 4–15 September 2023"
    )


def test_month_precision_date_is_said_as_a_month() -> None:
    change = record({"date": "2024-01"}, {"date": "2024-01-29/2024-02-09"})
    assert change_title(change) == (
        "Sixth session moved from January 2024 to 29 January – 9 February 2024"
    )


def test_a_held_document_is_released() -> None:
    before = {"kind": "document", "title": "Zero draft", "date": "2023-06", "attributes": {}}
    change = record(before, {**before, "status": "held"})
    assert change_title(change) == "Zero draft released"


def test_creation_and_deletion_titles() -> None:
    assert change_title(record(None, {})) == "New: Sixth session"
    assert change_title(record({}, {}, change="deleted", version=3)) == "Sixth session deleted"


def test_minor_fields_only_name_what_was_updated() -> None:
    change = record({}, {"summary": "New words.", "sources": []})
    assert change_title(change) == "Sixth session: summary and sources updated"


def test_several_headline_changes_are_joined() -> None:
    change = record({}, {"status": "postponed", "location": "Vienna"})
    assert change_title(change) == "Sixth session postponed and relocated from New York to Vienna"


def test_rename_names_the_old_title_first() -> None:
    change = record({}, {"title": "Sixth (final) session"})
    assert change_title(change) == "Sixth session renamed “Sixth (final) session”"


def test_vote_tally_that_decides_is_the_news() -> None:
    before = {
        "kind": "vote_point",
        "title": "Vote on Article 17",
        "attributes": {"rule": "two_thirds_present_voting"},
    }
    after = {
        **before,
        "attributes": {"rule": "two_thirds_present_voting", "yes": 20, "no": 11, "abstain": 40},
    }
    assert (
        change_title(record(before, after))
        == "Vote on Article 17 rejected (20 yes, 11 no, 40 abstain)"
    )


def test_entry_id_names_process_event_and_version_only() -> None:
    first = record(None, {}, rid=10)
    again = record(None, {}, rid=99, recorded_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert entry_id(first) == "tag:timeline.negotiations,2026:ahc/ev6/1"
    assert entry_id(first) == entry_id(again)  # neither the row id nor the time matter
    assert entry_id(record({}, {"status": "held"})) == "tag:timeline.negotiations,2026:ahc/ev6/2"


def test_html_lists_each_field_old_to_new_and_the_sources_escaped() -> None:
    change = record({}, {"status": "held", "location": "Vienna"})
    fragment = change_html(change, "https://example.org/e/ev6")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parseFragment(fragment)
    items = ["".join(li.itertext()) for li in tree.iter("li")]
    assert "status: planned → held" in items
    assert "venue: New York → Vienna" in items
    assert "UNODC <AHC> & co" in items  # escaped in markup, intact as text
    links = [a.get("href") for a in tree.iter("a")]
    assert links == ["https://example.org/e/ev6", "https://www.unodc.org/ahc"]


def test_text_lists_fields_and_sources() -> None:
    text = change_text(record({}, {"date": "2023-09"}))
    assert (
        "date: 21 August – 1 September 2023 (2023-08-21/2023-09-01) → September 2023 (2023-09)"
        in text
    )
    assert "Source: UNODC <AHC> & co <https://www.unodc.org/ahc>" in text


def test_rfc3339_is_utc_with_z() -> None:
    moment = dt.datetime(2024, 2, 9, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert rfc3339(moment) == "2024-02-09T18:30:00Z"
    assert rfc3339(moment.replace(microsecond=5)) == "2024-02-09T18:30:00.000005Z"
