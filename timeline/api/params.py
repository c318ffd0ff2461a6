"""Query parameters shared by several routes, declared once so they read and validate alike."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar.params import QueryParameter

from timeline.domain.vocabulary import Kind, Status

__all__ = ["AsOf", "Cursor", "From", "Kinds", "Limit", "ProcessSlugs", "Statuses", "Tags", "To"]

AsOf = Annotated[
    dt.date | None,
    QueryParameter(
        name="as_of", description="Answer with what was known on this day (YYYY-MM-DD)."
    ),
]
Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Page size (max 500).")
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
ProcessSlugs = Annotated[
    list[str] | None,
    QueryParameter(name="process", description="Only these processes (repeat; default all)."),
]
From = Annotated[dt.date | None, QueryParameter(name="from", description="First day (YYYY-MM-DD).")]
To = Annotated[dt.date | None, QueryParameter(name="to", description="Last day (YYYY-MM-DD).")]
