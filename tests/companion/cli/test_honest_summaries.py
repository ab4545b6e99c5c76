"""The CLI's summaries tell the truth: what still waits in the outbox, and why members get no suggestion."""

from __future__ import annotations

from click.testing import CliRunner

from companion.cli import main
from companion.members.consent import set_consent
from companion.outbox.delivery import enqueue
from companion.store.models import Member, OutboxItem
from companion.suggestions.rules import save_rules
from tests.support.suggestions import build_network


def _env(store, settings):
    return {"COMPANION_DATABASE_URL": store.url, "COMPANION_INSTANCE_PATH": str(settings.instance_path)}


def test_match_dry_run_says_why_members_get_none(store, settings):
    with store.transaction() as session:
        members = build_network(session)
        set_consent(session, members[5].id, "matching", False)
        set_consent(session, members[4].id, "matching", False)
        save_rules(session, "admin", {"active_within_days": "0"})
    result = CliRunner().invoke(main, ["match", "--dry-run", "--date", "2026-11-22"], env=_env(store, settings))
    assert result.exit_code == 0, result.output
    assert "  2 get none: no consent" in result.output.splitlines()


def test_match_dry_run_names_members_not_seen_recently(store, settings):
    with store.transaction() as session:
        build_network(session)
    # With the default activity window nobody in this network (never seen) takes part.
    result = CliRunner().invoke(main, ["match", "--dry-run", "--date", "2026-11-22"], env=_env(store, settings))
    assert any(line.startswith("0 members get suggestions") for line in result.output.splitlines()), result.output
    assert "  6 get none: not seen in the forum recently" in result.output.splitlines()


def test_run_nightly_without_delivery_counts_what_still_waits(store, settings):
    with store.transaction() as session:
        build_network(session)
        save_rules(session, "admin", {"active_within_days": "0"})
        member = session.query(Member).first()
        for i in range(3):
            # Older items waiting from earlier runs count too.
            enqueue(
                session, key=f"old:{i}", kind="pm", payload={"recipients": [member.username], "title": "t", "raw": "r"}
            )
    result = CliRunner().invoke(
        main, ["run-nightly", "--no-sync", "--no-deliver", "--date", "2026-11-22"], env=_env(store, settings)
    )
    assert result.exit_code == 0, result.output
    line = next((text for text in result.output.splitlines() if "messages queued" in text), result.output)
    with store.session() as session:
        waiting = session.query(OutboxItem).filter(OutboxItem.status == "pending").count()
    # Tonight's 6 PMs, the 3 older ones and whatever the badge step queued: all of it still waits.
    assert waiting >= 9
    assert f"6 messages queued, 0 delivered, {waiting} still queued" in line, line
