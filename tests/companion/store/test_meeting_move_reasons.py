"""Migration 0007_codes: the German meeting notes become move reasons as codes, and back on a downgrade."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, text

from companion.circles.meeting_reasons import LEGACY_NOTE, moved_text
from companion.store import migrate
from companion.store.models import Circle, Meeting, Season

REASONS = {
    1: ("public_holiday", {"holiday": "Fronleichnam"}),
    2: ("school_holiday", {}),
    3: ("closure_day", {"organisation": 17}),
    4: ("host_closed", {}),
    5: (None, {}),
}
GERMAN_NOTES = {
    1: "Verschoben: Feiertag (Fronleichnam)",
    2: "Verschoben: Schulferien",
    3: "Verschoben: Schließtag einer Verwaltung (17)",
    4: "Verschoben: alle Gastgeber geschlossen",
    5: "",
}


def _add_meetings(store) -> None:
    with store.transaction() as session:
        season = Season(
            name="Frühjahr",
            signup_opens_on=date(2026, 1, 5),
            signup_closes_on=date(2026, 1, 30),
            first_meeting_on=date(2026, 2, 5),
        )
        session.add(season)
        session.flush()
        circle = Circle(season_id=season.id, number=1, name="Zirkel 1", slot_weekday=3, slot_block="vormittag")
        session.add(circle)
        session.flush()
        for number, (code, params) in REASONS.items():
            starts = datetime(2026, 2, 5 + number, 9, 0, tzinfo=UTC)
            session.add(
                Meeting(
                    circle_id=circle.id,
                    number=number,
                    uid=f"m{number}@test",
                    starts_at=starts,
                    ends_at=starts,
                    move_reason=code,
                    move_params=params,
                )
            )


def _stored_reasons(store) -> dict[int, tuple[str | None, dict]]:
    with store.transaction() as session:
        return {m.number: (m.move_reason, m.move_params) for m in session.scalars(select(Meeting))}


def test_a_downgrade_writes_the_old_german_notes_and_an_upgrade_reads_them_back_as_codes(store):
    _add_meetings(store)
    migrate.downgrade(store, "0006_member")
    with store.engine.connect() as connection:
        assert dict(connection.execute(text("select number, note from meetings")).all()) == GERMAN_NOTES
    migrate.upgrade(store)
    assert _stored_reasons(store) == REASONS


def test_a_note_that_is_no_known_reason_is_kept_word_for_word(store):
    _add_meetings(store)
    migrate.downgrade(store, "0006_member")
    with store.engine.begin() as connection:
        connection.execute(text("update meetings set note = 'Raum getauscht' where number = 5"))
    migrate.upgrade(store)
    code, params = _stored_reasons(store)[5]
    assert (code, params) == (LEGACY_NOTE, {"text": "Raum getauscht"})
    assert moved_text(code, params, "en") == "Raum getauscht"
