"""The `companion circles` commands: create a season, list, form a preview, publish once, reminders, clear errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from companion.circles.errors import SignUpRefused
from companion.cli import main
from companion.store.models import AuditEntry, Circle, Meeting, OutboxItem, Season
from tests.support.circles import add_members, sign_up_all


@pytest.fixture
def run(sqlite_store, settings, monkeypatch):
    monkeypatch.setenv("COMPANION_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", settings.instance_path)
    monkeypatch.setenv("COMPANION_SECRET_KEY", settings.secret_key)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, ["circles", *args], catch_exceptions=False)

    return invoke


def _create(run, name="Frühjahr 2025"):
    return run(
        "create-season",
        name,
        "--signup-opens",
        "2025-01-01",
        "--signup-closes",
        "2025-01-31",
        "--first-meeting",
        "2025-02-03",
    )


def test_every_circles_command_has_an_example(run):
    commands = (
        "",
        "create-season",
        "list",
        "set-status",
        "meetings",
        "move-meeting",
        "cancel-meeting",
        "form",
        "publish",
    )
    for command in (*commands, "reminders"):
        result = run(*([command] if command else []), "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_season_to_published_from_the_command_line(run, sqlite_store):
    assert "Created season 1 'Frühjahr 2025' (open)" in _create(run).output
    overlap = _create(run, "Doppelt")
    assert overlap.exit_code == 2 and overlap.output.startswith("Error: the sign-up window")
    with sqlite_store.transaction() as session:
        season = session.get(Season, 1)
        sign_up_all(session, season, add_members(session, 3))
    too_few = run("form", "Frühjahr 2025")
    assert too_few.exit_code == 2 and "fewer than the minimum circle size 4" in too_few.output
    with sqlite_store.transaction() as session:
        sign_up_all(session, session.get(Season, 1), add_members(session, 6, start=10))
    dry = run("form", "1", "--dry-run")
    assert dry.exit_code == 0 and "Preview only" in dry.output and "circles, 9 placed" in dry.output
    with sqlite_store.transaction() as session:
        assert session.scalars(select(Circle)).all() == []
    stored = run("form", "Frühjahr 2025", "--preview")
    assert "Stored as preview" in stored.output
    first = run("publish", "Frühjahr 2025")
    assert first.exit_code == 0 and "already queued before" in first.output
    again = run("publish", "1")
    assert " 0 forum writes queued" in again.output
    with sqlite_store.transaction() as session:
        count = len(session.scalars(select(OutboxItem)).all())
    assert f"{count} already queued" in again.output
    listed = run("list").output
    assert "Frühjahr 2025  [published]" in listed and "9 sign-ups" in listed
    missing = run("publish", "Unbekannt")
    assert missing.exit_code == 2 and "no season “Unbekannt”" in missing.output
    reminders = run("reminders", "--at", "2025-02-01T08:00:00+01:00")
    assert reminders.exit_code == 0 and "reminders queued" in reminders.output, reminders.output


def test_a_draft_season_is_opened_from_the_command_line_and_then_takes_sign_ups(run, sqlite_store):
    created = run(
        "create-season",
        "Entwurf 2025",
        "--signup-opens",
        "2025-01-01",
        "--signup-closes",
        "2025-01-31",
        "--first-meeting",
        "2025-02-03",
        "--draft",
    )
    assert "(draft)" in created.output and "companion circles set-status 1 open" in created.output
    with sqlite_store.transaction() as session:
        members = add_members(session, 1)
        with pytest.raises(SignUpRefused):
            sign_up_all(session, session.get(Season, 1), members)
    refused = run("set-status", "Entwurf 2025", "formed")
    assert refused.exit_code == 2 and "'formed' is not one of 'draft', 'open', 'closed'" in refused.output
    opened = run("set-status", "Entwurf 2025", "open")
    assert opened.exit_code == 0 and "draft -> open" in opened.output, opened.output
    with sqlite_store.transaction() as session:
        season = session.get(Season, 1)
        assert season.status == "open"
        (signup,) = sign_up_all(session, season, members)
        assert signup.season_id == 1
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "circles.season.status"))
        assert audit.actor == "cli" and audit.details == {"from": "draft", "to": "open"}
    assert "[open]" in run("list").output


def test_a_published_season_cannot_go_back_to_open(run, sqlite_store):
    _create(run)
    with sqlite_store.transaction() as session:
        sign_up_all(session, session.get(Season, 1), add_members(session, 6))
    run("form", "1")
    run("publish", "1")
    refused = run("set-status", "1", "open")
    assert refused.exit_code == 2 and "is published and cannot become open" in refused.output
    assert run("set-status", "1", "closed").exit_code == 0
    with sqlite_store.transaction() as session:
        assert session.get(Season, 1).status == "closed"


def test_admins_move_and_cancel_a_meeting_from_the_command_line(run, sqlite_store):
    _create(run)
    with sqlite_store.transaction() as session:
        sign_up_all(session, session.get(Season, 1), add_members(session, 6))
    assert "no meetings yet" in run("meetings", "1").output
    run("form", "1")
    run("publish", "1")
    with sqlite_store.transaction() as session:
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        meeting_id, sequence = meeting.id, meeting.sequence
    listed = run("meetings", "Frühjahr 2025").output
    assert f"{meeting_id:>4}  Zirkel 1 #1" in listed and "[scheduled]" in listed
    bad = run("move-meeting", str(meeting_id), "--to", "11.03.2025 16:00")
    assert bad.exit_code == 2 and "YYYY-MM-DD HH:MM" in bad.output
    moved = run("move-meeting", str(meeting_id), "--to", "2025-03-11 16:00", "--location", "Rathaus")
    assert moved.exit_code == 0 and "moved to 2025-03-11 16:00" in moved.output
    assert "already is at" in run("move-meeting", str(meeting_id), "--to", "2025-03-11 16:00").output
    with sqlite_store.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        # 16:00 in Berlin in March is 15:00 UTC.
        assert (meeting.starts_at.hour, meeting.location, meeting.sequence) == (15, "Rathaus", sequence + 1)
        changed = session.scalars(
            select(OutboxItem).where(OutboxItem.idempotency_key.like(f"circles:meeting:{meeting_id}:changed:%"))
        ).all()
        assert len(changed) == 1
    assert "cancelled." in run("cancel-meeting", str(meeting_id)).output
    assert "already cancelled" in run("cancel-meeting", str(meeting_id)).output
    again = run("move-meeting", str(meeting_id), "--to", "2025-03-12 16:00")
    assert again.exit_code == 2 and "cancelled meeting cannot be moved" in again.output
    with sqlite_store.transaction() as session:
        assert session.get(Meeting, meeting_id).status == "cancelled"
    missing = run("cancel-meeting", "9999")
    assert missing.exit_code == 2 and "no meeting 9999" in missing.output
