"""Seeded networks with a known interaction pattern, for the calibration tests."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from matching.suggestions.calibration import Interaction
from matching.suggestions.profiles import MemberProfileInput

TEXT_TOPICS = [
    ["Radverkehr", "Fahrradstraßen", "Lastenräder", "Radwege", "Verkehrswende"],
    ["Vergaberecht", "Ausschreibungen", "Rahmenverträge", "Beschaffung", "Vergabeplattform"],
    ["Kitaplätze", "Betreuungsschlüssel", "Elternbeiträge", "Tagespflege", "Kitaplanung"],
    ["Wärmeplanung", "Photovoltaik", "Klimaschutz", "Hitzeschutz", "Energieberatung"],
    ["Personalgewinnung", "Ausbildung", "Recruiting", "Stellenbörse", "Onboarding"],
    ["Friedhofswesen", "Grabpflege", "Bestattungen", "Friedhofsgebühren", "Urnenfelder"],
]
TAG_TOPICS = [
    ["ozg", "efa"],
    ["e-akte", "dms"],
    ["open-data", "geodaten"],
    ["ki", "llm"],
    ["agil", "scrum"],
    ["it", "cloud"],
]


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
