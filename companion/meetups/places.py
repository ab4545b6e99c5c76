"""Where the next meetup takes place: rotating over host-willing organisations and external places."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import ConfigEntry, Meetup, Member, Organisation, SignUp
from companion.store.types import utcnow

PLACES_KEY = "meetup_places"


def external_places(session: Session) -> list[str]:
    """Places outside the administrations (e.g. a coworking space) that admins listed."""
    entry = session.get(ConfigEntry, PLACES_KEY)
    return [str(p) for p in (entry.value.get("places", []) if entry else [])]


def save_external_places(session: Session, text: str, *, actor: str) -> list[str]:
    """Store the external places, one per line (empty lines dropped, duplicates once)."""
    places: dict[str, str] = {}
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        if name:
            # The first spelling wins; "coworking ruhr" and "Coworking Ruhr" are one place.
            places.setdefault(name.casefold(), name)
    entry = session.get(ConfigEntry, PLACES_KEY)
    if entry is None:
        entry = ConfigEntry(key=PLACES_KEY, value={})
        session.add(entry)
    entry.value, entry.updated_by, entry.updated_at = {"places": list(places.values())}, actor, utcnow()
    session.flush()
    return list(places.values())


def host_organisations(session: Session) -> list[str]:
    """Organisations with at least one member who offered to host (in a circle sign-up)."""
    rows = session.scalars(
        select(Organisation.name)
        .join(Member, Member.organisation_id == Organisation.id)
        .join(SignUp, SignUp.member_id == Member.id)
        .where(SignUp.willing_to_host.is_(True))
        .distinct()
    )
    return sorted(set(rows))


def place_candidates(session: Session) -> list[str]:
    """Every place the rotation considers: host-willing organisations first, then external places."""
    return list(dict.fromkeys([*host_organisations(session), *external_places(session)]))


def suggest_place(session: Session) -> str | None:
    """The candidate that hosted longest ago (never used first, then in list order), or None without candidates."""
    candidates = place_candidates(session)
    if not candidates:
        return None
    last_used: dict[str, int] = {}
    for index, location in enumerate(session.scalars(select(Meetup.location).order_by(Meetup.starts_at, Meetup.id))):
        for candidate in candidates:
            if location and candidate.casefold() in location.casefold():
                last_used[candidate] = index
    return min(candidates, key=lambda c: (last_used.get(c, -1), candidates.index(c)))
