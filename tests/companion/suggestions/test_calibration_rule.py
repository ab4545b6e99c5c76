"""Calibration as a matching rule: interactions from the store, the one planning function, dry run, preview, audit."""

from datetime import UTC, date, datetime

from click.testing import CliRunner
from sqlalchemy import select

from companion.cli import main
from companion.context import Context
from companion.store.models import AuditEntry, Like, Member, Post, PrivateContact, Topic
from companion.suggestions.batch import queue_suggestions
from companion.suggestions.calibration import describe, load_interactions
from companion.suggestions.inputs import MatchingInputs
from companion.suggestions.planning import match_for_day
from companion.suggestions.rules import preview, save_rules
from matching.suggestions.calibration import CalibrationStatus
from matching.suggestions.engine import MemberStatus, PairHistory
from matching.suggestions.rules import default_rules
from tests.support.calibration import network
from tests.support.suggestions import build_network

TODAY = date(2026, 11, 22)


def inputs_following_text() -> MatchingInputs:
    profiles, interactions = network("text")
    statuses = {p.member_id: MemberStatus(consented=True, last_seen=TODAY) for p in profiles}
    return MatchingInputs(
        profiles, statuses, PairHistory(), {p.member_id: f"m{p.member_id}" for p in profiles}, interactions
    )


def test_interactions_are_read_from_replies_likes_mentions_and_private_messages(store):
    when = datetime(2026, 10, 1, 12, tzinfo=UTC)
    with store.transaction() as session:
        members = build_network(session)
        a, b, c, d = (m.id for m in members[:4])
        session.add(Topic(id=900, title="Austausch", member_id=a))
        session.flush()
        session.add(Post(id=901, topic_id=900, member_id=a, raw="Frage an @M1 und mail@m2.de", created_at=when))
        session.add(Post(id=902, topic_id=900, member_id=b, reply_to_member_id=a, raw="Antwort", created_at=when))
        session.flush()
        session.add(Like(post_id=901, member_id=c, created_at=when))
        session.add(PrivateContact(member_id=d, other_member_id=a, first_at=when))
    with store.transaction() as session:
        found = {(i.member_id, i.other_id, i.kind, i.when) for i in load_interactions(session)}
    day = when.date()
    assert (a, b, "mention", day) in found
    assert (b, a, "reply", day) in found
    assert (c, a, "like", day) in found
    assert (d, a, "pm", day) in found
    # An e-mail address is no mention; undated posts of the small network give nothing.
    assert not any(kind == "mention" and other == members[2].id for _, other, kind, _ in found)
    assert len(found) == 4


def test_match_for_day_uses_calibrated_weights_only_with_the_rule_on():
    inputs = inputs_following_text()
    off = match_for_day(inputs, default_rules(), TODAY)
    assert off.calibration is None and off.rules.weight_text == 1.0
    on = match_for_day(inputs, default_rules().replace(calibration="on"), TODAY)
    assert on.calibration.status == CalibrationStatus.CALIBRATED
    assert on.rules.weight_text == on.calibration.after["weight_text"] > 1.0
    assert on.calibration.held_out_precision_after > on.calibration.held_out_precision_before
    assert "held-out precision@3" in describe(on.calibration) and "text 1→" in describe(on.calibration)
    # The same day gives the same calibration and suggestions (nightly, dry run and preview agree).
    again = match_for_day(inputs, default_rules().replace(calibration="on"), TODAY)
    assert again.calibration == on.calibration and again.suggestions == on.suggestions


def test_dry_run_and_preview_show_calibration_and_nightly_audits_it(store, settings):
    with store.transaction() as session:
        build_network(session)
        save_rules(session, "admin", {"active_within_days": "0", "calibration": "on"})
    env = {"COMPANION_DATABASE_URL": store.url, "COMPANION_INSTANCE_PATH": str(settings.instance_path)}
    result = CliRunner().invoke(main, ["match", "--dry-run", "--date", "2026-11-22"], env=env)
    assert result.exit_code == 0, result.output
    assert "calibration: too little history (0 interacting pairs" in result.output
    shown = preview(store, {"calibration": "on"}, TODAY)
    assert shown.calibration.status == CalibrationStatus.TOO_LITTLE_HISTORY
    assert shown.calibration.after == shown.calibration.before
    queue_suggestions(Context(settings=settings, store=store), TODAY)
    with store.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "rules.calibration")).one()
        assert entry.details["status"] == "too_little_history"
        assert session.scalars(select(Member)).first() is not None
