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


def test_site_settings_are_read_by_name_not_by_downloading_all_of_them():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        FakeForum(rsps, data_explorer=True)
        report = probe_forum(make_client())
        paths = [call.request.path_url for call in rsps.calls]
    assert report.webhook_retries == "off" and report.connect_provider == "enabled"
    assert report.data_explorer_prefix == "/admin/plugins/discourse-data-explorer"
    settings_calls = [p for p in paths if "site_settings" in p]
    assert len(settings_calls) == 1 and settings_calls[0].startswith("/admin/config/site_settings.json?filter_names")
    assert "retry_web_hook_events" in settings_calls[0]


def test_site_settings_fall_back_to_the_full_list_on_older_forums():
    from sync.probe import read_site_settings

    with responses.RequestsMock() as rsps:
        rsps.get(f"{BASE_URL}/admin/config/site_settings.json", status=404, json={"errors": ["not found"]})
        rsps.get(
            f"{BASE_URL}/admin/site_settings.json",
            json={"site_settings": [{"setting": "retry_web_hook_events", "value": True}, {"setting": "title"}]},
        )
        assert read_site_settings(make_client(), ("retry_web_hook_events",)) == {"retry_web_hook_events": True}
