"""The digest's sentences, shared by its Markdown and HTML so both say exactly the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from timeline.domain.vocabulary import MONTH_NAMES
from timeline.formats.change_words import status_phrase

__all__ = [
    "coming_details",
    "day_text",
    "deadline_line",
    "eif_line",
    "human_day",
    "intro",
    "many_processes",
    "plural",
    "scenario_line",
    "since_heading",
]


def human_day(day: dt.date) -> str:
    """A day as people write it: '30 June 2023'."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def plural(n: int, word: str) -> str:
    """'1 day', '2 days'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def intro(doc: Mapping[str, Any]) -> str:
    return (
        f"What is coming in the next {plural(doc['days'], 'day')} "
        f"(to {human_day(dt.date.fromisoformat(doc['until']))}) and what changed since "
        f"{human_day(dt.date.fromisoformat(doc['since']))}, as known on "
        f"{human_day(dt.date.fromisoformat(doc['as_of']))}."
    )


def since_heading(doc: Mapping[str, Any]) -> str:
    return f"What changed since {human_day(dt.date.fromisoformat(doc['since']))}"


def many_processes(doc: Mapping[str, Any]) -> bool:
    return len(doc["processes"]) != 1


def coming_details(item: Mapping[str, Any]) -> str:
    parts = [item["when"], item["countdown"]]
    if item["location"]:
        parts.append(item["location"])
    if item["status"] not in ("planned", "held"):
        parts.append(status_phrase(item["kind"], item["status"]))
    return " · ".join(parts)


def deadline_line(item: Mapping[str, Any]) -> str:
    status = str(item["status"] or "unknown").replace("_", " ")
    parts = [status]
    if item.get("p_meet") is not None:
        parts.append(f"{round(float(item['p_meet']) * 100)}% chance to meet it")
    if item.get("slack_days") is not None:
        parts.append(f"slack {item['slack_days']} days")
    if item.get("projected_date"):
        parts.append(f"projected {human_day(dt.date.fromisoformat(item['projected_date']))}")
    return ", ".join(parts)


def eif_line(item: Mapping[str, Any]) -> str:
    count, needed = item.get("count"), item.get("instruments")
    have = count if count is not None else "unknown"
    if needed is None:
        text = f"No rule adopted yet; {have} instruments deposited"
    else:
        text = f"{have} of {needed} instruments deposited"
        if item.get("delay_days") is not None:
            text += f" (in force {item['delay_days']} days after the {_ordinal(needed)})"
    if item.get("entry_into_force"):
        text += f"; in force on {day_text(item['entry_into_force'])}"
    elif item.get("p50"):
        text += f"; projected: entry into force around {day_text(item['p50'])} (even odds)"
        if item.get("p80"):
            text += f", 80% by {day_text(item['p80'])}"
    return text + "."


def scenario_line(scenario: Mapping[str, Any]) -> str:
    who = ", ".join(scenario["proposed_by"]) or "unnamed"
    text = f"Proposal of {scenario['instruments']} instruments ({who})"
    if scenario.get("entry_into_force"):
        return f"{text}: would have been in force on {day_text(scenario['entry_into_force'])}"
    if scenario.get("p50"):
        # The projected day is when the treaty would enter into force, not when the threshold
        # would be reached: say which.
        return f"{text}: entry into force around {day_text(scenario['p50'])} (even odds)"
    return text


def day_text(iso: str) -> str:
    return human_day(dt.date.fromisoformat(iso))


def _ordinal(n: Any) -> str:
    if not isinstance(n, int):
        return "last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
