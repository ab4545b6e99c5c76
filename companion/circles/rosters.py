"""Admin lists of who signed up for a season and who booked a meetup, as table rows and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import Meetup, MeetupRegistration, Member, Organisation, Season, SignUp

SIGNUP_COLUMNS = ("Benutzername", "Name", "Verwaltung", "Format", "Gastgeber", "Themen", "Zeiten", "Angemeldet am")
ATTENDEE_COLUMNS = ("Benutzername", "Name", "Verwaltung", "Status", "Angemeldet am")


def _organisation(session: Session, member: Member) -> str:
    organisation = session.get(Organisation, member.organisation_id) if member.organisation_id else None
    return organisation.name if organisation else ""


def signup_rows(session: Session, season: Season) -> list[tuple[str, ...]]:
    """One row per sign-up of the season, by username."""
    rows: list[tuple[str, ...]] = []
    for signup in session.scalars(select(SignUp).where(SignUp.season_id == season.id)):
        member = session.get(Member, signup.member_id)
        if member is None:
            continue
        rows.append(
            (
                member.username,
                member.name or "",
                _organisation(session, member),
                signup.mode,
                "ja" if signup.willing_to_host else "nein",
                ", ".join(i.term for i in signup.interests),
                ", ".join(f"{a.weekday}:{a.block}" for a in signup.availability),
                f"{signup.created_at:%d.%m.%Y}",
            )
        )
    return sorted(rows, key=lambda row: row[0].lower())


def attendee_rows(session: Session, meetup: Meetup) -> list[tuple[str, ...]]:
    """One row per registration of the meetup that still counts (booked, offered or waiting), booked first."""
    order = {"confirmed": 0, "offered": 1, "waiting": 2}
    registrations = session.scalars(
        select(MeetupRegistration).where(
            MeetupRegistration.meetup_id == meetup.id, MeetupRegistration.status.in_(tuple(order))
        )
    ).all()
    rows: list[tuple[str, ...]] = []
    for registration in sorted(registrations, key=lambda r: (order[r.status], r.registered_at)):
        member = session.get(Member, registration.member_id)
        if member is None:
            continue
        rows.append(
            (
                member.username,
                member.name or "",
                _organisation(session, member),
                registration.status,
                f"{registration.registered_at:%d.%m.%Y %H:%M}",
            )
        )
    return rows


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV with a header, semicolon-separated and with a BOM, as German spreadsheet programs open it directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()
