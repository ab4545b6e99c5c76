"""Suggestion reasons and circle waiting reasons are worded by the companion, in the member's language."""

from __future__ import annotations

from companion.circles.formation import reason_text
from companion.messages.gettext import text_in
from companion.suggestions.wording import explanation_text
from matching.circles.model import WAITING_REASONS


def test_explanation_text_in_both_languages():
    assert explanation_text(["OZG", "E-Akte", "Lean Coffee"]) == "Ihr teilt: OZG, E-Akte, Lean Coffee"
    assert explanation_text(["OZG"], "en_GB") == "You share: OZG"
    assert explanation_text([]) == "Ähnliche Interessen"
    assert explanation_text([], "en") == "Similar interests"


def test_every_waiting_reason_has_german_and_english_words():
    for code in WAITING_REASONS:
        german, english = reason_text(code, "de", {"min_size": 4, "cap": 2}), reason_text(code, "en")
        assert german != code and english != code and german != english, code
    assert reason_text("not_enough_signups", "de", {"min_size": 4}) == (
        "Zu wenige Anmeldungen für einen Zirkel (mindestens 4)."
    )
    assert reason_text("not_enough_signups", "en") == "Not enough sign-ups for a circle."


def test_text_in_falls_back_to_the_english_msgid():
    assert text_in("de", "no such message %(x)s", x=1) == "no such message 1"
