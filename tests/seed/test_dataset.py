"""The data files behind `timeline seed`: valid against their schema, every reference resolved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.seed._schema import process_schema, schema_errors
from timeline.domain.items import ITEM_STATUSES
from timeline.domain.vocabulary import KINDS, STATUSES
from timeline.seed import SEEDS
from timeline.seed.dataset import read_dataset, read_raw


def _references(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value[1:]} if value.startswith("@") else set()
    if isinstance(value, list):
        return set().union(*map(_references, value))
    if isinstance(value, dict):
        return set().union(*map(_references, value.values()))
    return set()


def test_the_demo_data_set_is_shipped() -> None:
    assert "ahc-cybercrime" in SEEDS


@pytest.mark.parametrize("name", SEEDS)
def test_data_file_matches_its_schema(name: str) -> None:
    assert schema_errors(name) == []


def test_schema_speaks_the_product_vocabulary() -> None:
    defs = process_schema()["$defs"]
    assert tuple(defs["event"]["properties"]["kind"]["enum"]) == KINDS
    assert tuple(defs["event"]["properties"]["status"]["enum"]) == STATUSES
    item = process_schema()["properties"]["items"]["items"]["properties"]
    assert tuple(item["history"]["items"]["properties"]["status"]["enum"]) == ITEM_STATUSES


@pytest.mark.parametrize("name", SEEDS)
def test_every_reference_names_an_event_and_every_source_is_defined(name: str) -> None:
    raw = read_raw(name)
    keys = [event["key"] for event in raw["events"]]
    assert len(keys) == len(set(keys))
    assert _references(raw["events"]) <= set(keys)
    named = {
        source
        for event in raw["events"]
        for step in event["steps"]
        for source in (step.get("document") or step["patch"]).get("sources", [])
        if isinstance(source, str)
    }
    assert named <= set(raw["sources"])
    data = read_dataset(name)
    assert [step.known_on for step in data.events] == sorted(s.known_on for s in data.events)
    seen: set[str] = set()
    for step in data.events:  # an event is created before any patch of it applies
        assert step.first == (step.event_id not in seen)
        seen.add(step.event_id)
