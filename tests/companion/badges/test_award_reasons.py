"""Why a member earned a badge is worded by the companion from matching's codes, in German and English."""

from __future__ import annotations

import re

from companion.badges.reasons import award_reason_text, grant_reason_text
from matching.badges.rules import AwardReason

PARAMS = {"orgs": 3, "meetings": 4, "circle": 12, "members": 3, "meeting": 40, "guests": 2, "own": "X", "other": "Y"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-zÄÖÜäöüß*]{3,}", text))


def test_every_award_reason_has_german_and_english_words_that_do_not_mix():
    for reason in AwardReason:
        german, english = award_reason_text(reason, PARAMS, "de"), award_reason_text(reason, PARAMS, "en")
        assert german != english and reason.value not in german + english, reason
        assert not _words(german) & _words(english), (german, english)


def test_the_german_reasons_read_as_before():
    assert grant_reason_text("Brückenbauer*in", AwardReason.OTHER_ORGS, {"orgs": 3}) == (
        "Brückenbauer*in: Interaktion mit Mitgliedern aus 3 anderen Verwaltungen."
    )
    assert award_reason_text(AwardReason.FIRST_CONTACT, {"own": "Stadt Essen", "other": "Kreis Wesel"}) == (
        "Erster Kontakt zwischen Stadt Essen und Kreis Wesel."
    )
    assert grant_reason_text("Bridge builder", AwardReason.OTHER_ORGS, {"orgs": 3}, "en") == (
        "Bridge builder: Interacted with members of 3 other organisations."
    )


def test_counts_of_one_read_in_the_singular():
    assert award_reason_text(AwardReason.SUGGESTIONS_ACCEPTED, {"members": 1}) == (
        "Gespräch mit 1 vorgeschlagenen Mitglied begonnen."
    )
    assert award_reason_text(AwardReason.HOSTED_FOR_OTHER_ORGS, {"meeting": 40, "guests": 1}, "en") == (
        "Hosted meeting 40 for 1 member of another organisation."
    )
    assert award_reason_text(AwardReason.HOSTED_FOR_OTHER_ORGS, {"meeting": 40, "guests": 1}) == (
        "Gastgeber*in des Treffens 40 für 1 Mitglied einer anderen Verwaltung."
    )
    assert award_reason_text(AwardReason.CIRCLE_MEETINGS, {"meetings": 1, "circle": 12}, "en") == (
        "Attended 1 meeting of circle 12."
    )
