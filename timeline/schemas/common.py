"""The pieces every contract model is built from: the strict request base, days, slugs, URLs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from timeline.domain.text import text_problem
from timeline.domain.vocabulary import Kind, Precision, Status

__all__ = [
    "Day",
    "Kind",
    "Precision",
    "ShortText",
    "Slug",
    "Status",
    "Strict",
    "StrictPart",
    "check_zone",
    "http_url",
    "legal_text",
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


class StrictPart(BaseModel):
    """A part of a request body (a source, a dependency): unknown fields are a 422 naming them;
    text is stripped. The body holding it applies the text rule to it, so the same model can
    also serve what was stored before the rule."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Strict(StrictPart):
    """The base of every request body: a `StrictPart` that also refuses, with a 422 naming the
    field, a control character (other than tab and newline) in any text or key, and JSON nested
    deeper than `MAX_JSON_DEPTH` (the text rule of `timeline.domain.text`)."""

    @field_validator("*", mode="before")
    @classmethod
    def _legal_text(cls, value: Any) -> Any:
        # Before the field's own validation, on the raw value (parts included), so a hostile
        # nesting never reaches pydantic's recursion.
        return legal_text(value)


def legal_text(value: Any) -> Any:
    """`value` unchanged when its text follows the text rule (`text_problem`: no control
    character, no nesting too deep); ValueError naming the problem otherwise. A validator's
    body, run before the field's own validation."""
    if (problem := text_problem(value)) is not None:
        raise ValueError(problem)
    return value


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
