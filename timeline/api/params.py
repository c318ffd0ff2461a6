"""Parameters of the routes, declared once here so they read and validate alike.

Some parameters have two declarations that differ only in their description: each is the
wording the published OpenAPI document already carries for those routes, kept word for word.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar.params import FromPath, QueryParameter

from timeline.domain.vocabulary import Kind, Status
from timeline.services.feeds import DigestFormat

__all__ = [
    "AlarmDays",
    "AsOf",
    "Cursor",
    "DigestDays",
    "DigestFormatParam",
    "End",
    "ExactOnly",
    "FeedLimit",
    "From",
    "Kinds",
    "KindsAny",
    "KnownOn",
    "Limit",
    "ProcessSlugs",
    "Processes",
    "Since",
    "Slug",
    "Start",
    "Statuses",
    "StatusesAny",
    "Tags",
    "TagsAny",
    "To",
    "UpcomingDays",
    "Zoom",
]

Slug = FromPath[str]
"""The process named in the path."""

AsOf = Annotated[
    dt.date | None,
    QueryParameter(
        name="as_of", description="Answer with what was known on this day (YYYY-MM-DD)."
    ),
]
KnownOn = Annotated[dt.date | None, QueryParameter(name="known_on")]
Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Page size (max 500).")
]
FeedLimit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Most entries (max 500).")
]
Cursor = Annotated[str | None, QueryParameter(name="cursor", description="Opaque page cursor.")]

Kinds = Annotated[
    list[Kind] | None, QueryParameter(name="kind", description="Any of these kinds (repeat).")
]
Tags = Annotated[
    list[str] | None, QueryParameter(name="tag", description="Any of these tags (repeat).")
]
Statuses = Annotated[
    list[Status] | None,
    QueryParameter(name="status", description="Any of these statuses (repeat)."),
]
# The timeline and upcoming routes' wording of the same filters.
KindsAny = Annotated[
    list[Kind] | None, QueryParameter(name="kind", description="Any of these kinds.")
]
TagsAny = Annotated[list[str] | None, QueryParameter(name="tag", description="Any of these tags.")]
StatusesAny = Annotated[
    list[Status] | None, QueryParameter(name="status", description="Any of these statuses.")
]

ProcessSlugs = Annotated[
    list[str] | None,
    QueryParameter(name="process", description="Only these processes (repeat; default all)."),
]
Processes = Annotated[list[str] | None, QueryParameter(name="process")]

From = Annotated[dt.date | None, QueryParameter(name="from", description="First day (YYYY-MM-DD).")]
To = Annotated[dt.date | None, QueryParameter(name="to", description="Last day (YYYY-MM-DD).")]
# The timeline route's window, published without descriptions.
Start = Annotated[dt.date | None, QueryParameter(name="from")]
End = Annotated[dt.date | None, QueryParameter(name="to")]
Zoom = Annotated[
    str | None,
    QueryParameter(
        name="zoom",
        max_length=7,
        description="'all', a year (2023) or a month (2023-06); from/to override its edges.",
    ),
]

UpcomingDays = Annotated[int, QueryParameter(name="days", ge=0, le=3660)]
DigestDays = Annotated[
    int, QueryParameter(name="days", ge=0, le=3660, description="Days ahead (and back).")
]
Since = Annotated[
    dt.date | None,
    QueryParameter(name="since", description="List changes from this day (YYYY-MM-DD)."),
]
# Named `format` on the wire: problems name the parameter as the client wrote it.
DigestFormatParam = Annotated[
    DigestFormat, QueryParameter(name="format", description="md, html or json.")
]

ExactOnly = Annotated[
    bool,
    QueryParameter(
        name="exact_only",
        description="Leave out events whose date is fuzzy (month, season, year, ~, ?).",
    ),
]
AlarmDays = Annotated[
    int | None,
    QueryParameter(
        name="alarm_days",
        ge=0,
        le=366,
        description="Add a reminder this many days before deadlines and vote points.",
    ),
]
