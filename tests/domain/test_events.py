"""Event rules: attributes by kind, deadlines, cycles, merge patches, diffs."""

from __future__ import annotations

from timeline.domain.events import (
    apply_merge_patch,
    derived_attributes,
    diff_documents,
    find_cycle,
    validate_attributes,
)


def test_attributes_of_another_kind_are_rejected_by_name() -> None:
    errors = validate_attributes("session", {"number": "6", "rule": "consensus"})
    assert [e.field for e in errors] == ["attributes.rule"]


def test_kinds_without_attributes_reject_any() -> None:
    errors = validate_attributes("informal", {"topic": "x"})
    assert errors and errors[0].field == "attributes.topic"


def test_computed_vote_attributes_cannot_be_sent() -> None:
    errors = validate_attributes("vote_point", {"outcome": "adopted", "required_yes": 3})
    assert {e.field for e in errors} == {"attributes.outcome", "attributes.required_yes"}


def test_attribute_types_are_checked() -> None:
    errors = validate_attributes(
        "eif_threshold", {"instruments": 0, "delay_days": -1, "adopted": "yes"}
    )
    assert {e.field for e in errors} == {
        "attributes.instruments",
        "attributes.delay_days",
        "attributes.adopted",
    }


def test_signature_names_one_party_or_a_count() -> None:
    assert validate_attributes("signature", {"count": 72}) == []
    assert validate_attributes("signature", {"party": "Viet Nam"}) == []
    assert validate_attributes("signature", {})[0].field == "attributes"
    assert validate_attributes("signature", {"party": "A", "count": 1})[0].field == "attributes"


def test_served_vote_attributes_carry_outcome_and_required_yes() -> None:
    served = derived_attributes(
        "vote_point", {"rule": "two_thirds_present_voting", "yes": 20, "no": 10, "abstain": 50}
    )
    assert served["outcome"] == "adopted" and served["required_yes"] == 20


def test_cycle_is_found_through_the_new_dependency() -> None:
    graph = {"b": ["c"], "c": ["a"]}
    assert find_cycle("a", graph, ["b"]) == ["a", "b", "c", "a"]
    assert find_cycle("a", {"b": ["c"], "c": []}, ["b"]) is None


def test_merge_patch_follows_rfc_7396() -> None:
    target = {"title": "x", "location": "Vienna", "attributes": {"number": "5", "formal": True}}
    patch = {"location": None, "attributes": {"formal": None, "number": "6"}, "tags": ["a"]}
    assert apply_merge_patch(target, patch) == {
        "title": "x",
        "attributes": {"number": "6"},
        "tags": ["a"],
    }
    assert target["location"] == "Vienna"  # the original is untouched


def test_diff_lists_changed_fields_old_and_new() -> None:
    before = {"kind": "session", "title": "S", "status": "planned"}
    after = {"kind": "session", "title": "S", "status": "postponed"}
    assert diff_documents(before, after) == {"status": ["planned", "postponed"]}
