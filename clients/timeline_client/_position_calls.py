"""The calls of who stands where: parties, groups, proposals and stances, the forecast, the
spectrum and recorded vote rolls. Both clients send these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline_client._calls import API, DateLike, _seg, body, params
from timeline_client._core import Call, Reply

__all__ = ["PositionRecord"]

Json = dict[str, Any]


@dataclass(frozen=True)
class PositionRecord:
    """A proposal, stance, placement or vote roll as the server answered, with its ETag (pass
    it as `if_match` to change the record)."""

    kind: str
    key: str
    version: int
    document: Json
    etag: str | None = None
    raw: Json = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, raw: Json, etag: str | None = None) -> PositionRecord:
        """Read the API's JSON."""
        return cls(raw["kind"], raw["key"], raw["version"], dict(raw["document"]), etag, raw)


def _record(reply: Reply) -> PositionRecord:
    return PositionRecord.from_json(reply.json(), reply.headers.get("etag"))


def _json(reply: Reply) -> Any:
    return reply.json()


def _match(tag: Any) -> tuple[tuple[str, str], ...]:
    if tag is None:
        return ()
    value = tag if isinstance(tag, str) else getattr(tag, "etag", None)
    if not value:
        raise ValueError("if_match needs an ETag (read the record first)")
    return (("If-Match", value),)


def parties() -> Call[Any]:
    """GET /parties."""
    return Call("GET", f"{API}/parties", _json)


def groups(as_of: DateLike) -> Call[Any]:
    """GET /groups."""
    return Call("GET", f"{API}/groups", _json, params=params(as_of=as_of))


def group(key: str, as_of: DateLike) -> Call[Any]:
    """GET /groups/{key}."""
    return Call("GET", f"{API}/groups/{_seg(key)}", _json, params=params(as_of=as_of))


def _process(slug: str) -> str:
    return f"{API}/processes/{_seg(slug)}"


def proposals(slug: str, as_of: DateLike) -> Call[Any]:
    """GET /processes/{slug}/proposals."""
    return Call("GET", f"{_process(slug)}/proposals", _json, params=params(as_of=as_of))


def create_proposal(slug: str, fields: Mapping[str, Any], key: str | None) -> Call[PositionRecord]:
    """POST /processes/{slug}/proposals."""
    return Call(
        "POST",
        f"{_process(slug)}/proposals",
        _record,
        body=body(fields),
        create=True,
        idempotency_key=key,
    )


def proposal(slug: str, key: str, as_of: DateLike) -> Call[Any]:
    """GET /processes/{slug}/proposals/{key}: the proposal with every stance known then."""
    return Call("GET", f"{_process(slug)}/proposals/{_seg(key)}", _json, params=params(as_of=as_of))


def put_position(
    slug: str, key: str, holder: str, fields: Mapping[str, Any], tag: Any
) -> Call[PositionRecord]:
    """PUT /processes/{slug}/proposals/{key}/positions/{holder} (If-Match once it exists)."""
    return Call(
        "PUT",
        f"{_process(slug)}/proposals/{_seg(key)}/positions/{_seg(holder)}",
        _record,
        body=body(fields),
        headers=_match(tag),
    )


def forecast(slug: str, key: str, as_of: DateLike, rule: str | None) -> Call[Any]:
    """GET /processes/{slug}/proposals/{key}/forecast."""
    return Call(
        "GET",
        f"{_process(slug)}/proposals/{_seg(key)}/forecast",
        _json,
        params=params(as_of=as_of, rule=rule),
    )


def spectrum(slug: str, as_of: DateLike) -> Call[Any]:
    """GET /processes/{slug}/spectrum."""
    return Call("GET", f"{_process(slug)}/spectrum", _json, params=params(as_of=as_of))


def vote(slug: str, event_id: str, as_of: DateLike) -> Call[PositionRecord]:
    """GET /processes/{slug}/votes/{event_id}."""
    return Call(
        "GET", f"{_process(slug)}/votes/{_seg(event_id)}", _record, params=params(as_of=as_of)
    )


def put_vote(
    slug: str, event_id: str, roll: Sequence[Mapping[str, str]], fields: Mapping[str, Any], tag: Any
) -> Call[PositionRecord]:
    """PUT /processes/{slug}/votes/{event_id}: the recorded roll (If-Match once it exists)."""
    return Call(
        "PUT",
        f"{_process(slug)}/votes/{_seg(event_id)}",
        _record,
        body={**body(fields), "roll": [dict(r) for r in roll]},
        headers=_match(tag),
    )
