"""The Data Explorer path against the sandbox: both prefixes, a paged query list, timeouts, one population."""

from __future__ import annotations

import pytest

from sandbox import SandboxSettings, run_sandbox_server
from sandbox.seed import NON_MEMBER_ACCOUNTS
from sync.bulk_queries import MEMBERS_QUERY
from sync.client import ForumClient, RetryPolicy
from sync.data_explorer import BUNDLED_PREFIX, STANDALONE_PREFIX, DataExplorer
from sync.errors import DataExplorerUnavailable
from sync.readers import ForumReader

pytestmark = pytest.mark.e2e


def client_for(server, settings: SandboxSettings, **kwargs) -> ForumClient:
    kwargs.setdefault("timeout", (5, 30))
    return ForumClient(server.url, settings.api_key, settings.api_username, requests_per_minute=0, **kwargs)


def unlimited_runs(server) -> None:
    server.state.explorer_limiter.limit = 0  # the sandbox enforces 2 runs per 10 s; these tests are not about it


def fast_explorer(client: ForumClient) -> DataExplorer:
    # The forum's 2-runs-per-10-s limit only logs by default; the sandbox enforces it, tests run unpaced.
    return DataExplorer(client, runs_per_10_seconds=0)


@pytest.fixture(scope="module", params=["bundled", "standalone"])
def forum(request):
    settings = SandboxSettings(
        members=60, organisations=4, admin_requests_per_minute=0, data_explorer=True, data_explorer_kind=request.param
    )
    with run_sandbox_server(settings) as server:
        unlimited_runs(server)
        yield server, settings


def test_both_read_paths_give_the_same_member_population(forum):
    server, settings = forum
    client = client_for(server, settings)
    per_member, used_bulk = ForumReader(client).read_members(prefer_bulk=False)
    assert not used_bulk
    bulk, used_bulk = ForumReader(client, data_explorer=fast_explorer(client)).read_members(prefer_bulk=True)
    assert used_bulk
    ids = {m.id for m in per_member}
    assert ids == {m.id for m in bulk}
    listed = {u.username for u in server.state.users.values()}
    # Every kind of non-member is in the forum's lists, and in neither population.
    assert {"system", *NON_MEMBER_ACCOUNTS} <= listed
    names = {m.username for m in per_member} | {m.username for m in bulk}
    assert not names & {"system", *NON_MEMBER_ACCOUNTS}
    assert all(not u.staged for u in server.state.users.values() if u.id in ids)


def test_the_prefix_that_answers_is_used(forum):
    server, settings = forum
    explorer = fast_explorer(client_for(server, settings))
    assert explorer.available()
    expected = BUNDLED_PREFIX if settings.data_explorer_kind == "bundled" else STANDALONE_PREFIX
    assert explorer.prefix == expected


def test_the_companions_query_is_found_in_a_paged_list_and_not_saved_again():
    settings = SandboxSettings(
        members=10, admin_requests_per_minute=0, data_explorer=True, data_explorer_kind="bundled"
    )
    with run_sandbox_server(settings) as server:
        state = server.state
        unlimited_runs(server)
        client = client_for(server, settings)
        first = fast_explorer(client).ensure_query(MEMBERS_QUERY)
        # An admin saves 120 queries of their own after it; unfiltered, ours would be on page 3.
        for index in range(120):
            state.save_query(f"Bericht {index}", "Monatsbericht", "SELECT 1", "system")
        for index in range(60):
            state.save_query(f"companion_other_{index}", "", "SELECT 1", "system")
        again = fast_explorer(client).ensure_query(MEMBERS_QUERY)
        assert again == first
        assert sum(1 for q in state.explorer_queries.values() if q.name == MEMBERS_QUERY.name) == 1


def test_a_statement_timeout_makes_the_bulk_path_unavailable_and_the_read_falls_back():
    settings = SandboxSettings(members=20, admin_requests_per_minute=0, data_explorer=True)
    with run_sandbox_server(settings) as server:
        unlimited_runs(server)
        client = client_for(server, settings)
        server.state.faults.statement_timeout_next(1)
        reader = ForumReader(client, data_explorer=fast_explorer(client))
        members, used_bulk = reader.read_members(prefer_bulk=True)
    assert not used_bulk and len(members) >= 18


def test_a_run_slower_than_the_forum_timeout_becomes_unavailable_at_once(monkeypatch):
    # Columns named after a model id make Data Explorer serialise every referenced record into `relations`.
    from sync import bulk_queries

    slow = bulk_queries.BulkQuery(
        name="companion_slow_v1",
        description="",
        sql="SELECT id AS user_id, username FROM users",
        columns=("user_id", "username"),
    )
    monkeypatch.setattr(bulk_queries, "ALL_QUERIES", (*bulk_queries.ALL_QUERIES, slow))
    settings = SandboxSettings(
        members=40, admin_requests_per_minute=0, data_explorer=True, explorer_relation_seconds=0.1
    )
    with run_sandbox_server(settings) as server:
        unlimited_runs(server)
        client = client_for(server, settings, timeout=(2, 1.0), retry=RetryPolicy(backoff_seconds=0.01))
        explorer = fast_explorer(client)
        before = server.state.request_count
        with pytest.raises(DataExplorerUnavailable):
            explorer.rows(slow)
        runs = server.state.request_count - before
    assert runs <= 3, "a timed-out run is not repeated"
