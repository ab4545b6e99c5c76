"""The badge grant lifecycle, read from a grant's columns, and the catalogue services that follow it."""

from datetime import UTC, datetime

import pytest

from companion.badges import catalogue
from companion.badges.states import GRANT, GrantStatus, grant_status
from companion.store.models import Badge, BadgeGrant
from companion.store.states import InvalidTransition
from tests.support.badges import member, organisation

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_the_grant_table_allows_exactly_these_changes():
    allowed = {("queued", "granted"), ("queued", "revoked"), ("granted", "revoked"), ("revoked", "released")}
    for current in GrantStatus:
        for wanted in GrantStatus:
            if current == wanted or (current, wanted) in allowed:
                assert GRANT.check(current, wanted) == wanted
            else:
                with pytest.raises(InvalidTransition):
                    GRANT.check(current, wanted)


def test_a_grant_goes_queued_granted_revoked_released(store):
    with store.transaction() as session:
        catalogue.seed_defaults(session)
        badge = session.query(Badge).filter_by(key="brueckenbauer").one()
        catalogue.record_forum_badge_id(session, badge.key, 77)
        ben_id = member(session, "ben", organisation(session, "wesel"))
        grant = BadgeGrant(badge_id=badge.id, member_id=ben_id, granted_at=NOW, regrant_allowed=False)
        session.add(grant)
        session.flush()
        assert grant_status(grant) == GrantStatus.QUEUED
        assert catalogue.record_forum_grant(session, ben_id, badge.key, 501) is True
        assert grant_status(grant) == GrantStatus.GRANTED
        assert catalogue.record_revocation(session, ben_id, 77, at=NOW) is grant
        assert grant_status(grant) == GrantStatus.REVOKED
        assert catalogue.allow_regrant(session, ben_id, badge.key) is True
        assert grant_status(grant) == GrantStatus.RELEASED
        with pytest.raises(InvalidTransition):
            GRANT.check(grant_status(grant), GrantStatus.GRANTED)
