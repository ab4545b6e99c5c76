"""The default catalogue's levels: one automated introduction earns no badge above bronze, and none for the bridge."""

from __future__ import annotations

from datetime import UTC, datetime

from matching.badges.rules import DEFAULT_BADGES, Interaction, evaluate_badges

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_single_accepted_suggestion_earns_no_badge():
    members = {1: "essen", 2: "wesel"}
    awards = evaluate_badges(DEFAULT_BADGES, members, (), [Interaction("suggestion_accepted", 1, 2, AT)])
    assert awards == []


def test_no_default_gold_badge_is_earned_by_one_interaction():
    by_key = {d.key: d for d in DEFAULT_BADGES}
    members = {1: "essen", 2: "wesel"}
    for kind in ("reply", "like", "pm", "suggestion_accepted"):
        awards = evaluate_badges(DEFAULT_BADGES, members, (), [Interaction(kind, 1, 2, AT, post_id=7, url="/t/1/2")])
        assert all(by_key[a.badge_key].badge_type == "bronze" for a in awards), (kind, awards)
