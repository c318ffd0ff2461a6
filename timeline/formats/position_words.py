"""Position changes said in words: "Egypt now opposes Scope of cooperation", "The African Group
placed at +0.8 on scope (narrow → wide)", "Vote recorded: Adoption of the convention: adopted
(120 yes, 10 no, 5 abstain)", with a plain-text and an HTML account of every changed field.

Pure: the feeds and the digest share these sentences, so a change reads the same everywhere.
"""

from __future__ import annotations

from html import escape
from typing import Any

from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import TAG_AUTHORITY, describe_value, rfc3339

__all__ = [
    "position_entry_id",
    "position_fields",
    "position_html",
    "position_text",
    "position_title",
    "position_url",
    "signed",
]

_STANCE_VERBS: dict[str, str] = {
    "support": "supports",
    "oppose": "opposes",
    "abstain": "abstains on",
    "undecided": "is undecided on",
}
# The fields a reader sees, per kind; the rest (holder, holder_kind, proposal, axis, key) name
# the record and are already in the headline.
_SHOWN: dict[str, tuple[str, ...]] = {
    "stance": ("stance", "sources", "note"),
    "placement": ("value", "sources", "note"),
    "roll": ("counts", "required_yes", "outcome", "rule", "sources"),
    "proposal": ("title", "item", "rule", "summary", "sources"),
}
_LABELS: dict[str, str] = {"required_yes": "yes votes needed", "item": "item"}


def position_entry_id(change: PositionChange) -> str:
    """The permanent id of a position change: process, record kind, key and version (never
    the host or a row id, so it survives an export and re-import)."""
    where = f"{change.process}/positions/{change.kind}/{change.key}"
    return f"tag:{TAG_AUTHORITY}:{where}/{change.version}"


def position_url(root: str, change: PositionChange) -> str:
    """Where a reader sees the change: the voted event's page for a roll, otherwise the
    process page's positions view (at the proposal, or at the map for a placement)."""
    base = f"{root}/processes/{change.process}"
    if change.kind == "roll":
        return f"{base}/events/{change.document.get('event', change.key)}"
    if change.kind == "placement":
        return f"{base}#positions-map"
    proposal = change.document.get("proposal", change.key)
    return f"{base}#proposal-{proposal}"


