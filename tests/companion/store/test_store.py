"""The store migrates up and down on both databases and refuses schemas it does not know."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, text

from companion.store import migrate
from companion.store.db import Store, StoreError, open_store
from companion.store.models import (
    Base,
    Member,
    MemberPreferences,
    Organisation,
    Suggestion,
)


def test_migrated_schema_matches_the_models(store):
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(store) == migrate.head_revision()


def test_member_round_trip_keeps_aware_utc_timestamps(store):
    seen = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with store.transaction() as session:
        org = Organisation(key="kreis-wesel", name="Kreis Wesel")
        session.add(org)
        session.flush()
        session.add(Member(forum_user_id=7, username="anna", organisation_id=org.id, last_seen_at=seen))
    with store.transaction() as session:
        member = session.query(Member).filter_by(username="anna").one()
        assert member.last_seen_at == seen
        assert member.last_seen_at.tzinfo is not None
        assert member.organisation.name == "Kreis Wesel"


def test_deleting_a_member_cascades_to_everything_about_them(store):
    with store.transaction() as session:
        a = Member(forum_user_id=1, username="a")
        b = Member(forum_user_id=2, username="b")
        session.add_all([a, b])
        session.flush()
        session.add(MemberPreferences(member_id=a.id, matching_consent=True))
        session.add(Suggestion(run_date=date(2026, 1, 1), member_id=b.id, suggested_member_id=a.id, rank=1, score=0.5))
    with store.transaction() as session:
        session.execute(text("delete from members where username = 'a'"))
    with store.transaction() as session:
        assert session.query(MemberPreferences).count() == 0
        assert session.query(Suggestion).count() == 0
        assert session.query(Member).count() == 1


def test_migrations_go_down_and_up_cleanly(store):
    migrate.downgrade(store, "base")
    remaining = set(inspect(store.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    assert migrate.current_revision(store) is None
    migrate.upgrade(store)
    assert migrate.current_revision(store) == migrate.head_revision()


def test_a_newer_schema_than_the_code_is_refused(store):
    with store.engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '9999_from_the_future'"))
    try:
        with pytest.raises(StoreError, match="does not know"):
            migrate.check_up_to_date(store)
        with pytest.raises(StoreError, match="upgrade the companion"):
            migrate.upgrade(store)
    finally:
        with store.engine.begin() as connection:
            connection.execute(text(f"update alembic_version set version_num = '{migrate.head_revision()}'"))


def test_an_outdated_schema_asks_for_db_upgrade(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(StoreError, match="companion db upgrade"):
        migrate.check_up_to_date(store)


def test_unreachable_database_gives_one_line_error():
    with pytest.raises(StoreError) as raised:
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    assert "cannot reach the database" in str(raised.value)
    assert "\n" not in str(raised.value)
