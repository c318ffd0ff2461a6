"""The low-level parts of writing iCalendar (RFC 5545): value encodings and line folding.

Hand-written rather than left to the `icalendar` library because serialising through its
component objects was the bottleneck of every feed. Measured on the 2-core development machine
with the benchmark's 5,000 events (bench/calendar_feed.py): a cold `build_calendar` with
icalendar took 3.1 to 4.5 s, over 90% of it inside icalendar (building property objects, then
content lines, then folding them character by character); writing the same bytes with these
string functions takes 75 to 95 ms, with no per-entry cache needed. The output is what
icalendar wrote for the same values (its escapes, its folding points), which the tests check
against icalendar itself; VTIMEZONE components, a handful per feed, still come from it.

Everything here works on `str`; callers join the lines and encode the whole calendar to UTF-8
once. Pure functions, no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from timeline.domain.text import legal_text

__all__ = [
    "FOLD_OCTETS",
    "content_lines",
    "date_value",
    "duration_value",
    "escape_text",
    "fold",
    "local_datetime_value",
    "param_value",
    "text_list",
    "uri_value",
    "utc_datetime_value",
]

# A folded line holds at most this many octets before its CRLF, plus the leading space on a
# continuation line: 74 + 1 = 75, RFC 5545's limit. icalendar folds at the same place, so our
# bytes match the feeds it wrote before.
FOLD_OCTETS = 74

_CONTINUATION = 0x80  # UTF-8 continuation bytes are 10xxxxxx
_KEEP_WITH_NEXT = frozenset(b"\\^")


def escape_text(value: str) -> str:
    r"""`value` as an RFC 5545 TEXT value (3.3.11): `\`, `;` and `,` escaped with a backslash,
    each line break (CRLF, LF or a lone CR) written as `\n`.

    Control characters TEXT forbids (RFC 5545 3.1: all but tab) are left out, so a value
    stored before the text rule never breaks a calendar. Other characters pass unchanged,
    including a literal backslash followed by `N` (written `\\N`; the icalendar library turned
    it into a line break).
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = legal_text(value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def text_list(values: Iterable[str]) -> str:
    """Several TEXT values as one property value (CATEGORIES), each escaped, comma-separated."""
    return ",".join(map(escape_text, values))


def uri_value(value: str) -> str:
    """`value` as a URI value, which is written as is (RFC 5545 3.3.13 has no escapes).

    Raises ValueError for a line break, which no URI holds and which would end the line early.
    """
    if "\n" in value or "\r" in value:
        raise ValueError(f"a URI cannot hold a line break: {value!r}")
    return value


def param_value(value: str) -> str:
    """`value` as a property parameter value: RFC 6868 escapes (`^^`, `^'`, `^n`) and double
    quotes around it when it holds `,`, `;` or `:` (RFC 5545 3.1)."""
    if "^" in value:
        value = value.replace("^", "^^")
    if '"' in value:
        value = value.replace('"', "^'")
    if "\r" in value or "\n" in value:
        value = value.replace("\r\n", "^n").replace("\r", "^n").replace("\n", "^n")
    if "," in value or ";" in value or ":" in value:
        return f'"{value}"'
    return value


def date_value(day: dt.date) -> str:
    """A DATE value: `20230411` (`00990102` for the year 99)."""
    return day.isoformat().replace("-", "")  # isoformat pads the year to 4 digits, strftime not


def local_datetime_value(moment: dt.datetime) -> str:
    """A DATE-TIME value in the moment's own wall time, without `Z` (for use with TZID=), to
    the second."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def utc_datetime_value(moment: dt.datetime) -> str:
    """A DATE-TIME value in UTC with `Z`, to the second (fractions dropped). A naive moment is
    taken to be UTC already. A moment whose UTC day lies before year 1 or after 9999 (stored
    before dates were bounded) is written as the calendar's first or last second."""
    if moment.tzinfo is not None and moment.utcoffset():
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:
            edge = dt.datetime.min if moment.year == 1 else dt.datetime.max
            moment = edge.replace(microsecond=0)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def duration_value(span: dt.timedelta) -> str:
    """A DURATION value (RFC 5545 3.3.6) as icalendar writes it: `PT6H`, `-P7D`, `P1DT2H30M`;
    fractions of a second are dropped."""
    sign = ""
    if span.days < 0:
        sign = "-"
        span = -span
    time = ""
    if span.seconds:
        hours, rest = divmod(span.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T"
        if hours:
            time += f"{hours}H"
        if minutes or (hours and seconds):
            time += f"{minutes}M"
        if seconds:
            time += f"{seconds}S"
    if span.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{span.days}D{time}"


def fold(line: str) -> str:
    """One content line folded (RFC 5545 3.1): pieces of at most 74 octets of UTF-8 joined by
    CRLF and a space, so no line exceeds 75 octets; never inside a character, and never right
    after a `\\` or `^` (an escape stays whole on one line, as some clients need). No final CRLF.
    """
    if len(line) <= FOLD_OCTETS:
        if line.isascii():
            return line
    elif line.isascii():
        return _fold_ascii(line)
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return line
    return _fold_utf8(data)


def _fold_ascii(line: str) -> str:
    # One octet per character: cut every 74 characters, keeping an escape with what follows.
    pieces: list[str] = []
    start, size = 0, len(line)
    while size - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        if line[cut - 1] in "\\^":
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


def _fold_utf8(data: bytes) -> str:
    # Cut at most 74 octets in, moved back to the first octet of a character; the pieces are
    # whole characters, so each decodes alone.
    pieces: list[str] = []
    start, size = 0, len(data)
    while size - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == _CONTINUATION:  # data[cut] begins the next piece
            cut -= 1
        if cut - start > 1 and data[cut - 1] in _KEEP_WITH_NEXT:
            cut -= 1
        pieces.append(data[start:cut].decode())
        start = cut
    pieces.append(data[start:].decode())
    return "\r\n ".join(pieces)


def content_lines(lines: Iterable[str]) -> str:
    """Unfolded content lines as folded text, each ending with CRLF."""
    return "".join([fold(line) + "\r\n" for line in lines])
