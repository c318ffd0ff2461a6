"""The calls of who stands where: parties, groups, proposals and stances, the forecast, the
spectrum and recorded vote rolls. Like `timeline_client._calls`, each function takes the
arguments of the client method of the same name and carries its documentation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline_client._calls import (
    API,
    DateLike,
    _get,
    _json,
    _process,
    _seg,
    body,
    create,
    match_header,
    member,
)
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


def _put(path: str, document: Mapping[str, Any], tag: Any) -> Call[PositionRecord]:
    """A PUT of a record, with If-Match once it exists (`tag` None: a first recording)."""
    headers = () if tag is None else match_header(tag, "the record")
    return Call("PUT", path, _record, body=dict(document), headers=headers)


def _proposal(slug: str, key: str) -> str:
    return f"{_process(slug)}/proposals/{_seg(key)}"


def parties() -> Call[Any]:
    """Every party (code, name, kind, regional group) with the registry's sources."""
    return Call("GET", f"{API}/parties", _json)


def groups(*, as_of: DateLike = None) -> Call[Any]:
    """Every registry group; with `as_of`, the memberships active that day."""
    return _get(f"{API}/groups", member("groups"), as_of=as_of)


def group(key: str, *, as_of: DateLike = None) -> Call[Any]:
    """One registry group; with `as_of`, its members that day."""
    return _get(f"{API}/groups/{_seg(key)}", _json, as_of=as_of)


def proposals(process: str, *, as_of: DateLike = None) -> Call[Any]:
    """The proposals of a process, as known on `as_of`."""
    return _get(f"{_process(process)}/proposals", member("proposals"), as_of=as_of)


def create_proposal(
    process: str,
    *,
    key: str,
    title: str,
    idempotency_key: str | None = None,
    **fields: Any,
) -> Call[PositionRecord]:
    """Record a proposal (item, rule, summary, sources, known_on are optional)."""
    document = {"key": key, "title": title, **fields}
    return create(f"{_process(process)}/proposals", _record, document, idempotency_key)


def proposal(process: str, key: str, *, as_of: DateLike = None) -> Call[Any]:
    """A proposal with every stance known on `as_of` and the stance holding for each party."""
    return _get(_proposal(process, key), _json, as_of=as_of)


def put_position(
    process: str,
    proposal: str,
    holder: str,
    *,
    stance: str,
    if_match: Any = None,
    **fields: Any,
) -> Call[PositionRecord]:
    """Record a party's or group's stance (sources, note, known_on optional); `if_match`
    is needed once the stance exists."""
    path = f"{_proposal(process, proposal)}/positions/{_seg(holder)}"
    return _put(path, body({"stance": stance, **fields}), if_match)


def forecast(
    process: str, proposal: str, *, as_of: DateLike = None, rule: str | None = None
) -> Call[Any]:
    """Would the proposal pass a vote on `as_of` (p_pass, expected counts, swing list)."""
    return _get(f"{_proposal(process, proposal)}/forecast", _json, as_of=as_of, rule=rule)


def spectrum(process: str, *, as_of: DateLike = None) -> Call[Any]:
    """The axes and placements of a process, as known on `as_of`."""
    return _get(f"{_process(process)}/spectrum", _json, as_of=as_of)


def vote(process: str, event_id: str, *, as_of: DateLike = None) -> Call[PositionRecord]:
    """The recorded roll of a vote_point event, its counts and outcome."""
    return _get(f"{_process(process)}/votes/{_seg(event_id)}", _record, as_of=as_of)


def put_vote(
    process: str,
    event_id: str,
    roll: Sequence[Mapping[str, str]],
    *,
    if_match: Any = None,
    **fields: Any,
) -> Call[PositionRecord]:
    """Record who voted how (sources, known_on optional); `if_match` once it exists."""
    document = {**body(fields), "roll": [dict(r) for r in roll]}
    return _put(f"{_process(process)}/votes/{_seg(event_id)}", document, if_match)
