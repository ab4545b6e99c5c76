"""The demo's examples of the network's formats: Vorhaben and check-ins, a Lean Coffee, a guest, the camp, the theme."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from companion.camp.service import CampSpec, create_camp, plan_grid, post_grid, propose_session, toggle_vote
from companion.circles.method import CheckInInput, ProjectInput, save_check_in, save_project
from companion.context import Context
from companion.meetups import lean_coffee
from companion.meetups.guests import confirm_guest, register_guest
from companion.meetups.places import save_external_places, suggest_place
from companion.store.models import Circle, Meetup, MeetupRegistration, Member
from companion.store.types import utcnow
from companion.theme.bundle import build_zip

PROJECTS = (
    ("E-Akte im Bauamt einführen", "Weniger Papier, schnellere Bescheide", "Gespräch mit der IT"),
    ("Bürgerservice per Chat testen", "Kürzere Wartezeiten", "Pilot mit zwei Teams planen"),
    ("Open-Data-Portal für den Kreis", "Transparenz", "Datensätze sichten"),
    ("Agile Projektarbeit im Jugendamt", "Mehr Tempo", "Retro-Format ausprobieren"),
)
TOPICS = ("KI im Bürgerbüro", "Onboarding neuer Kolleg*innen", "Papierlose Sitzungen", "Mut zum Experiment")
SESSIONS = ("Open Data in der Praxis", "Low-Code im Amt", "Führung im Wandel", "Bürgerbeteiligung digital", "OZG 2.0")


@dataclass
class FormatsSummary:
    """What the demo seeded for the formats, and where to look."""

    projects: int = 0
    lean_coffee_id: int | None = None
    camp_id: int | None = None
    theme_installed: bool = False


def seed_formats(context: Context, forum_state: Any, rng: random.Random) -> FormatsSummary:
    """Seed one example of each format from the demo's members and circles, and post the write-ups once."""
    summary = FormatsSummary()
    now = utcnow()
    with context.store.transaction() as session:
        circle = session.scalar(select(Circle).where(Circle.status == "published").order_by(Circle.id).limit(1))
        if circle is not None:
            members = [row.member for row in circle.members if row.left_at is None]
            first = min(circle.meetings, key=lambda m: m.number) if circle.meetings else None
            for member, (what, why, step) in zip(members, PROJECTS, strict=False):
                save_project(session, circle, member, ProjectInput(what, why, step, publish_summary=rng.random() < 0.5))
                if first is not None and first.ends_at > now:
                    save_check_in(session, first, member, CheckInInput("", step, "", rng.randint(2, 5)), now=now)
                summary.projects += 1
        save_external_places(session, "Coworking Ruhr\nStadtbibliothek Essen", actor="demo")
        starts = now + timedelta(days=14)
        meetup = Meetup(
            title="Lean Coffee der Verwaltungsrebellen",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location=suggest_place(session) or "Coworking Ruhr",
            capacity=24,
        )
        session.add(meetup)
        session.flush()
        lean_coffee.enable(session, meetup, dots=3)
        people = session.scalars(select(Member).where(Member.suspended.is_(False)).order_by(Member.id).limit(8)).all()
        for person in people:
            session.add(MeetupRegistration(meetup_id=meetup.id, member_id=person.id, status="confirmed"))
        session.flush()
        topics = [
            lean_coffee.propose(session, meetup, person, title) for person, title in zip(people, TOPICS, strict=False)
        ]
        for person in people:
            for topic in rng.sample(topics, k=min(2, len(topics))):
                lean_coffee.vote(session, topic, person)
        guest, _ = register_guest(session, meetup, "Erika Musterfrau", "erika@example.org", now=now)
        confirm_guest(session, guest, now=now)
        summary.lean_coffee_id = meetup.id
        camp = create_camp(
            session,
            CampSpec(
                name=f"Rebellen-Camp {starts.year}",
                day=(now + timedelta(days=90)).date(),
                location="Zeche Zollverein, Essen",
                rooms="Halle: 120\nWerkstatt: 30\nSeminarraum: 20",
                slots="10:00-10:45\n11:00-11:45\n13:00-13:45",
            ),
            actor="demo",
        )
        sessions = [
            propose_session(session, camp, title, member=people[i % len(people)]) for i, title in enumerate(SESSIONS)
        ]
        propose_session(session, camp, "Mitmachen in der Kommune", guest_name="Erika Musterfrau")
        for person in people:
            for camp_session in rng.sample(sessions, k=2):
                toggle_vote(session, camp_session, person)
        plan_grid(session, camp, actor="demo")
        if context.settings.sharing_category_id:
            post_grid(session, camp, context.settings, actor="demo")
        summary.camp_id = camp.id
    summary.theme_installed = _install_theme(context)
    return summary


def _install_theme(context: Context) -> bool:
    """Import the theme component into the sandbox forum, as an admin would from the forum's admin pages."""
    with tempfile.TemporaryDirectory() as folder:
        archive = build_zip(context.settings.base_url, Path(folder) / "companion-theme.zip")
        try:
            answer = requests.post(
                f"{context.settings.forum_url}/admin/themes/import.json",
                headers={
                    "Api-Key": context.settings.forum_api_key or "",
                    "Api-Username": context.settings.forum_api_username,
                },
                files={"theme": (archive.name, archive.read_bytes(), "application/zip")},
                timeout=15,
            )
        except requests.RequestException:
            return False
    return answer.status_code == 201
