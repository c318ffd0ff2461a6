"""The text rule on JSON values: refused characters anywhere, and a bound on nesting."""

from __future__ import annotations

from typing import Any

from timeline.domain.text import MAX_JSON_DEPTH, json_depth, text_problem


def _nested(levels: int, leaf: Any = "ok") -> Any:
    value: Any = leaf
    for level in range(levels):
        value = [value] if level % 2 else {"k": value}
    return value


def test_nesting_up_to_the_bound_is_fine_and_one_level_more_is_refused() -> None:
    assert json_depth(_nested(MAX_JSON_DEPTH)) == MAX_JSON_DEPTH
    assert text_problem(_nested(MAX_JSON_DEPTH)) is None
    assert text_problem(_nested(MAX_JSON_DEPTH + 1)) == "nests deeper than 32 levels"


def test_a_value_nested_past_pythons_stack_is_refused_without_recursing() -> None:
    assert text_problem(_nested(100_000)) == "nests deeper than 32 levels"


def test_a_refused_character_is_found_in_a_key_and_deep_in_a_value() -> None:
    assert text_problem({"ti\x00tle": "x"}) is not None
    problem = text_problem({"sources": [{"title": "fine"}, {"notes": ["a", "b\x07"]}]})
    assert problem == ("must not contain the control character U+0007 (tab and newline are fine)")


def test_tab_newline_and_scalars_keep_the_rule() -> None:
    assert text_problem({"summary": "line one\nline two\tcolumn", "n": 3, "ok": None}) is None
    assert text_problem(["a", 1, 2.5, True]) is None


def test_depth_is_reported_before_a_character_when_both_break_the_rule() -> None:
    assert text_problem({"bad\x01": _nested(MAX_JSON_DEPTH + 5)}) == ("nests deeper than 32 levels")
