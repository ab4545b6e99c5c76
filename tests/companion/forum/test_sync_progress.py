"""A full sync reports its progress member by member, with totals, instead of a silent "reading: 0"."""

from __future__ import annotations

import pytest

from companion.forum.reading import run_sync
from companion.ops.progress import Progress
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.env import companion_context


@pytest.fixture
def small_forum():
    server = run_sandbox_server(SandboxSettings(members=30, organisations=3, seed=5, admin_requests_per_minute=0))
    yield server
    server.stop()


def test_full_sync_per_member_path_reports_each_member_with_the_total(sqlite_store, settings, small_forum):
    context = companion_context(settings.replace(forum_bulk="off"), sqlite_store, small_forum.url)
    calls: list[tuple[str, int, int | None]] = []
    summary = run_sync(context, full=True, progress=lambda stage, done, total: calls.append((stage, done, total)))
    reading = [c for c in calls if c[0] == "reading members"]
    assert len(reading) == summary.members
    assert reading[0] == ("reading members", 1, summary.members)
    assert reading[-1] == ("reading members", summary.members, summary.members)
    stages = [c[0] for c in calls]
    assert "storing members" in stages and "reading posts" in stages


def test_a_sync_without_a_terminal_logs_counts_and_an_eta(sqlite_store, settings, small_forum, caplog):
    context = companion_context(settings.replace(forum_bulk="off"), sqlite_store, small_forum.url)
    caplog.set_level("INFO", logger="companion.progress")
    with Progress(interactive=False, every_seconds=3600, every_items=10) as progress:
        run_sync(context, full=True, progress=progress)
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("reading members: 10/") and "ETA" in line for line in lines), lines
    assert any(line.startswith("reading members: ") and " done in " in line for line in lines), lines
