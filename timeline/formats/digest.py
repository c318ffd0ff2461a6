"""The newsletter digest: what is coming, what changed, the deadline risks, entry into force.

`build_digest` turns plain values (events, changes, and the analyses when there are any) into
one JSON-ready document; `digest_markdown`, `digest_html` and `digest_json` render that same
document, so the three formats always say the same thing. Pure: `as_of` and `since` are passed
in, nothing reads a clock, and the same input gives the same bytes.

The HTML is made for e-mail: one self-contained document, a 600px layout table, every style
inline, no scripts, no external resources.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from timeline.domain.dates import describe_fuzzy
from timeline.domain.model import ChangeRecord, EventState, ProcessInfo
from timeline.formats.change_words import (
    change_title,
    describe_value,
    entry_id,
    field_label,
    rfc3339,
    status_phrase,
)

__all__ = [
    "DigestInput",
    "build_digest",
    "changed_since",
    "digest_html",
    "digest_json",
    "digest_markdown",
    "human_day",
    "when_phrase",
]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Statuses that mean the date is still an expectation, not a fact.
_EXPECTED = frozenset({"planned", "tentative", "postponed"})


@dataclass(frozen=True)
class DigestInput:
    """Everything a digest is made of; the controller gathers it, nothing here does I/O.

    `coming_up`: events overlapping [as_of, as_of + days] (not cancelled), in timeline order.
    `changes`: changes known on as_of, newest first (those since `since` are kept).
    `deadlines` / `entry_into_force`: per process slug, the analyses in the shapes of
    `/risks` and `/entry-into-force`; None leaves the section out.
    """

    as_of: dt.date
    since: dt.date
    days: int
    root: str
    processes: Sequence[ProcessInfo]
    coming_up: Sequence[EventState]
    changes: Sequence[ChangeRecord]
    deadlines: Mapping[str, Mapping[str, Any]] | None = None
    entry_into_force: Mapping[str, Mapping[str, Any]] | None = None
    notes: Sequence[str] = field(default_factory=tuple)


def human_day(day: dt.date) -> str:
    """A day as people write it: '30 June 2023'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def when_phrase(state: EventState) -> str:
    """The date the way a newsletter says it: 'expected June 2023' for an expected date that
    is not exact, '11–21 April 2023' for an exact one, 'early January 2024' for a deadline."""
    span = state.span
    text = describe_fuzzy(span)
    if not span.is_exact and state.status in _EXPECTED and state.kind != "deadline":
        return f"expected {text}"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _countdown(state: EventState, as_of: dt.date) -> tuple[int, int, bool, str]:
    """(days until the earliest start, until the latest start, under way?, in words)."""
    span = state.span
    exact = span.is_exact or span.precision == "datetime"
    first = (span.start - as_of).days
    if span.start < as_of <= span.end:
        if exact:
            left = (span.end - as_of).days
            ends = "ends today" if left == 0 else f"ends in {_plural(left, 'day')}"
            return 0, 0, True, f"under way, {ends}"
        # A fuzzy date that has begun: the event may come any day, or has happened.
        if state.status in _EXPECTED:
            return 0, (span.end - as_of).days, False, f"any day now, by {human_day(span.end)}"
        return 0, 0, False, status_phrase(state.kind, state.status)
    # A fuzzy date may start on any day it covers: say the whole range of days.
    last = first if exact else (span.end - as_of).days
    if last != first:
        words = f"within {_plural(last, 'day')}" if first <= 0 else f"in {first}–{last} days"
    elif first == 0:
        words = "today"
    elif first == 1:
        words = "tomorrow"
    else:
        words = f"in {_plural(first, 'day')}"
    return max(first, 0), max(last, 0), False, words


def _event_url(root: str, state: EventState) -> str:
    return f"{root}/processes/{state.process}/events/{state.id}"