def signed(value: Any) -> str:
    """A placement value as people read it: '+0.8', '−0.25', '0'."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    if text == "0":
        return "0"
    return ("+" if value > 0 else "−") + text


def _holder(change: PositionChange) -> str:
    name = change.holder_name or str(change.document.get("holder", change.key))
    # Groups read as "the African Group"; a state's name stands alone ("Egypt").
    if change.document.get("holder_kind") == "group" and not name.lower().startswith("the "):
        return f"The {name}"
    return name


def _subject(change: PositionChange) -> str:
    return change.subject or str(change.document.get("proposal") or change.key)


def _axis_words(change: PositionChange) -> str:
    name = change.subject or str(change.document.get("axis", ""))
    if change.axis is None:
        return name
    return f"{name} ({change.axis[0]} → {change.axis[1]})"


def _stance_title(change: PositionChange) -> str:
    stance = str(change.document.get("stance"))
    verb = _STANCE_VERBS.get(stance, stance)
    if change.change == "created" or "stance" in change.fields:
        return f"{_holder(change)} now {verb} {_subject(change)}"
    return f"{_holder(change)} {verb} {_subject(change)}: {_changed(change)} updated"


def _placement_title(change: PositionChange) -> str:
    value = change.document.get("value")
    if change.change == "created":
        return f"{_holder(change)} placed at {signed(value)} on {_axis_words(change)}"
    if "value" in change.fields:
        old = change.fields["value"][0]
        return (
            f"{_holder(change)} moved from {signed(old)} to {signed(value)} "
            f"on {_axis_words(change)}"
        )
    return f"{_holder(change)} on {_axis_words(change)}: {_changed(change)} updated"


def _tally(document: dict[str, Any]) -> str:
    counts = document.get("counts") or {}
    parts = [f"{counts[k]} {k}" for k in ("yes", "no", "abstain") if counts.get(k) is not None]
    outcome = document.get("outcome")
    if outcome is None:
        return ", ".join(parts)
    return f"{outcome} ({', '.join(parts)})" if parts else str(outcome)


def _roll_title(change: PositionChange) -> str:
    lead = "Vote recorded" if change.change == "created" else "Vote roll corrected"
    return f"{lead}: {_subject(change)}: {_tally(change.document)}"


def _proposal_title(change: PositionChange) -> str:
    title = str(change.document.get("title") or change.key)
    if change.change == "created":
        return f"New proposal: {title}"
    if "title" in change.fields and isinstance(change.fields["title"][0], str):
        return f"Proposal “{change.fields['title'][0]}” renamed “{title}”"
    return f"Proposal {title}: {_changed(change)} updated"


def _changed(change: PositionChange) -> str:
    names = [_label(n) for n in _SHOWN.get(change.kind, ()) if n in change.fields]
    if not names:
        return "details"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


def position_title(change: PositionChange) -> str:
    """A headline for one position change, in words a newsletter reader understands."""
    if change.kind == "stance":
        return _stance_title(change)
    if change.kind == "placement":
        return _placement_title(change)
    if change.kind == "roll":
        return _roll_title(change)
    return _proposal_title(change)


def _describe(name: str, value: Any) -> str:
    if name == "value":
        return "none" if value is None else signed(value)
    if name == "stance" and isinstance(value, str):
        return value
    return describe_value(name, value)


def position_fields(change: PositionChange) -> list[tuple[str, str, str, str]]:
    """Each changed field a reader sees: (field, label, old, new); a creation lists the new
    values with an empty old one."""
    created = change.change == "created"
    rows = []
    for name in _SHOWN.get(change.kind, ()):  # the headline's field first, sources last
        if name in change.fields:
            old, new = change.fields[name]
            rows.append(
                (name, _label(name), "" if created else _describe(name, old), _describe(name, new))
            )
    return rows


def _sources(change: PositionChange) -> list[dict[str, Any]]:
    sources = change.document.get("sources") or []
    return [s for s in sources if isinstance(s, dict)]


def position_text(change: PositionChange) -> str:
    """The change as plain text: the headline, one 'field: old → new' line per shown field,
    then its sources."""
    lines = [position_title(change), f"Public since {change.known_on.isoformat()}"]
    for _, label, old, new in position_fields(change):
        lines.append(f"{label}: {new}" if change.change == "created" else f"{label}: {old} → {new}")
    for source in _sources(change):
        lines.append(f"Source: {source.get('title') or source.get('url')} <{source.get('url')}>")
    return "\n".join(lines)


def position_html(change: PositionChange, url: str | None = None) -> str:
    """An HTML fragment for a feed entry: the headline (linked), the changed fields (old →
    new), and the sources as links; every piece of user text escaped."""
    title = escape(position_title(change))
    out = [f'<p><a href="{escape(url)}">{title}</a></p>' if url else f"<p>{title}</p>"]
    out.append(f"<p>Public since {change.known_on.isoformat()}.</p>")
    rows = position_fields(change)
    if rows:
        out.append("<ul>")
        for _, label, old, new in rows:
            if change.change == "created":
                out.append(f"<li>{escape(label)}: {escape(new)}</li>")
            else:
                out.append(
                    f"<li>{escape(label)}: <del>{escape(old)}</del> → <ins>{escape(new)}</ins></li>"
                )
        out.append("</ul>")
    sources = _sources(change)
    if sources:
        links = ", ".join(
            f'<a href="{escape(str(s.get("url", "")))}">'
            f"{escape(str(s.get('title') or s.get('url')))}</a>"
            for s in sources
        )
        out.append(f"<p>Sources: {links}</p>")
    out.append(
        f"<p><small>Recorded {rfc3339(change.recorded_at)} by {escape(change.actor)}.</small></p>"
    )
    return "\n".join(out)
