"""Why a meeting was moved or has no date is worded by the companion from matching's codes, in German and English."""

from __future__ import annotations

import re

from companion.circles.meeting_reasons import blocked_day_text, moved_text, unplaced_text
from matching.circles.meetings import BlockReason

PARAMS = {"holiday": "Fronleichnam", "organisation": 17}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-zÄÖÜäöüß']{3,}", text)) - {"Fronleichnam"}


def test_every_block_reason_has_german_and_english_words_that_do_not_mix():
    for reason in BlockReason:
        german, english = blocked_day_text(reason, PARAMS, "de"), blocked_day_text(reason, PARAMS, "en")
        assert german and english and german != english, reason
        assert reason.value not in german + english
        assert not _words(german) & _words(english), (german, english)


def test_a_moved_meeting_reads_in_german_and_english():
    holiday = {"holiday": "Fronleichnam"}
    assert moved_text(BlockReason.PUBLIC_HOLIDAY, holiday) == "Verschoben: Feiertag (Fronleichnam)"
    assert moved_text(BlockReason.PUBLIC_HOLIDAY, holiday, "en") == "Moved: public holiday (Fronleichnam)"
    assert moved_text(BlockReason.HOST_CLOSED, {}, "de_DE") == "Verschoben: alle gastgebenden Verwaltungen geschlossen"
    assert moved_text(None, {}) == ""


def test_a_meeting_without_a_date_reads_in_german_and_english():
    assert unplaced_text(BlockReason.SCHOOL_HOLIDAY) == "Kein Termin innerhalb einer Woche möglich: Schulferien"
    assert unplaced_text(BlockReason.CLOSED_DAY, {}, "en") == (
        "No date possible within one week: network-wide closure day"
    )


def test_a_closed_organisation_is_named_when_its_name_is_known():
    names = {17: "Stadt Essen"}
    closure = {"organisation": 17}
    assert moved_text(BlockReason.CLOSURE_DAY, closure, "de", names) == (
        "Verschoben: Schließtag einer Verwaltung (Stadt Essen)"
    )
    assert moved_text(BlockReason.CLOSURE_DAY, closure, "en", names) == "Moved: closure day of organisation Stadt Essen"
    assert moved_text(BlockReason.CLOSURE_DAY, closure, "en") == "Moved: closure day of organisation 17"
