"""Bulk work with the collector held off, and the collector back as it was afterwards."""

from __future__ import annotations

import gc

import pytest

from timeline.collector import collector_held_off
from timeline.domain.errors import InvalidFields
from timeline.services.bundle import parse_bundle


def test_the_collector_is_off_inside_and_back_on_after_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_held_off():
        assert not gc.isenabled()
        raise RuntimeError("refused")
    assert gc.isenabled()


def test_nested_blocks_leave_it_off_until_the_outer_one_ends() -> None:
    with collector_held_off():
        with collector_held_off():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_refused_bundle_leaves_the_collector_on() -> None:
    with pytest.raises(InvalidFields):
        parse_bundle({"format": "nonsense", "processes": "none"})
    assert gc.isenabled()
