"""Tests for calibrating block weights and the other-organisation bonus from interaction history."""

from datetime import date

from matching.suggestions.calibration import (
    MIN_PAIRS,
    Calibration,
    CalibrationStatus,
    Interaction,
    calibrate,
    weights_of,
)
from matching.suggestions.rules import default_rules
from tests.support.calibration import network


def test_interactions_that_follow_the_text_raise_the_text_weight_and_held_out_precision():
    profiles, interactions = network("text")
    rules = default_rules()
    result = calibrate(profiles, interactions, rules, seed=3)
    assert result.status == CalibrationStatus.CALIBRATED
    assert result.after["weight_text"] > result.before["weight_text"]
    assert result.after["weight_text"] / max(result.after["weight_tags"], 1e-9) > 1.0 / 3.0
    assert result.held_out_precision_after > result.held_out_precision_before + 0.1
    assert result.held_out_pairs == round(result.pairs * 0.2)
    calibrated = result.apply(rules)
    assert calibrated.weight_text == result.after["weight_text"]
    assert calibrated.weight_tags == result.after["weight_tags"]


def test_interactions_that_follow_the_tags_keep_tags_ahead_of_text():
    profiles, interactions = network("tags")
    result = calibrate(profiles, interactions, default_rules(), seed=3)
    after = result.after
    assert after["weight_tags"] > after["weight_text"]
    assert result.held_out_precision_after >= result.held_out_precision_before


def test_too_little_history_keeps_the_rules_in_force():
    profiles, interactions = network("text", per_member=1)
    few = interactions[: MIN_PAIRS - 1]
    rules = default_rules()
    result = calibrate(profiles, few, rules)
    assert result.status == CalibrationStatus.TOO_LITTLE_HISTORY
    assert result.after == result.before == weights_of(rules)
    assert result.apply(rules) == rules


def test_calibration_is_deterministic_for_a_seed_and_ignores_unknown_members():
    profiles, interactions = network("text")
    noise = [Interaction(9999, 1, date(2025, 6, 1)), Interaction(5, 5, date(2025, 6, 1))]
    first = calibrate(profiles, interactions + noise, default_rules(), seed=7)
    second = calibrate(list(reversed(profiles)), list(reversed(interactions)), default_rules(), seed=7)
    assert isinstance(first, Calibration)
    assert first == second
