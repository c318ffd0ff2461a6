"""The one rule for stored text: characters every database, format and browser can carry.

PostgreSQL refuses NUL in text, RFC 5545 TEXT forbids control characters other than tab,
XML 1.0 (Atom, HTML) forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF, and JSON can
carry all of them. So the API refuses them at the door (tab and newline are text), and every
writer drops them from what was stored before the rule, so one old value never breaks a feed.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "MAX_JSON_DEPTH",
    "illegal_character",
    "json_depth",
    "legal_text",
    "text_problem",
]

# C0 controls except tab and newline, DEL, lone surrogates and the two XML non-characters.
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

MAX_JSON_DEPTH = 32
"""How deeply arrays and objects may nest in a request body or a stored JSON value."""

_CONTAINERS = (dict, list, tuple)


def illegal_character(text: str) -> str | None:
    """The first character of `text` the rule refuses, written as U+XXXX; None when none is."""
    found = _ILLEGAL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def legal_text(text: str) -> str:
    """`text` without the characters the rule refuses (for writers of stored text)."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def text_problem(value: Any) -> str | None:
    """Why a JSON value breaks the text rule (nesting deeper than MAX_JSON_DEPTH, or a refused
    character in any string or key); None when it keeps it."""
    if not isinstance(value, _CONTAINERS):
        # Most values checked are one string or a scalar (every field of every request and
        # bundle revision): nothing to walk.
        if isinstance(value, str) and (char := illegal_character(value)) is not None:
            return _refused(char)
        return None
    # One walk, level by level, for both rules (a bundle checks hundreds of thousands of
    # these): iterative, since a hostile value may nest deeper than Python's stack, and the
    # depth is known in full before a character is reported, as with two walks.
    search = _ILLEGAL.search
    found: str | None = None
    depth = 0
    level = [value]
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            return f"nests deeper than {MAX_JSON_DEPTH} levels"
        below: list[Any] = []
        for node in level:
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            for child in children:
                if isinstance(child, str):
                    if found is None and (hit := search(child)) is not None:
                        found = hit.group()
                elif isinstance(child, _CONTAINERS):
                    below.append(child)
        level = below
    return None if found is None else _refused(f"U+{ord(found):04X}")


def _refused(char: str) -> str:
    return f"must not contain the control character {char} (tab and newline are fine)"


def json_depth(value: Any) -> int:
    """How many arrays and objects nest in `value` at its deepest (0 for a scalar)."""
    # Level by level, keeping only containers: iterative (a hostile value may nest deeper than
    # Python's stack), and the scalars that make up most of a document are never queued.
    depth = 0
    level = [value] if isinstance(value, _CONTAINERS) else []
    while level:
        depth += 1
        below: list[Any] = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            below += [child for child in children if isinstance(child, _CONTAINERS)]
        level = below
    return depth
