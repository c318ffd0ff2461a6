"""The digest as an e-mail-ready HTML document, rendered by the `digest.html` template.

One self-contained document: a 600px layout table, every style inline (mail clients drop style
sheets), no scripts, no external resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from timeline.formats import digest_words as words
from timeline.formats.html_templates import template

__all__ = ["digest_html"]

_FONT = "font-family:Arial,Helvetica,sans-serif;"
_STYLES: dict[str, str] = {
    "font": _FONT,
    "h1": f"{_FONT}font-size:22px;line-height:1.3;margin:0 0 12px;color:#1a1a1a;",
    "h2": (
        f"{_FONT}font-size:18px;line-height:1.3;margin:24px 0 8px;color:#1a1a1a;"
        "border-bottom:2px solid #e3e3e3;padding-bottom:4px;"
    ),
    "h3": f"{_FONT}font-size:16px;line-height:1.3;margin:16px 0 4px;color:#1a1a1a;",
    "p": f"{_FONT}font-size:15px;line-height:1.5;margin:0 0 10px;color:#333333;",
    "muted": f"{_FONT}font-size:14px;line-height:1.5;margin:0 0 8px;color:#666666;",
    "ul": "margin:0 0 12px;padding:0 0 0 20px;",
    "li": f"{_FONT}font-size:15px;line-height:1.5;margin:0 0 6px;color:#333333;",
    "a": "color:#1a56a8;text-decoration:underline;",
    "del": "color:#8a1f11;",
    "ins": "color:#1b6b2a;text-decoration:none;",
}
# A deadline's status in the colour of its news: good, worrying, bad (others in the text's).
_BADGE: dict[str, str] = {
    "met": "#1b6b2a",
    "on_track": "#1b6b2a",
    "at_risk": "#9a6700",
    "off_track": "#8a1f11",
    "missed": "#8a1f11",
}


def digest_html(doc: Mapping[str, Any]) -> str:
    """The digest as a complete, e-mail-ready HTML document (inline styles, no scripts)."""
    return template("digest.html").render(
        doc=doc,
        many=words.many_processes(doc),
        style=_STYLES,
        badge=_BADGE,
        words=words,
    )
