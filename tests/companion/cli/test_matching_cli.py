"""CLI around matching and sync: `companion match`, `companion run-nightly`, `companion sync`."""

from datetime import date

from click.testing import CliRunner
from sqlalchemy import select

from companion.cli import main
from companion.context import Context
from companion.store.models import Member, OutboxItem
from companion.suggestions.batch import queue_suggestions as compute_and_queue
from companion.suggestions.rules import save_rules
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.suggestions import build_network as _network


def env_for(store, settings, **extra):
    return {"COMPANION_DATABASE_URL": store.url, "COMPANION_INSTANCE_PATH": str(settings.instance_path), **extra}


def test_match_dry_run_shows_suggestions_with_reasons_and_stores_nothing(store, settings):
    with store.transaction() as session:
        _network(session)
        save_rules(session, "admin", {"active_within_days": "0"})
    result = CliRunner().invoke(
        main, ["match", "--dry-run", "--member", "m0", "--date", "2026-11-22"], env=env_for(store, settings)
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "m0"
    assert lines[1].lstrip().startswith("1. m") and "You share:" in lines[1]
    assert "cross-organisation" in lines[-1]
    with store.transaction() as session:
        assert session.scalars(select(OutboxItem)).first() is None
    unknown = CliRunner().invoke(main, ["match", "--dry-run", "--member", "nobody"], env=env_for(store, settings))
    assert unknown.exit_code != 0 and "no member named 'nobody'" in unknown.output


def test_english_speaking_members_get_the_english_message(store, settings):
    with store.transaction() as session:
        members = _network(session)
        members[0].locale = "en"
        save_rules(session, "admin", {"active_within_days": "0"})
    _due, _written, queued = compute_and_queue(Context(settings=settings, store=store), date(2026, 11, 22))
    assert queued == 6
    with store.transaction() as session:
        titles = {
            session.get(Member, item.member_id).username: item.payload["title"]
            for item in session.scalars(select(OutboxItem))
        }
    assert titles["m0"] == "Find your fellow rebels: new suggestions"
    assert titles["m1"] == "Finde deine Mitrebell*innen: neue Vorschläge"


def test_sync_command_prints_a_summary_with_requests_used(store, settings):
    with run_sandbox_server(SandboxSettings(members=30, admin_requests_per_minute=0)) as forum:
        env = env_for(
            store,
            settings,
            COMPANION_FORUM_URL=forum.url,
            COMPANION_FORUM_API_KEY="sandbox-api-key",
            COMPANION_FORUM_REQUESTS_PER_MINUTE="6000",
        )
        first = CliRunner().invoke(main, ["sync"], env=env)
        again = CliRunner().invoke(main, ["sync"], env=env)
    assert first.exit_code == 0, first.output
    summary = first.output.strip().splitlines()[-1]
    assert summary.startswith("full sync:") and "members" in summary and "requests (0 rate-limited)" in summary
    assert again.output.strip().splitlines()[-1].startswith("incremental sync:")


def test_rules_cli_dry_run_changes_nothing_and_set_is_audited(store, settings):
    from companion.store.models import AuditEntry, RuleVersion

    with store.transaction() as session:
        _network(session)
    env = env_for(store, settings)
    dry = CliRunner().invoke(
        main, ["rules", "set", "org_mode=require_other", "active_within_days=0", "--dry-run"], env=env
    )
    assert dry.exit_code == 0, dry.output
    assert "org_mode: 'prefer_other' -> 'require_other'" in dry.stdout
    assert "100% cross-organisation" in dry.stdout
    with store.transaction() as session:
        assert session.scalars(select(RuleVersion)).first() is None
    bad = CliRunner().invoke(main, ["rules", "set", "hub_cap=0"], env=env)
    assert bad.exit_code == 2 and "hub_cap" in bad.output
    saved = CliRunner().invoke(main, ["rules", "set", "hub_cap=4", "--comment", "fewer"], env=env)
    assert saved.exit_code == 0 and "saved as rule version 1" in saved.stdout
    assert "hub_cap = 4" in CliRunner().invoke(main, ["rules", "show"], env=env).stdout
    rolled = CliRunner().invoke(main, ["rules", "rollback", "1"], env=env)
    assert "current again as version 2" in rolled.stdout
    with store.transaction() as session:
        assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
            "rules.save",
            "rules.rollback",
        ]


def test_bulk_required_but_unavailable_is_one_clear_line_and_nothing_is_stored(store, settings):
    with run_sandbox_server(SandboxSettings(members=10, admin_requests_per_minute=0)) as forum:
        env = env_for(
            store,
            settings,
            COMPANION_FORUM_URL=forum.url,
            COMPANION_FORUM_API_KEY="sandbox-api-key",
            COMPANION_FORUM_REQUESTS_PER_MINUTE="6000",
            COMPANION_FORUM_BULK="on",
        )
        result = CliRunner().invoke(main, ["sync"], env=env)
    assert result.exit_code == 2
    assert "COMPANION_FORUM_BULK=on" in result.output and "Traceback" not in result.output
    with store.transaction() as session:
        assert session.scalars(select(Member)).first() is None