def changed_since(record: ChangeRecord, since: dt.date, as_of: dt.date) -> bool:
    """Whether a change is news for a digest covering `since`..`as_of`: it became public
    (`known_on`) in that range, or was recorded in it (a late entry is news to readers too).
    A replay of the past only counts `known_on`, since later recordings are after `as_of`."""
    recorded = record.recorded_at.astimezone(dt.UTC).date()
    return record.known_on <= as_of and (since <= record.known_on or since <= recorded <= as_of)


def _coming(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for state in data.coming_up:
        first, last, ongoing, words = _countdown(state, data.as_of)
        items.append(
            {
                "process": state.process,
                "process_title": titles.get(state.process, state.process),
                "event": state.id,
                "kind": state.kind,
                "title": state.title,
                "status": state.status,
                "date": state.date,
                "start": state.start.isoformat(),
                "end": state.end.isoformat(),
                "when": when_phrase(state),
                "days_until": first,
                "days_until_latest": last,
                "ongoing": ongoing,
                "countdown": words,
                "location": state.location,
                "url": _event_url(data.root, state),
            }
        )
    return items


def _change_groups(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    # Newest first in, so the first record of a group is its latest: groups are ordered by
    # their latest change, and each lists its changes oldest first, as they happened.
    groups: dict[tuple[str, str], list[ChangeRecord]] = {}
    for record in data.changes:
        if changed_since(record, data.since, data.as_of):
            groups.setdefault((record.process, record.event_id), []).append(record)
    result = []
    for (process, event_id), records in groups.items():
        latest = records[0].event
        result.append(
            {
                "process": process,
                "process_title": titles.get(process, process),
                "event": event_id,
                "title": latest.title,
                "kind": latest.kind,
                "when": when_phrase(latest),
                "deleted": records[0].change == "deleted",
                "url": _event_url(data.root, latest),
                "changes": [
                    {
                        "id": entry_id(r),
                        "title": change_title(r),
                        "change": r.change,
                        "version": r.version,
                        "known_on": r.known_on.isoformat(),
                        "recorded_at": rfc3339(r.recorded_at),
                        "fields": [
                            {
                                "field": name,
                                "label": field_label(name),
                                "old": describe_value(name, old),
                                "new": describe_value(name, new),
                            }
                            for name, (old, new) in r.fields.items()
                            if r.change != "created"
                        ],
                    }
                    for r in reversed(records)
                ],
            }
        )
    return result


def _deadlines(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for slug, report in (data.deadlines or {}).items():
        for d in report.get("deadlines", []):
            event = d.get("event", {})
            items.append(
                {
                    "process": slug,
                    "process_title": titles.get(slug, slug),
                    "event": event.get("id"),
                    "title": event.get("title"),
                    "date": event.get("date"),
                    "status": d.get("status"),
                    "p_meet": d.get("p_meet"),
                    "slack_days": d.get("slack_days"),
                    "projected_date": _iso(d.get("projected_date")),
                    "reasons": list(d.get("reasons") or []),
                }
            )
    return items


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _eif(data: DigestInput, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    items = []
    for slug, report in (data.entry_into_force or {}).items():
        rule = report.get("rule")
        scenarios = list(report.get("scenarios") or [])
        if rule is None and not scenarios:
            continue  # the process has no entry-into-force threshold, adopted or proposed
        projection = report.get("projection") or {}
        items.append(
            {
                "process": slug,
                "process_title": titles.get(slug, slug),
                "rule": None if rule is None else (rule.get("event") or {}).get("title"),
                "instruments": None if rule is None else rule.get("instruments"),
                "delay_days": None if rule is None else rule.get("delay_days"),
                "count": report.get("count"),
                "reached_on": _iso(report.get("reached_on")),
                "entry_into_force": _iso(report.get("entry_into_force")),
                "p50": _iso(projection.get("p50")),
                "p80": _iso(projection.get("p80")),
                "scenarios": [
                    {
                        "instruments": s.get("instruments"),
                        "proposed_by": list(s.get("proposed_by") or []),
                        "entry_into_force": _iso(s.get("entry_into_force")),
                        "p50": _iso(s.get("p50")),
                    }
                    for s in scenarios
                ],
            }
        )
    return items


def build_digest(data: DigestInput) -> dict[str, Any]:
    """The digest as one JSON-ready document: the source of the Markdown and HTML too.

    'deadlines' and 'entry_into_force' are present only when their analyses were given.
    """
    titles = {p.slug: p.title for p in data.processes}
    until = data.as_of + dt.timedelta(days=data.days)
    scope = data.processes[0].title if len(data.processes) == 1 else "all processes"
    document: dict[str, Any] = {
        "title": f"Digest: {scope}, {human_day(data.as_of)}",
        "as_of": data.as_of.isoformat(),
        "since": data.since.isoformat(),
        "until": until.isoformat(),
        "days": data.days,
        "processes": [
            {"slug": p.slug, "title": p.title, "url": f"{data.root}/processes/{p.slug}"}
            for p in data.processes
        ],
        "coming_up": _coming(data, titles),
        "changes": _change_groups(data, titles),
    }
    if data.deadlines is not None:
        document["deadlines"] = _deadlines(data, titles)
    if data.entry_into_force is not None:
        document["entry_into_force"] = _eif(data, titles)
    document["notes"] = list(data.notes)
    return document


def digest_json(document: Mapping[str, Any]) -> bytes:
    """The digest document as UTF-8 JSON bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


# ---- shared wording -------------------------------------------------------------------------


def _intro(doc: Mapping[str, Any]) -> str:
    return (
        f"What is coming in the next {_plural(doc['days'], 'day')} "
        f"(to {human_day(dt.date.fromisoformat(doc['until']))}) and what changed since "
        f"{human_day(dt.date.fromisoformat(doc['since']))}, as known on "
        f"{human_day(dt.date.fromisoformat(doc['as_of']))}."
    )


def _since_heading(doc: Mapping[str, Any]) -> str:
    return f"What changed since {human_day(dt.date.fromisoformat(doc['since']))}"


def _many(doc: Mapping[str, Any]) -> bool:
    return len(doc["processes"]) != 1


def _coming_details(item: Mapping[str, Any]) -> str:
    parts = [item["when"], item["countdown"]]
    if item["location"]:
        parts.append(item["location"])
    if item["status"] not in ("planned", "held"):
        parts.append(status_phrase(item["kind"], item["status"]))
    return " · ".join(parts)


def _deadline_line(item: Mapping[str, Any]) -> str:
    status = str(item["status"] or "unknown").replace("_", " ")
    parts = [status]
    if item.get("p_meet") is not None:
        parts.append(f"{round(float(item['p_meet']) * 100)}% chance to meet it")
    if item.get("slack_days") is not None:
        parts.append(f"slack {item['slack_days']} days")
    if item.get("projected_date"):
        parts.append(f"projected {human_day(dt.date.fromisoformat(item['projected_date']))}")
    return ", ".join(parts)


def _eif_line(item: Mapping[str, Any]) -> str:
    count, needed = item.get("count"), item.get("instruments")
    have = count if count is not None else "unknown"
    if needed is None:
        text = f"No rule adopted yet; {have} instruments deposited"
    else:
        text = f"{have} of {needed} instruments deposited"
        if item.get("delay_days") is not None:
            text += f" (in force {item['delay_days']} days after the {_ordinal(needed)})"
    if item.get("entry_into_force"):
        text += f"; in force on {_day_text(item['entry_into_force'])}"
    elif item.get("p50"):
        text += f"; projected: even odds by {_day_text(item['p50'])}"
        if item.get("p80"):
            text += f", 80% by {_day_text(item['p80'])}"
    return text + "."


def _scenario_line(scenario: Mapping[str, Any]) -> str:
    who = ", ".join(scenario["proposed_by"]) or "unnamed"
    text = f"Proposal of {scenario['instruments']} instruments ({who})"
    if scenario.get("entry_into_force"):
        return f"{text}: would have been in force on {_day_text(scenario['entry_into_force'])}"
    if scenario.get("p50"):
        return f"{text}: even odds by {_day_text(scenario['p50'])}"
    return text


def _day_text(iso: str) -> str:
    return human_day(dt.date.fromisoformat(iso))


def _ordinal(n: Any) -> str:
    if not isinstance(n, int):
        return "last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = set("\\`*_[]<>#|!~")


def _md(text: Any) -> str:
    """Escape text so Markdown shows it as written (no accidental emphasis, links or HTML)."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _md_link(text: Any, url: str) -> str:
    return f"[{_md(text)}]({_md_url(url)})"


def digest_markdown(doc: Mapping[str, Any]) -> str:
    """The digest as CommonMark: headings, bullet lists, links; user text escaped."""
    many = _many(doc)
    out = [f"# {_md(doc['title'])}", "", _md(_intro(doc)), "", "## Coming up", ""]
    if doc["coming_up"]:
        for item in doc["coming_up"]:
            prefix = f"{_md(item['process_title'])}: " if many else ""
            out.append(
                f"- {prefix}**{_md_link(item['title'], item['url'])}**: "
                f"{_md(_coming_details(item))}"
            )
    else:
        out.append(f"Nothing is scheduled in the next {_plural(doc['days'], 'day')}.")
    out += ["", f"## {_md(_since_heading(doc))}", ""]
    if doc["changes"]:
        for group in doc["changes"]:
            prefix = f"{_md(group['process_title'])}: " if many else ""
            out.append(f"### {prefix}{_md_link(group['title'], group['url'])}")
            out.append("")
            out.append(_md(group["when"]))
            out.append("")
            for change in group["changes"]:
                day = human_day(dt.date.fromisoformat(change["known_on"]))
                out.append(f"- {_md(day)}: {_md(change['title'])}")
                for f in change["fields"]:
                    out.append(f"  - {_md(f['label'])}: {_md(f['old'])} → {_md(f['new'])}")
            out.append("")
    else:
        out += ["No changes.", ""]
    if "deadlines" in doc:
        out += ["## Deadlines", ""]
        if doc["deadlines"]:
            for item in doc["deadlines"]:
                prefix = f"{_md(item['process_title'])}: " if many else ""
                out.append(f"- {prefix}**{_md(item['title'])}**: {_md(_deadline_line(item))}")
                for reason in item["reasons"]:
                    out.append(f"  - {_md(reason)}")
        else:
            out.append("No deadlines are tracked.")
        out.append("")
    if doc.get("entry_into_force"):
        out += ["## Entry into force", ""]
        for item in doc["entry_into_force"]:
            prefix = f"**{_md(item['process_title'])}**: " if many else ""
            out.append(f"- {prefix}{_md(_eif_line(item))}")
            for scenario in item["scenarios"]:
                out.append(f"  - {_md(_scenario_line(scenario))}")
        out.append("")
    for note in doc.get("notes", []):
        out += [f"_{_md(note)}_", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ---- HTML for e-mail ------------------------------------------------------------------------

_FONT = "font-family:Arial,Helvetica,sans-serif;"
_H1 = f"{_FONT}font-size:22px;line-height:1.3;margin:0 0 12px;color:#1a1a1a;"
_H2 = (
    f"{_FONT}font-size:18px;line-height:1.3;margin:24px 0 8px;color:#1a1a1a;"
    "border-bottom:2px solid #e3e3e3;padding-bottom:4px;"
)
_H3 = f"{_FONT}font-size:16px;line-height:1.3;margin:16px 0 4px;color:#1a1a1a;"
_P = f"{_FONT}font-size:15px;line-height:1.5;margin:0 0 10px;color:#333333;"
_MUTED = f"{_FONT}font-size:14px;line-height:1.5;margin:0 0 8px;color:#666666;"
_UL = "margin:0 0 12px;padding:0 0 0 20px;"
_LI = f"{_FONT}font-size:15px;line-height:1.5;margin:0 0 6px;color:#333333;"
_A = "color:#1a56a8;text-decoration:underline;"
_DEL = "color:#8a1f11;"
_INS = "color:#1b6b2a;text-decoration:none;"
_BADGE = {
    "met": "#1b6b2a",
    "on_track": "#1b6b2a",
    "at_risk": "#9a6700",
    "off_track": "#8a1f11",
    "missed": "#8a1f11",
}


def _a(text: Any, url: str) -> str:
    return f'<a href="{escape(url)}" style="{_A}">{escape(str(text))}</a>'


def _html_list(items: list[str]) -> str:
    return f'<ul style="{_UL}">' + "".join(f'<li style="{_LI}">{i}</li>' for i in items) + "</ul>"


def digest_html(doc: Mapping[str, Any]) -> str:
    """The digest as a complete, e-mail-ready HTML document (inline styles, no scripts)."""
    many = _many(doc)
    body: list[str] = [
        f'<h1 style="{_H1}">{escape(doc["title"])}</h1>',
        f'<p style="{_MUTED}">{escape(_intro(doc))}</p>',
        f'<h2 style="{_H2}">Coming up</h2>',
    ]
    if doc["coming_up"]:
        rows = []
        for item in doc["coming_up"]:
            prefix = f"{escape(item['process_title'])}: " if many else ""
            rows.append(
                f"{prefix}<strong>{_a(item['title'], item['url'])}</strong><br>"
                f"{escape(_coming_details(item))}"
            )
        body.append(_html_list(rows))
    else:
        days = _plural(doc["days"], "day")
        body.append(f'<p style="{_P}">Nothing is scheduled in the next {days}.</p>')
    body.append(f'<h2 style="{_H2}">{escape(_since_heading(doc))}</h2>')
    if doc["changes"]:
        for group in doc["changes"]:
            prefix = f"{escape(group['process_title'])}: " if many else ""
            body.append(f'<h3 style="{_H3}">{prefix}{_a(group["title"], group["url"])}</h3>')
            body.append(f'<p style="{_MUTED}">{escape(group["when"])}</p>')
            rows = []
            for change in group["changes"]:
                day = human_day(dt.date.fromisoformat(change["known_on"]))
                row = f"{escape(day)}: {escape(change['title'])}"
                if change["fields"]:
                    row += _html_list(
                        [
                            f'{escape(f["label"])}: <span style="{_DEL}">'
                            f'{escape(f["old"])}</span> → <span style="{_INS}">'
                            f"{escape(f['new'])}</span>"
                            for f in change["fields"]
                        ]
                    )
                rows.append(row)
            body.append(_html_list(rows))
    else:
        body.append(f'<p style="{_P}">No changes.</p>')
    if "deadlines" in doc:
        body.append(f'<h2 style="{_H2}">Deadlines</h2>')
        if doc["deadlines"]:
            rows = []
            for item in doc["deadlines"]:
                colour = _BADGE.get(str(item["status"]), "#333333")
                prefix = f"{escape(item['process_title'])}: " if many else ""
                row = (
                    f"{prefix}<strong>{escape(str(item['title']))}</strong>: "
                    f'<span style="color:{colour};font-weight:bold;">'
                    f"{escape(_deadline_line(item))}</span>"
                )
                if item["reasons"]:
                    row += _html_list([escape(str(r)) for r in item["reasons"]])
                rows.append(row)
            body.append(_html_list(rows))
        else:
            body.append(f'<p style="{_P}">No deadlines are tracked.</p>')
    if doc.get("entry_into_force"):
        body.append(f'<h2 style="{_H2}">Entry into force</h2>')
        rows = []
        for item in doc["entry_into_force"]:
            row = (f"<strong>{escape(item['process_title'])}</strong>: " if many else "") + escape(
                _eif_line(item)
            )
            if item["scenarios"]:
                row += _html_list([escape(_scenario_line(s)) for s in item["scenarios"]])
            rows.append(row)
        body.append(_html_list(rows))
    for note in doc.get("notes", []):
        body.append(f'<p style="{_MUTED}"><em>{escape(note)}</em></p>')
    inner = "\n".join(body)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc['title'])}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background-color:#f4f4f4;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background-color:#f4f4f4;">\n<tr>\n<td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
        'style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dddddd;">\n'
        f'<tr>\n<td style="padding:24px;{_FONT}color:#333333;">\n'
        f"{inner}\n"
        "</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n"
    )
