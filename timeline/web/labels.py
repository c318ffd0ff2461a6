"""The drawing's label texts: titles shortened at word boundaries, shared marks said briefly.

Pure string work, separate from where labels go (`timeline.web.drawing`).
"""

from __future__ import annotations

from collections.abc import Sequence

from timeline.domain.vocabulary import RISK_LABELS

__all__ = ["label_text", "shorten"]


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:(") + "…"


def _shared_prefix(titles: Sequence[str]) -> str:
    """The words every title starts with, up to and including a ': ' (else '')."""
    first = titles[0]
    if ": " not in first:
        return ""
    prefix = first[: first.index(": ") + 2]
    return prefix if all(t.startswith(prefix) for t in titles) else ""


def _factor_suffix(parts: Sequence[str]) -> str:
    """'70 instruments', '30 instruments' as '70 / 30 instruments' (a shared last word once)."""
    words = parts[0].rsplit(" ", 1)
    if len(words) == 2 and all(p.endswith(" " + words[1]) for p in parts):
        tail = " " + words[1]
        return " / ".join(p[: -len(tail)] for p in parts) + tail
    return " / ".join(parts)


def label_text(titles: Sequence[str], risk: str | None, limit: int) -> str:
    """The label of a mark for `titles` (one, or identical parallel events), at most `limit`
    characters with the risk said after it: the title shortened at a word boundary, or for
    a shared mark what tells its events apart ("70 / 30 instruments") or how many they are."""
    if len(titles) > 1:
        prefix = _shared_prefix(titles)
        rests = _factor_suffix([t[len(prefix) :] for t in titles])
        head = (prefix.rstrip(": ") or titles[0]).strip()
        # The lane already names the kind: the parts that differ may say enough on their own.
        options = [prefix + rests, rests] if prefix else []
        text = next((o for o in options if len(o) <= limit), f"{head} ({len(titles)})")
    else:
        text = titles[0]
    suffix = f" · {RISK_LABELS[risk]}" if risk is not None else ""
    return shorten(text, max(limit - len(suffix), 8)) + suffix
