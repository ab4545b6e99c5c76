"""Tests for calibrating block weights and the other-organisation bonus from interaction history."""

from datetime import date, timedelta

import numpy as np

from matching.suggestions.calibration import (
    MIN_PAIRS,
    Calibration,
    CalibrationStatus,
    Interaction,
    calibrate,
    weights_of,
)
from matching.suggestions.profiles import MemberProfileInput
from matching.suggestions.rules import default_rules

TEXT_TOPICS = [
    ["Radverkehr", "Fahrradstraßen", "Lastenräder", "Radwege", "Verkehrswende"],
    ["Vergaberecht", "Ausschreibungen", "Rahmenverträge", "Beschaffung", "Vergabeplattform"],
    ["Kitaplätze", "Betreuungsschlüssel", "Elternbeiträge", "Tagespflege", "Kitaplanung"],
    ["Wärmeplanung", "Photovoltaik", "Klimaschutz", "Hitzeschutz", "Energieberatung"],
    ["Personalgewinnung", "Ausbildung", "Recruiting", "Stellenbörse", "Onboarding"],
    ["Friedhofswesen", "Grabpflege", "Bestattungen", "Friedhofsgebühren", "Urnenfelder"],
]
TAG_TOPICS = [["ozg", "efa"], ["e-akte", "dms"], ["open-data", "geodaten"], ["ki", "llm"], ["agil", "scrum"], ["it", "cloud"]]


def network(follow: str, n: int = 300, per_member: int = 3, seed: int = 1):
    """Members whose words and tags come from independent topics; interactions follow one of them."""
    rng = np.random.default_rng(seed)
    profiles, text_topic, tag_topic = [], {}, {}
    for member_id in range(1, n + 1):
        t, g = int(rng.integers(6)), int(rng.integers(6))
        text_topic[member_id], tag_topic[member_id] = t, g
        words = list(rng.choice(TEXT_TOPICS[t], size=3, replace=False))
        tags = list(rng.choice(TAG_TOPICS[g], size=2, replace=True)) * 2
        profiles.append(MemberProfileInput(member_id, int(rng.integers(8)), bio=" ".join(words), tags=tags))
    topic = text_topic if follow == "text" else tag_topic
    by_topic: dict[int, list[int]] = {}
    for member_id, value in topic.items():
        by_topic.setdefault(value, []).append(member_id)
    interactions = []
    start = date(2025, 1, 1)
    for member_id in range(1, n + 1):
        for _ in range(per_member):
            other = int(rng.choice(by_topic[topic[member_id]]))
            when = start + timedelta(days=int(rng.integers(365)))
            interactions.append(Interaction(member_id, other, when, "reply"))
    return profiles, interactions


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
