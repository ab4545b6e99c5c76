"""The forum probe behind `companion check`."""

from __future__ import annotations

import responses

from sync.client import ForumClient
from sync.probe import probe_forum
from tests.support.fakeforum import FakeForum
from tests.support.synckit import BASE_URL, FakeClock


def make_client() -> ForumClient:
    clock = FakeClock()
    return ForumClient(BASE_URL, "key", "system", clock=clock, sleep=clock.sleep)


def test_probe_reports_what_works():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        FakeForum(rsps, data_explorer=True)
        report = probe_forum(make_client())
    assert report.reachable and report.api_key_valid and report.api_user_is_admin
    assert report.site_title == "Rebellen"
    assert report.data_explorer == "available"
    assert report.webhooks == "unknown"  # the listing is not readable here
    assert report.connect_provider == "enabled"
    assert report.budget_per_minute == 60 and report.paced_per_minute == 48
    assert report.problems == ()


def test_probe_reports_a_refused_key_and_disabled_explorer():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        forum = FakeForum(rsps, data_explorer=False)
        forum.connect_provider = False
        report = probe_forum(make_client())
        assert report.data_explorer == "disabled"
        assert report.connect_provider == "disabled"
    with responses.RequestsMock() as rsps:
        rsps.get(f"{BASE_URL}/site/basic-info.json", json={"title": "F"})
        rsps.get(
            f"{BASE_URL}/u/system.json",
            status=403,
            json={"errors": ["You are not permitted to view the requested resource."], "error_type": "invalid_access"},
        )
        report = probe_forum(make_client())
    assert report.reachable and not report.api_key_valid
    assert report.data_explorer == "unknown"
    assert any("refused" in p for p in report.problems)


def test_probe_reports_an_unreachable_forum():
    import requests

    with responses.RequestsMock() as rsps:
        rsps.get(f"{BASE_URL}/site/basic-info.json", body=requests.exceptions.ConnectionError("Connection refused"))
        report = probe_forum(make_client())
    assert not report.reachable and not report.api_key_valid
    assert report.problems
