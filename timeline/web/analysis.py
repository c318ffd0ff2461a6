"""The analyses as the process page shows them: deadlines, entry into force, the items board.

Pure: the reports' public JSON shapes (`to_json()`, exactly the API bodies) and item states in,
sentences and rows out. Reading the public shapes keeps the pages in step with the API and
independent of how the models compute them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from timeline.domain.items import OPEN_STATUSES, ItemState
from timeline.domain.vocabulary import MONTH_NAMES, RISK_LABELS

__all__ = [
    "ITEM_STATUS_WORDS",
    "OTHER_CHAPTER",
    "Chapter",
    "DeadlineView",
    "EifView",
    "ItemView",
    "ScenarioView",
    "chance_text",
    "deadline_views",
    "eif_view",
    "items_board",
    "slack_text",
]

OTHER_CHAPTER = "Other items"

# How an item's status reads on the board.
ITEM_STATUS_WORDS: dict[str, str] = {
    "open": "open",
    "informals": "in informals",
    "agreed": "agreed",
    "dropped": "dropped",
}


def _day(value: str | None) -> str | None:
    if value is None:
        return None
    day = dt.date.fromisoformat(value)
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def chance_text(p_meet: float | None) -> str:
    """The chance of meeting a deadline in words: 'under 1%', '45%', 'over 99%', 'not known'."""
    if p_meet is None:
        return "not known"
    if p_meet < 0.01:
        return "under 1%"
    if p_meet > 0.99:
        return "over 99%"
    return f"{round(p_meet * 100)}%"


def slack_text(slack_days: int | None) -> str:
    """The margin in words: '21 days late', '5 days to spare', 'none to spare'."""
    if slack_days is None:
        return "not known"
    if slack_days == 0:
        return "none to spare"
    n = abs(slack_days)
    unit = "day" if n == 1 else "days"
    return f"{n} {unit} late" if slack_days < 0 else f"{n} {unit} to spare"


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """One deadline's assessment in words."""

    id: str
    title: str
    href: str
    status: str
    status_label: str
    chance: str
    slack: str
    projected: str | None
    open_items: int
    open_items_effective: float
    reasons: tuple[str, ...]

    @property
    def effective_note(self) -> str | None:
        """Why the effective count differs from the plain count, when it does."""
        if self.open_items_effective == self.open_items:
            return None
        effective = f"{self.open_items_effective:g}"
        return (
            f"{self.open_items} open items weigh as {effective}: an item still in informals "
            "counts one and a half, since contested text takes longer to settle."
        )


def deadline_views(report: Mapping[str, Any], href: Mapping[str, str]) -> list[DeadlineView]:
    """Each deadline of a risk report (`RiskReport.to_json()`), in the report's order."""
    views = []
    for d in report["deadlines"]:
        event = d["event"]
        status = str(d["status"])
        views.append(
            DeadlineView(
                id=event["id"],
                title=event["title"],
                href=href.get(event["id"], ""),
                status=status,
                status_label=RISK_LABELS.get(status, status),
                chance=chance_text(d["p_meet"]),
                slack=slack_text(d["slack_days"]),
                projected=_day(d["projected_date"]),
                open_items=int(d["open_items"]),
                open_items_effective=float(d["open_items_effective"]),
                reasons=tuple(d["reasons"]),
            )
        )
    return views


@dataclass(frozen=True, slots=True)
class ScenarioView:
    """One threshold (the rule's or a proposal's) and what it would give."""

    instruments: int
    proposed_by: str
    reached: str | None
    entry_into_force: str | None
    p50: str | None
    p80: str | None
    is_rule: bool


@dataclass(frozen=True, slots=True)
class EifView:
    """The entry-into-force panel: the count against the threshold, projections, scenarios."""

    rule_title: str | None
    rule_href: str | None
    instruments: int | None
    delay_days: int | None
    count: int
    reached: str | None
    entry_into_force: str | None
    p50: str | None
    p80: str | None
    observed_per_month: float | None
    needed_per_month: float | None
    low_evidence: bool
    scenarios: tuple[ScenarioView, ...]

    @property
    def missing(self) -> int | None:
        """How many more instruments the rule needs (None without a rule)."""
        return None if self.instruments is None else max(self.instruments - self.count, 0)


