"""The pieces every contract model is built from: the strict request base, days, slugs, URLs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from timeline.domain.vocabulary import Kind, Precision, Status

__all__ = [
    "Day",
    "Kind",
    "Precision",
    "ShortText",
    "Slug",
    "Status",
    "Strict",
    "check_zone",
    "http_url",
]

Slug = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
ShortText = Field(min_length=1, max_length=300)

_WRITTEN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: Any) -> Any:
    # pydantic alone would read 0 or "0" as 1970-01-01 (a Unix timestamp).
    if isinstance(value, dt.date) or (isinstance(value, str) and _WRITTEN_DAY.fullmatch(value)):
        return value
    raise ValueError("must be a day written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_written_day)]
"""A calendar day in a request body, written `YYYY-MM-DD` and nothing else."""


class Strict(BaseModel):
    """The base of every request body: unknown fields are a 422 naming them; text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def http_url(value: str) -> str:
    """`value` unchanged when it is an absolute http(s) URL; ValueError otherwise."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


def check_zone(value: str) -> str:
    """`value` unchanged when it names an IANA time zone; ValueError otherwise."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Europe/Vienna") from None
    return value
