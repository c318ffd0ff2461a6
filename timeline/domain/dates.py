"""Fuzzy dates: EDTF (ISO 8601-2 levels 0-1) and timed ISO 8601 datetimes, reduced to day bounds.

Every event carries a written date. Everything downstream (windows, ordering, calendars, risk)
works on the first and last calendar day that date can cover, plus how precise it is. The
`edtf` library does the parsing; two gaps in it are filled here, as the architecture notes say:
it cannot parse datetime intervals (we use `datetime.fromisoformat`) and its winter season covers
December only (we compute season bounds ourselves, northern meteorological seasons).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from timeline.domain.vocabulary import MONTH_NAMES, Precision

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "DateError",
    "DateSpan",
    "Precision",
    "add_days",
    "check_supported",
    "describe_fuzzy",
    "parse_date",
    "shift",
]

_PRECISION_RANK: dict[str, int] = {"datetime": 0, "day": 1, "month": 2, "season": 3, "year": 4}
_ENDPOINT = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?$")
_YEAR_UNSPECIFIED = re.compile(r"^\d{2}(XX|\dX)$")
_PLAIN_DATE = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2})?)?"
_PLAIN = re.compile(rf"{_PLAIN_DATE}(?:/{_PLAIN_DATE})?")
_DAYS = re.compile(r"\d{4}-\d{2}-\d{2}(?:/\d{4}-\d{2}-\d{2})?")
_QUALIFIERS = "~?%"
_SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}
_SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}


# The years a stored date may touch. Python's dates end at years 1 and 9999, and readers shift
# dates by years (forecasts, lags up to ten years, month ticks past the last day, a winter into
# the next year): a margin of thousands of years on both sides means no reader ever overflows.
FIRST_YEAR = 1000
LAST_YEAR = 2999


class DateError(ValueError):
    """A written date that cannot be understood; the message says why, for a person."""


class DateSpan(NamedTuple):
    """What a written date means: inclusive day bounds, precision and qualifiers.

    A named tuple rather than a frozen dataclass: a feed's first build parses thousands of
    dates, and the dataclass's `__init__` (one `object.__setattr__` per field) cost as much as
    the parse itself. Immutable either way.
    """

    text: str
    start: date
    end: date
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    start_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def is_exact(self) -> bool:
        """True when the date names exact days (or times) with no qualifier."""
        return (
            self.precision in ("day", "datetime")
            and not self.approximate
            and not self.uncertain
            and "X" not in self.text
        )

    @property
    def days(self) -> int:
        """How many calendar days the span covers, both ends included."""
        return (self.end - self.start).days + 1


def parse_date(text: str) -> DateSpan:
    """Parse an EDTF date or a timed ISO 8601 datetime (interval) into a `DateSpan`.

    Raises `DateError` with a readable reason for anything that is not a closed, valid date.
    """
    if not isinstance(text, str) or not text.strip():
        raise DateError("a date is required (EDTF, e.g. 2023-04-11, 2023-06, 2023-21)")
    text = text.strip()
    if _DAYS.fullmatch(text):
        # Most dates are plain days or ranges of them, and a feed's first build parses
        # thousands; `date.fromisoformat` is a single C call, and it refuses what EDTF refuses.
        first, _, last = text.partition("/")
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if last else start
        except ValueError:
            return _parse_edtf(text)  # which says what is wrong with it
        if start <= end:
            return DateSpan(text=text, start=start, end=end, precision="day")
    if "T" in text:
        return _parse_timed(text)
    return _parse_edtf(text)


def check_supported(span: DateSpan) -> DateSpan:
    """`span` unchanged when every day and moment of it lies in years FIRST_YEAR to LAST_YEAR
    (in UTC too, for timed dates); DateError saying the range otherwise.

    Writes and imports call this; readers do not, so a date stored before the rule still reads.
    """
    moments = [m for m in (span.start_time, span.end_time) if m is not None]
    years = [span.start.year, span.end.year, *(_utc_year(m) for m in moments)]
    if min(years) < FIRST_YEAR or max(years) > LAST_YEAR:
        raise DateError(f"{span.text!r} is outside the supported years {FIRST_YEAR} to {LAST_YEAR}")
    return span


def _utc_year(moment: datetime) -> int:
    try:
        return moment.astimezone(UTC).year
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        return 0 if moment.year < 2 else 10000


def _parse_timed(text: str) -> DateSpan:
    parts = text.split("/")
    if len(parts) > 2:
        raise DateError(f"{text!r} is not a datetime or an interval of two datetimes")
    moments = [_parse_moment(p) for p in parts]
    first, last = moments[0], moments[-1]
    if last < first:
        raise DateError(f"{text!r} ends before it starts")
    return DateSpan(
        text=text,
        start=first.date(),
        end=last.date(),
        precision="datetime",
        start_time=first,
        end_time=last,
    )


def _parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DateError(f"{text!r} is not an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        raise DateError(f"{text!r} has no UTC offset: write e.g. {text}+00:00 or {text}-05:00")
    return moment


def _is_plain(text: str) -> bool:
    """Whether `text` is days, months or years that exist (so the EDTF grammar would agree)."""
    if not _PLAIN.fullmatch(text):
        return False
    for part in text.split("/"):
        year, month, day = [*part.split("-"), "01", "01"][:3]
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return False
    return True


def _parse_edtf(text: str) -> DateSpan:
    # The edtf grammar (pyparsing) costs tens of milliseconds a date, which made cold pages and
    # feeds slow (bench/). Plain days, months and years, alone or as an interval, are level 0
    # EDTF that `_endpoint` below validates completely, so only other forms need the grammar.
    if not _is_plain(text):
        # Imported here: the grammar costs 60 ms to load, which every command line run paid.
        import edtf

        try:
            edtf.parse_edtf(text)
        except Exception:  # the parser raises several types (and TypeError) on bad input
            raise DateError(f"{text!r} is not a valid EDTF date") from None
    parts = text.split("/")
    if len(parts) > 2:
        raise DateError(f"{text!r} is not a valid EDTF date")
    if any(p in ("", "..") for p in parts):
        raise DateError(f"{text!r} is open-ended: give both ends of the interval")
    bounds = [_endpoint(p) for p in parts]
    start, end = bounds[0][0], bounds[-1][1]
    if end < start:
        raise DateError(f"{text!r} ends before it starts")
    precision = max((b[2] for b in bounds), key=lambda p: _PRECISION_RANK[p])
    return DateSpan(
        text=text,
        start=start,
        end=end,
        precision=precision,
        approximate=any(c in text for c in "~%"),
        uncertain=any(c in text for c in "?%"),
    )


def _endpoint(text: str) -> tuple[date, date, Precision]:
    bare = text.strip(_QUALIFIERS)
    if any(c in bare for c in _QUALIFIERS):
        # Level 2 puts qualifiers on single components; keep to the whole-date form of level 1.
        raise DateError(f"{text!r}: put ~ ? % after the whole date (EDTF level 1)")
    if _YEAR_UNSPECIFIED.match(bare):
        decade = bare.replace("X", "0")
        span = 10 ** bare.count("X")
        first = int(decade)
        return date(max(first, 1), 1, 1), date(first + span - 1, 12, 31), "year"
    match = _ENDPOINT.match(bare)
    if not match:
        raise DateError(f"{text!r} is not a date this service can place on a calendar")
    year = int(match["year"])
    if year < 1:
        raise DateError(f"{text!r}: year 0 cannot be placed on a calendar")
    month, day = match["month"], match["day"]
    if month is None or month == "XX":
        if day not in (None, "XX"):
            raise DateError(f"{text!r}: a day without a month")
        return date(year, 1, 1), date(year, 12, 31), "year"
    number = int(month)
    if 21 <= number <= 24:
        if day is not None:
            raise DateError(f"{text!r}: a season has no day")
        return (*_season_bounds(year, number), "season")
    if not 1 <= number <= 12:
        raise DateError(f"{text!r}: month {number} does not exist")
    last_day = calendar.monthrange(year, number)[1]
    if day is None or day == "XX":
        return date(year, number, 1), date(year, number, last_day), "month"
    try:
        exact = date(year, number, int(day))
    except ValueError:
        raise DateError(f"{text!r} is not a day of the calendar") from None
    return exact, exact, "day"


def _season_bounds(year: int, season: int) -> tuple[date, date]:
    first_month, last_month = _SEASON_MONTHS[season]
    end_year = year + 1 if season == 24 else year
    if end_year > date.max.year:
        raise DateError(f"{year}-{season}: winter {year} ends in a year no calendar has")
    start = date(year, first_month, 1)
    end = date(end_year, last_month, calendar.monthrange(end_year, last_month)[1])
    return start, end


def describe_fuzzy(span: DateSpan) -> str:
    """Say a date the way people write it: '11–21 April 2023', 'June 2023', 'early January 2024'.

    Approximate dates read 'around …', uncertain ones end with '(unconfirmed)'.
    """
    if span.precision == "datetime" and span.start_time is not None:
        assert span.end_time is not None
        text = _describe_timed(span.start_time, span.end_time)
    elif (part := _part_of_month(span)) is not None:
        # "2024-01-01~/2024-01-10~" is how EDTF says "early January 2024": say it back that way.
        return f"{part} {MONTH_NAMES[span.start.month]} {span.start.year}" + (
            " (unconfirmed)" if span.uncertain else ""
        )
    elif "/" in span.text:
        text = _describe_range(span)
    else:
        text = _describe_single(span)
    if span.approximate:
        text = f"around {text}"
    if span.uncertain:
        text = f"{text} (unconfirmed)"
    return text


def _part_of_month(span: DateSpan) -> str | None:
    if not span.approximate or span.precision != "day" or "/" not in span.text:
        return None
    start, end = span.start, span.end
    if (start.year, start.month) != (end.year, end.month):
        return None
    last = calendar.monthrange(end.year, end.month)[1]
    parts = {(1, 10): "early", (11, 20): "mid", (21, last): "late"}
    return parts.get((start.day, end.day))


def _describe_single(span: DateSpan) -> str:
    bare = span.text.strip(_QUALIFIERS)
    if span.precision == "season":
        season = int(bare[5:7])
        return f"{_SEASON_NAMES[season]} {bare[:4]}"
    if span.precision == "year":
        return bare.replace("X", "0") + "s" if "X" in bare[:4] else bare[:4]
    if span.precision == "month":
        return f"{MONTH_NAMES[span.start.month]} {span.start.year}"
    return f"{span.start.day} {MONTH_NAMES[span.start.month]} {span.start.year}"


def _describe_range(span: DateSpan) -> str:
    if span.precision != "day":
        first, last = (parse_date(p) for p in span.text.split("/"))
        return f"{_describe_single(first)} – {_describe_single(last)}"
    start, end = span.start, span.end
    if start == end:
        return _describe_single(span)
    if start.year != end.year:
        return (
            f"{start.day} {MONTH_NAMES[start.month]} {start.year} – "
            f"{end.day} {MONTH_NAMES[end.month]} {end.year}"
        )
    if start.month != end.month:
        return (
            f"{start.day} {MONTH_NAMES[start.month]} – "
            f"{end.day} {MONTH_NAMES[end.month]} {end.year}"
        )
    return f"{start.day}–{end.day} {MONTH_NAMES[start.month]} {start.year}"


def _describe_timed(first: datetime, last: datetime) -> str:
    day = f"{first.day} {MONTH_NAMES[first.month]} {first.year}"
    offset = first.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("+0000", "") else "UTC"
    if first == last:
        return f"{day}, {first:%H:%M} {zone}"
    if first.date() == last.date():
        return f"{day}, {first:%H:%M}–{last:%H:%M} {zone}"
    return f"{day} {first:%H:%M} – {last.day} {MONTH_NAMES[last.month]} {last:%H:%M} {zone}"


def add_days(day: date, days: int) -> date:
    """The calendar day `days` after `day` (negative goes back)."""
    return day + timedelta(days=days)


# Lags, overruns and look-back windows are short: an analysis shifts a day a thousand times,
# and building each timedelta from a keyword argument was a tenth of that cost.
_SHORT_SHIFTS = {days: timedelta(days=days) for days in range(-400, 401) if days}


def shift(day: date, days: int) -> date:
    """The day `days` after `day`, clamped to the calendar's ends (years 1 to 9999)."""
    if not days:
        return day  # most lags are 0: no timedelta to build
    try:
        return day + (_SHORT_SHIFTS.get(days) or timedelta(days=days))
    except OverflowError:
        return date.max if days > 0 else date.min
