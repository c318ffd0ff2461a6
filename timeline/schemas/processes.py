"""Processes as the API takes and serves them: creation, merge patches, links, pages."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator

from timeline.schemas.common import ShortText, Slug, Strict, check_zone, http_url

__all__ = ["ProcessCreate", "ProcessLinks", "ProcessPage", "ProcessPatch", "ProcessPublic"]


class ProcessCreate(Strict):
    """A new negotiation process."""

    slug: str = Slug
    title: str = ShortText
    description: str | None = Field(default=None, max_length=10000)
    timezone: str = Field(default="UTC", max_length=64)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)


class ProcessPatch(Strict):
    """A JSON merge patch of a process's fields (the slug never changes)."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10000)
    timezone: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_zone(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)


class ProcessLinks(BaseModel):
    """Where a process's views live."""

    self: str
    events: str
    timeline: str
    calendar: str
    webcal: str
    atom: str
    json_feed: str
    risks: str
    entry_into_force: str
    timelinejs: str
    page: str


class ProcessPublic(BaseModel):
    """A process as served, with its counts and links."""

    slug: str
    title: str
    description: str | None
    timezone: str
    url: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    counts: dict[str, int]
    links: ProcessLinks


class ProcessPage(BaseModel):
    """One page of processes."""

    items: list[ProcessPublic]
    next: str | None
