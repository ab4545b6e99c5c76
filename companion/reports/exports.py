"""CSV exports for admins: sign-ups of a season, meetup attendees, circle rosters and pseudonymised suggestion outcomes.

Sign-ups, attendees and rosters name members: admins need them to run a season or an event, and see
the same on their pages. Suggestion outcomes are for evaluation and carry only pseudonyms (a keyed hash
of the member, stable within one installation, not reversible without its secret key) and the
member's organisation, pooled as on the report when it has fewer than k members. Every download is
recorded in the audit log by `record_download`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from companion.audit.entries import record
from companion.errors import CompanionError
from companion.reports.anonymity import SMALL, pool_map
from companion.store.models import (
    Circle,
    CircleMember,
    Meetup,
    MeetupRegistration,
    Member,
    Organisation,
    Season,
    SignUp,
    SignUpInterest,
    Suggestion,
)

Gettext = Callable[[str], str]


class ExportNotFound(CompanionError, LookupError):
    """The season or meetup to export does not exist."""


@dataclass(frozen=True)
class Export:
    """One CSV download: its file name, header and rows."""

    kind: str
    filename: str
    header: list[str]
    rows: list[list[Any]]


def to_csv(export: Export, locale: str) -> str:
    """The export as CSV text: semicolons for German spreadsheets, commas for English; a BOM so Excel reads UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if locale == "de" else ",", lineterminator="\r\n")
    writer.writerow(export.header)
    writer.writerows([[_cell(value) for value in row] for row in export.rows])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}"
    return neutralise_formula(str(value))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula (a name like "=HYPERLINK(…)") with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def mode_label(mode: str, _: Gettext) -> str:
    """A sign-up's meeting form in the export's language."""
    labels = {"online": _("Online only"), "onsite": _("On site only"), "either": _("Online or on site")}
    return labels.get(mode, mode)


def registration_label(status: str, _: Gettext) -> str:
    """A meetup registration's state in the export's language."""
    labels = {"confirmed": _("confirmed"), "offered": _("seat offered"), "waiting": _("waiting list")}
    return labels.get(status, status)


def outcome_label(status: str, _: Gettext) -> str:
    """What came of a suggestion, in the export's language."""
    labels = {
        "new": _("no answer yet"),
        "contacted": _("introduced"),
        "rejected": _("not a fit"),
        "talked": _("talked"),
        "ignored": _("nothing came of it"),
    }
    return labels.get(status, status)


def _organisations(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Organisation.id, Organisation.name)).all())


def signups(db: Session, season_id: int, _: Gettext) -> Export:
    """Everyone signed up for a season, with their organisation, wishes and topics."""
    season = db.get(Season, season_id)
    if season is None:
        raise ExportNotFound(f"no season with id {season_id}")
    orgs = _organisations(db)
    topics: dict[int, list[str]] = {}
    for signup_id, term in db.execute(
        select(SignUpInterest.signup_id, SignUpInterest.term)
        .join(SignUp, SignUp.id == SignUpInterest.signup_id)
        .where(SignUp.season_id == season_id)
        .order_by(SignUpInterest.term)
    ):
        topics.setdefault(signup_id, []).append(term)
    rows = db.execute(
        select(SignUp, Member)
        .join(Member, Member.id == SignUp.member_id)
        .where(SignUp.season_id == season_id)
        .order_by(SignUp.created_at, SignUp.id)
    ).all()
    return Export(
        "signups",
        f"signups-season-{season_id}.csv",
        [
            _("season"),
            _("username"),
            _("name"),
            _("organisation"),
            _("would host"),
            _("mode"),
            _("topics"),
            _("signed up"),
        ],
        [
            [
                season.name,
                member.username,
                member.name or "",
                orgs.get(member.organisation_id or 0, ""),
                signup.willing_to_host,
                mode_label(signup.mode, _),
                ", ".join(topics.get(signup.id, [])),
                signup.created_at,
            ]
            for signup, member in rows
        ],
    )


