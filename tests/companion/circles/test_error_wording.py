"""Circle errors carry a catalogue message and are worded in the reader's language only when shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.circles.errors import CirclesError, InputInvalid, MeetupRefused, SeasonStatusRefused
from companion.circles.seasons import create_season, set_status
from tests.support.circles import spec

REPO = Path(__file__).resolve().parents[3]


def test_an_error_reads_german_or_english_and_its_str_is_english():
    error = MeetupRefused("at most %(count)s topics per person", count=3)
    assert error.text("de") == "Höchstens 3 Themen pro Person."
    assert error.text("en") == str(error) == "at most 3 topics per person"
    assert error.problems_in("de") == ["Höchstens 3 Themen pro Person."]


def test_state_words_in_an_error_follow_the_readers_language(store):
    with store.transaction() as session:
        season = create_season(session, spec(), actor="admin")
        set_status(session, season, "closed", actor="admin")
        with pytest.raises(SeasonStatusRefused) as refused:
            set_status(session, season, "open", actor="admin")
    assert refused.value.text("de") == "Die Runde „Frühjahr 2025“ kann nicht von „abgeschlossen“ zu „offen“ wechseln."
    assert refused.value.text("en") == "season “Frühjahr 2025” is closed and cannot become open"


def test_every_circles_error_raised_with_a_msgid_is_a_babel_keyword():
    import companion.camp.service
    import companion.circles.method  # noqa: F401  (define further subclasses)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    keywords = set((REPO / "babel.cfg").read_text().split("keywords =")[1].splitlines()[0].split())
    worded_later = {c.__name__ for c in [CirclesError, *subclasses(CirclesError)] if not issubclass(c, InputInvalid)}
    assert worded_later - keywords == set(), "add these to babel.cfg so their msgids reach the catalogue"
