"""The JSON Schema every seed file is written to, and a check of one file against it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from timeline.seed.dataset import read_raw

__all__ = ["process_schema", "schema_errors"]


def process_schema() -> dict[str, Any]:
    """The schema shipped next to the seed files (`timeline/seed/process.schema.json`)."""
    text = resources.files("timeline.seed").joinpath("process.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(name: str) -> list[str]:
    """Every place where seed file `name` breaks the schema, as "path: message" (none: valid);
    skips the test where the validator is not installed."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    validator = jsonschema_rs.validator_for(process_schema())
    return [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(read_raw(name))]