def meetup_attendees(db: Session, meetup_id: int, _: Gettext) -> Export:
    """The confirmed participants, offered seats and waiting list of a meetup (cancelled ones left out)."""
    meetup = db.get(Meetup, meetup_id)
    if meetup is None:
        raise ExportNotFound(f"no meetup with id {meetup_id}")
    orgs = _organisations(db)
    rows = db.execute(
        select(MeetupRegistration, Member)
        .join(Member, Member.id == MeetupRegistration.member_id)
        .where(
            MeetupRegistration.meetup_id == meetup_id,
            MeetupRegistration.status.in_(("confirmed", "offered", "waiting")),
        )
        .order_by(MeetupRegistration.registered_at, MeetupRegistration.id)
    ).all()
    # Booked seats first, then offered ones, then the waiting list in its order: how the organiser reads it.
    booked_first = {"confirmed": 0, "offered": 1, "waiting": 2}
    rows = sorted(rows, key=lambda row: booked_first[row[0].status])
    return Export(
        "meetup_attendees",
        f"meetup-{meetup_id}-attendees.csv",
        [_("meetup"), _("username"), _("name"), _("organisation"), _("status"), _("registered")],
        [
            [
                meetup.title,
                member.username,
                member.name or "",
                orgs.get(member.organisation_id or 0, ""),
                registration_label(registration.status, _),
                registration.registered_at,
            ]
            for registration, member in rows
        ],
    )


def circle_rosters(db: Session, season_id: int, _: Gettext) -> Export:
    """Every circle of a season with its members, when they joined and (if so) left."""
    season = db.get(Season, season_id)
    if season is None:
        raise ExportNotFound(f"no season with id {season_id}")
    orgs = _organisations(db)
    rows = db.execute(
        select(Circle, CircleMember, Member)
        .join(CircleMember, CircleMember.circle_id == Circle.id)
        .join(Member, Member.id == CircleMember.member_id)
        .where(Circle.season_id == season_id)
        .order_by(Circle.number, Member.username)
    ).all()
    return Export(
        "circle_rosters",
        f"circle-rosters-season-{season_id}.csv",
        [_("circle"), _("circle name"), _("username"), _("name"), _("organisation"), _("joined"), _("left")],
        [
            [
                circle.number,
                circle.name,
                member.username,
                member.name or "",
                orgs.get(member.organisation_id or 0, ""),
                link.joined_at,
                link.left_at,
            ]
            for circle, link, member in rows
        ],
    )


def pseudonym(key: str, member_id: int) -> str:
    """A stable, non-reversible label for a member: a keyed hash (HMAC-SHA256) of their id."""
    digest = hmac.new(key.encode("utf-8"), f"member:{member_id}".encode(), hashlib.sha256).hexdigest()
    return "P-" + digest[:12]


def suggestion_outcomes(db: Session, start: date, end: date, *, key: str, k: int, _: Gettext) -> Export:
    """Every suggestion of the period and what came of it, with pseudonyms instead of members."""
    if not key:
        raise CompanionError("pseudonymised exports need COMPANION_SECRET_KEY as the key of their pseudonyms")
    sizes: dict[int, int] = {
        org: count
        for org, count in db.execute(
            select(Member.organisation_id, func.count())
            .where(Member.organisation_id.is_not(None), Member.staged.is_(False))
            .group_by(Member.organisation_id)
        )
        if org is not None
    }
    groups = pool_map(sizes, k)
    orgs = _organisations(db)
    smaller = _("smaller organisations (pooled)")

    def organisation(org_id: int | None) -> str:
        if org_id is None:
            return ""
        group = groups.get(org_id, SMALL)
        return smaller if group == SMALL else orgs.get(group, "")

    proposer, proposed = aliased(Member), aliased(Member)
    rows = db.execute(
        select(Suggestion, proposer.organisation_id, proposed.organisation_id)
        .join(proposer, proposer.id == Suggestion.member_id)
        .join(proposed, proposed.id == Suggestion.suggested_member_id)
        .where(Suggestion.run_date >= start, Suggestion.run_date <= end)
        .order_by(Suggestion.run_date, Suggestion.id)
    ).all()
    return Export(
        "suggestion_outcomes",
        f"suggestion-outcomes-{start.isoformat()}-{end.isoformat()}.csv",
        [
            _("run date"),
            _("member (pseudonym)"),
            _("organisation"),
            _("suggested member (pseudonym)"),
            _("organisation of the suggested member"),
            _("same organisation"),
            _("rank"),
            _("score"),
            _("outcome"),
            _("answered"),
        ],
        [
            [
                s.run_date,
                pseudonym(key, s.member_id),
                organisation(org_a),
                pseudonym(key, s.suggested_member_id),
                organisation(org_b),
                org_a is not None and org_a == org_b,
                s.rank,
                float(s.score),
                outcome_label(s.status, _),
                s.feedback_at.date() if s.feedback_at else None,
            ]
            for s, org_a, org_b in rows
        ],
    )


def record_download(db: Session, actor: str, export: Export, parameters: dict[str, Any]) -> None:
    """Note in the audit log who downloaded which export, with its parameters and number of rows."""
    record(db, actor, f"reports.export.{export.kind}", export.filename, {**parameters, "rows": len(export.rows)})
