"""Why members get no suggestion is worded by the companion from matching's codes, in German and English."""

from __future__ import annotations

from companion.suggestions.exclusions import excluded_count_text, exclusion_text, without_candidate_count_text
from matching.suggestions.engine import ExclusionReason


def test_every_exclusion_reason_has_german_and_english_words():
    for reason in ExclusionReason:
        german, english = exclusion_text(reason, "de"), exclusion_text(reason, "en")
        assert german and english and german != english, reason
        assert reason.value not in (german, english)


def test_the_german_words_are_german():
    assert exclusion_text(ExclusionReason.NO_CONSENT) == "keine Einwilligung"
    assert exclusion_text(ExclusionReason.NOT_SEEN_RECENTLY, "de_DE") == "länger nicht im Forum"
    assert exclusion_text(ExclusionReason.NOT_SEEN_RECENTLY, "en") == "not seen in the forum recently"


def test_counts_are_worded_with_plurals():
    assert excluded_count_text(ExclusionReason.NO_CONSENT, 2, "en") == "2 get none: no consent"
    assert excluded_count_text(ExclusionReason.NO_CONSENT, 1, "en") == "1 gets none: no consent"
    assert excluded_count_text(ExclusionReason.SUSPENDED, 1) == "1 Mitglied bekommt keine Vorschläge: im Forum gesperrt"
    assert excluded_count_text(ExclusionReason.NO_CONSENT, 3) == (
        "3 Mitglieder bekommen keine Vorschläge: keine Einwilligung"
    )
    assert without_candidate_count_text(4) == (
        "4 Mitglieder bekommen keine Vorschläge: dabei, aber heute unter diesen Regeln ohne passende Person"
    )
    assert without_candidate_count_text(4, "en") == "4 get none: taking part, but no candidate under these rules today"


def test_a_code_the_companion_does_not_know_stays_readable_as_its_code():
    assert exclusion_text("retired_reason", "de") == "retired_reason"
