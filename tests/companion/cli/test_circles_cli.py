"""The `companion circles` commands: create a season, list, form a preview, publish once, reminders, clear errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from companion.cli import main
from companion.store.models import Circle, OutboxItem, Season
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
    for command in ("", "create-season", "list", "form", "publish", "reminders"):
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
    assert missing.exit_code == 2 and "no season 'Unbekannt'" in missing.output
    reminders = run("reminders", "--at", "2025-02-01T08:00:00+01:00")
    assert reminders.exit_code == 0 and "reminders queued" in reminders.output, reminders.output
