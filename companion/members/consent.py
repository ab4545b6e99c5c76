"""Consent and cadence: matching and circles only with the member's explicit, recorded consent."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from companion.store.models import ConsentEvent, MemberPreferences

PRIVACY_POLICY_VERSION = "2026-11"
CADENCES = ("weekly", "biweekly", "monthly", "paused")
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}

PRIVACY_TEXT = {
    "de": (
        "Wenn du zustimmst, liest der Begleitdienst dein öffentliches Forenprofil (Bio, Profilfelder wie "
        "Arbeitsschwerpunkt), die Tags und Titel der Themen, in denen du schreibst, und deine Likes. Daraus "
        "schlägt er dir Kolleg*innen mit ähnlichen Themen vor – bevorzugt aus anderen Verwaltungen – und "
        "schickt dir die Vorschläge als private Nachricht im Forum. Andere sehen dich nur als Vorschlag, wenn "
        "auch sie zugestimmt haben. Du kannst die Zustimmung jederzeit hier widerrufen, deine Daten "
        "herunterladen oder löschen. Wenn dein Forenkonto gelöscht wird, löscht der Begleitdienst alles über dich."
    ),
    "en": (
        "If you agree, the companion reads your public forum profile (bio, profile fields such as focus of "
        "work), the tags and titles of topics you write in, and your likes. From these it suggests colleagues "
        "with similar topics – preferably from other administrations – and sends you the suggestions as a "
        "private message in the forum. Others see you as a suggestion only if they agreed too. You can "
        "withdraw your consent here at any time, download or delete your data. When your forum account is "
        "deleted, the companion deletes everything about you."
    ),
}


def privacy_text(locale: str) -> str:
    """The plain-language privacy text in the member's language."""
    return PRIVACY_TEXT.get(locale, PRIVACY_TEXT["de"])


def preferences_of(session: Session, member_id: int) -> MemberPreferences:
    """The member's preferences row, created with no consent when missing."""
    preferences = session.get(MemberPreferences, member_id)
    if preferences is None:
        preferences = MemberPreferences(
            member_id=member_id, matching_consent=False, circles_consent=False, cadence="weekly"
        )
        session.add(preferences)
        session.flush()
    return preferences


def set_consent(
    session: Session, member_id: int, kind: str, granted: bool, policy_version: str = PRIVACY_POLICY_VERSION
) -> None:
    """Give or withdraw consent for matching or circles, keeping the event as evidence."""
    if kind not in ("matching", "circles"):
        raise ValueError(f"unknown consent kind {kind!r}")
    preferences = preferences_of(session, member_id)
    setattr(preferences, f"{kind}_consent", bool(granted))
    session.add(ConsentEvent(member_id=member_id, kind=kind, granted=bool(granted), policy_version=policy_version))


def set_cadence(session: Session, member_id: int, cadence: str, paused_until: date | None = None) -> None:
    """Choose how often suggestions come: weekly, every two weeks, monthly, or paused (until a date)."""
    if cadence not in CADENCES:
        raise ValueError(f"cadence must be one of {', '.join(CADENCES)}")
    preferences = preferences_of(session, member_id)
    preferences.cadence = cadence
    preferences.paused_until = paused_until if cadence == "paused" else None
