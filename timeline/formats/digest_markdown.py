"""The digest as CommonMark: headings, bullet lists, links, every piece of user text escaped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from timeline.domain.text import legal_text
from timeline.formats.digest_words import (
    coming_details,
    deadline_line,
    eif_line,
    human_day,
    intro,
    many_processes,
    plural,
    scenario_line,
    since_heading,
)

__all__ = ["digest_markdown"]

_MD_SPECIAL = set("\\`*_[]<>#|!~&")
# Every way text can end a Markdown line: a title must never start a heading or a list item.
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _md(text: Any) -> str:
    """Escape text so Markdown shows it as written, on one line (no accidental emphasis,
    links, HTML, headings or list items)."""
    flat = _LINE_BREAKS.sub(" ", legal_text(str(text)))
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in flat)


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _md_link(text: Any, url: str) -> str:
    return f"[{_md(text)}]({_md_url(url)})"


def digest_markdown(doc: Mapping[str, Any]) -> str:
    """The digest as CommonMark: headings, bullet lists, links; user text escaped."""
    many = many_processes(doc)
    out = [f"# {_md(doc['title'])}", "", _md(intro(doc)), "", "## Coming up", ""]
    if doc["coming_up"]:
        for item in doc["coming_up"]:
            prefix = f"{_md(item['process_title'])}: " if many else ""
            out.append(
                f"- {prefix}**{_md_link(item['title'], item['url'])}**: {_md(coming_details(item))}"
            )
    else:
        out.append(f"Nothing is scheduled in the next {plural(doc['days'], 'day')}.")
    out += ["", f"## {_md(since_heading(doc))}", ""]
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
                out.append(f"- {prefix}**{_md(item['title'])}**: {_md(deadline_line(item))}")
                for reason in item["reasons"]:
                    out.append(f"  - {_md(reason)}")
        else:
            out.append("No deadlines are tracked.")
        out.append("")
    if doc.get("entry_into_force"):
        out += ["## Entry into force", ""]
        for item in doc["entry_into_force"]:
            prefix = f"**{_md(item['process_title'])}**: " if many else ""
            out.append(f"- {prefix}{_md(eif_line(item))}")
            for scenario in item["scenarios"]:
                out.append(f"  - {_md(scenario_line(scenario))}")
        out.append("")
    for note in doc.get("notes", []):
        out += [f"_{_md(note)}_", ""]
    return "\n".join(out).rstrip("\n") + "\n"
