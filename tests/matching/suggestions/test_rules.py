"""Tests for the rule catalogue, validation with clear messages, and rule diffs."""

import dataclasses
import json

import pytest

from matching.suggestions.profiles import BlockWeights
from matching.suggestions.rules import (
    RULES,
    RULES_SCHEMA_VERSION,
    RuleError,
    RuleSet,
    default_rules,
    diff_rules,
    validate_rules,
)
from matching.suggestions.similarity import OrgMode


def test_catalogue_describes_every_rule_completely():
    names = [spec.name for spec in RULES]
    assert len(names) == len(set(names))
    assert set(names) == {field.name for field in dataclasses.fields(RuleSet)}
    for spec in RULES:
        assert spec.type in {"int", "float", "choice", "names"}
        assert getattr(default_rules(), spec.name) == spec.default
        if spec.type in {"int", "float"}:
            assert spec.minimum <= spec.default <= spec.maximum
        if spec.type == "choice":
            assert spec.default in spec.choices


def test_defaults_validate_and_round_trip_through_json():
    rules = default_rules()
    stored = json.loads(json.dumps(rules.to_dict()))
    assert stored["schema_version"] == RULES_SCHEMA_VERSION
    assert validate_rules(stored) == rules
    assert validate_rules({}) == rules


def test_suggested_defaults():
    rules = default_rules()
    assert rules.suggestions_per_member == 3
    assert rules.cooldown_weeks == 12
    assert rules.org_mode == "prefer_other"
    assert rules.weight_tags > rules.weight_text


def test_out_of_range_value_is_reported_as_a_code_with_the_value():
    with pytest.raises(RuleError) as error:
        validate_rules({"hub_cap": 0})
    (problem,) = error.value.problems
    assert (problem.rule, problem.code, dict(problem.params)) == ("hub_cap", "not_accepted", {"value": 0})
    assert "hub_cap" in str(error.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(RuleError) as error:
        validate_rules({"min_score": 1.5, "org_mode": "never_same", "unknown_rule": 1, "schema_version": 99})
    rules = {problem.rule for problem in error.value.problems}
    assert rules == {"min_score", "org_mode", "unknown_rule", "schema_version"}
    codes = {problem.rule: problem.code for problem in error.value.problems}
    assert codes == {
        "min_score": "not_accepted",
        "org_mode": "not_accepted",
        "unknown_rule": "unknown_rule",
        "schema_version": "unsupported_schema",
    }


@pytest.mark.parametrize(
    "name, value",
    [
        ("suggestions_per_member", 2.5),
        ("suggestions_per_member", True),
        ("suggestions_per_member", "3"),
        ("suggestions_per_member", 11),
        ("min_score", float("nan")),
        ("min_score", -0.1),
        ("org_mode", 3),
        ("excluded_groups", "staff"),
        ("excluded_groups", ["staff", 3]),
        ("excluded_groups", ["staff", " "]),
        ("excluded_groups", 7),
    ],
)
def test_invalid_values_are_rejected(name, value):
    with pytest.raises(RuleError) as error:
        validate_rules({name: value})
    assert error.value.problems[0].rule == name


def test_values_are_converted_to_their_types():
    rules = validate_rules(
        {"suggestions_per_member": 4.0, "min_score": 0, "excluded_groups": ["staff", " bots ", "staff"]}
    )
    assert rules.suggestions_per_member == 4 and isinstance(rules.suggestions_per_member, int)
    assert rules.min_score == 0.0 and isinstance(rules.min_score, float)
    assert rules.excluded_groups == ("bots", "staff")


def test_replace_validates():
    rules = default_rules().replace(org_mode="require_other", hub_cap=10)
    assert rules.organisation_mode() is OrgMode.REQUIRE_OTHER
    assert rules.hub_cap == 10
    with pytest.raises(RuleError):
        default_rules().replace(hub_cap=-1)


def test_block_weights_and_cold_start_follow_rules():
    rules = default_rules().replace(weight_tags=5.0, weight_text=0.0, cold_start_min_terms=2)
    assert rules.block_weights() == BlockWeights(
        text=0.0, fields=1.5, interests=2.0, tags=5.0, categories=0.5, titles=1.0, liked_tags=1.0
    )
    assert rules.cold_start().min_terms == 2


def test_diff_rules_lists_changes_in_catalogue_order():
    before = default_rules()
    after = before.replace(min_score=0.2, hub_cap=4)
    changes = diff_rules(before, after)
    assert [(c.rule, c.before, c.after) for c in changes] == [("hub_cap", 6, 4), ("min_score", 0.05, 0.2)]
    assert diff_rules(before, before) == []


def test_rule_sets_stored_before_calibration_existed_still_validate():
    from matching.suggestions.rules import validate_rules as validate

    old = validate({"schema_version": 1, "min_score": 0.1})
    assert old.calibration == "off" and old.min_score == 0.1
    assert validate({"calibration": "on"}).calibration == "on"
    try:
        validate({"calibration": "sometimes"})
    except Exception as error:
        assert "calibration" in str(error)
    else:
        raise AssertionError("an unknown calibration value must be rejected")
