"""The Jinja2 environment of the HTML the formats write (the digest, the feeds' entry content).

Autoescaped, loaded from the package's `formats/templates`, no I/O beyond reading them.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from timeline.domain.text import legal_text

__all__ = ["template"]


def _escaped(value: Any) -> Markup:
    # Escape as `html.escape` does (&quot; and &#x27;, where MarkupSafe writes &#34; and &#39;)
    # so the bytes stay those of earlier releases; autoescape then leaves the Markup alone.
    # Control characters (text stored before the text rule) are left out: HTML forbids them.
    if isinstance(value, Markup):
        return Markup(legal_text(value))
    return Markup(escape(legal_text(str(value))))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("timeline.formats", "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template(name: str) -> Template:
    """The template `name` of `timeline/formats/templates` (loaded once, then kept)."""
    return _environment().get_template(name)