def eif_view(report: Mapping[str, Any], href: Mapping[str, str]) -> EifView | None:
    """The panel of an entry-into-force report (`EifReport.to_json()`); None when the process
    has neither a rule nor a proposed threshold nor a deposit."""
    rule = report["rule"]
    if rule is None and not report["scenarios"] and not report["count"]:
        return None
    projection = report["projection"] or {}
    scenarios = [
        ScenarioView(
            instruments=int(s["instruments"]),
            proposed_by=", ".join(s["proposed_by"]) or "—",
            reached=_day(s["reached_on"]),
            entry_into_force=_day(s["entry_into_force"]),
            p50=_day(s["p50"]),
            p80=_day(s["p80"]),
            is_rule=False,
        )
        for s in report["scenarios"]
    ]
    if rule is not None:
        # The adopted rule sits among the proposals, so the table reads as one comparison.
        scenarios.append(
            ScenarioView(
                instruments=int(rule["instruments"]),
                proposed_by="the adopted rule",
                reached=_day(report["reached_on"]),
                entry_into_force=_day(report["entry_into_force"]),
                p50=_day(projection.get("p50")),
                p80=_day(projection.get("p80")),
                is_rule=True,
            )
        )
    scenarios.sort(key=lambda s: (s.instruments, not s.is_rule))
    return EifView(
        rule_title=None if rule is None else rule["event"]["title"],
        rule_href=None if rule is None else href.get(rule["event"]["id"]),
        instruments=None if rule is None else int(rule["instruments"]),
        delay_days=None if rule is None else int(rule["delay_days"]),
        count=int(report["count"]),
        reached=_day(report["reached_on"]),
        entry_into_force=_day(report["entry_into_force"]),
        p50=_day(projection.get("p50")),
        p80=_day(projection.get("p80")),
        observed_per_month=projection.get("observed_per_month"),
        needed_per_month=projection.get("needed_per_month"),
        low_evidence=bool(projection.get("low_evidence", False)),
        scenarios=tuple(scenarios),
    )


@dataclass(frozen=True, slots=True)
class ItemView:
    """One negotiation item on the board, with its status history in words."""

    key: str
    title: str
    status: str
    status_label: str
    since: str
    history: tuple[tuple[str, str], ...]  # (day, status words), oldest first


@dataclass(frozen=True, slots=True)
class Chapter:
    """The items of one chapter, with how many are still open."""

    title: str
    items: tuple[ItemView, ...]
    open: int


def _item(item: ItemState) -> ItemView:
    history: list[tuple[str, str]] = []
    previous: str | None = None
    for change in item.history:
        if change.status != previous:
            day = change.known_on
            words = ITEM_STATUS_WORDS.get(change.status, change.status)
            history.append((f"{day.day} {MONTH_NAMES[day.month]} {day.year}", words))
            previous = change.status
    return ItemView(
        key=item.key,
        title=item.title,
        status=item.status,
        status_label=ITEM_STATUS_WORDS.get(item.status, item.status),
        since=history[-1][0] if history else "",
        history=tuple(history),
    )


def items_board(items: Sequence[ItemState]) -> list[Chapter]:
    """Items grouped by chapter (chapters alphabetically, items without a chapter last), open
    ones first within a chapter."""
    chapters: dict[str, list[ItemState]] = {}
    for item in items:
        chapters.setdefault(item.chapter or OTHER_CHAPTER, []).append(item)
    names = sorted(chapters, key=lambda name: (name == OTHER_CHAPTER, name))
    board = []
    for name in names:
        members = sorted(chapters[name], key=lambda i: (i.status not in OPEN_STATUSES, i.title))
        board.append(
            Chapter(
                title=name,
                items=tuple(_item(i) for i in members),
                open=sum(1 for i in members if i.status in OPEN_STATUSES),
            )
        )
    return board
