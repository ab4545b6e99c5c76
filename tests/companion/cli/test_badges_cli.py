"""`companion badges` prints who would get what in a dry run, queues grants for real, and audits admin actions."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner
from sqlalchemy import func, select

from companion.cli import main
from companion.store.models import AuditEntry, OutboxItem
from tests.support.badges import member, organisation, post, topic

REPO = Path(__file__).resolve().parents[3]


def env_for(store, settings):
    return {
        "COMPANION_DATABASE_URL": store.url,
        "COMPANION_INSTANCE_PATH": settings.instance_path,
        "COMPANION_FORUM_URL": "https://forum.example.org",
    }


def seed_network(store):
    with store.transaction() as session:
        orgs = [organisation(session, k) for k in ("essen", "wesel", "luenen", "moers")]
        names = ["anna", "ben", "carl", "dora"]
        ids = [member(session, n, o) for n, o in zip(names, orgs)]
        for target in (ids[0], ids[2], ids[3]):
            t = topic(session, target)
            post(session, t, ids[1], number=2, reply_to=target, minutes=target)


def test_award_dry_run_then_real_run(sqlite_store, settings):
    seed_network(sqlite_store)
    env = env_for(sqlite_store, settings)
    dry = CliRunner().invoke(main, ["badges", "award", "--dry-run"], env=env, catch_exceptions=False)
    assert dry.exit_code == 0, dry.output
    assert re.search(r"would grant: ben <- Brückenbauer\*in \[brueckenbauer\]: .*3 other organisations", dry.output)
    assert "https://forum.example.org/t/" in dry.output and "dry run" in dry.output
    with sqlite_store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxItem)) == 0
    real = CliRunner().invoke(main, ["badges", "award"], env=env, catch_exceptions=False)
    assert "queued: ben <- Brückenbauer*in" in real.output
    again = CliRunner().invoke(main, ["badges", "award"], env=env, catch_exceptions=False)
    assert "queued: ben" not in again.output


def test_unknown_badge_and_member_are_one_line_errors(sqlite_store, settings):
    env = env_for(sqlite_store, settings)
    result = CliRunner().invoke(main, ["badges", "disable", "no_such_badge"], env=env)
    assert result.exit_code == 2 and "no badge with key 'no_such_badge'" in result.output
    result = CliRunner().invoke(main, ["badges", "allow-regrant", "nobody", "brueckenbauer"], env=env)
    assert result.exit_code == 2 and "no member named 'nobody'" in result.output


def test_disable_is_audited(sqlite_store, settings):
    env = env_for(sqlite_store, settings)
    CliRunner().invoke(main, ["badges", "list"], env=env, catch_exceptions=False)
    result = CliRunner().invoke(main, ["badges", "disable", "gastgeber"], env=env, catch_exceptions=False)
    assert "gastgeber: disabled" in result.output
    with sqlite_store.transaction() as session:
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action, entry.subject) == ("cli", "badge.disable", "badge:gastgeber")


def test_every_badge_page_text_has_a_german_translation():
    sources = list((REPO / "companion" / "templates" / "badges").glob("*.html")) + [REPO / "companion/web/badges.py"]
    used = set()
    for path in sources:
        used |= set(re.findall(r'(?:_|lazy_gettext)\("((?:[^"\\]|\\.)*)"', path.read_text()))
    with (REPO / "companion/translations/de/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string}
    assert used and used <= translated, sorted(used - translated)
