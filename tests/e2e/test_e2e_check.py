"""`companion check` reaches the forum and reports what works."""

import pytest
from click.testing import CliRunner

from companion.cli import main
from sandbox import SandboxSettings, run_sandbox_server

pytestmark = pytest.mark.e2e


def run_check(tmp_path, forum_url, api_key, explorer=False):
    env = {
        "COMPANION_INSTANCE_PATH": str(tmp_path / "instance"),
        "COMPANION_FORUM_URL": forum_url,
        "COMPANION_FORUM_API_KEY": api_key,
        "COMPANION_FORUM_REQUESTS_PER_MINUTE": "600",
    }
    CliRunner().invoke(main, ["db", "upgrade"], env=env)
    return CliRunner().invoke(main, ["check"], env=env)


@pytest.mark.parametrize("explorer", [False, True])
def test_check_reports_the_forum_key_budget_and_data_explorer(tmp_path, explorer):
    with run_sandbox_server(SandboxSettings(members=10, data_explorer=explorer, admin_requests_per_minute=0)) as forum:
        result = run_check(tmp_path, forum.url, "sandbox-api-key")
    assert result.exit_code == 0, result.output
    assert "[OK  ] forum" in result.output
    assert "[OK  ] api key: valid; acts as system (admin: True)" in result.output
    assert "[OK  ] rate limit: budget 600/min" in result.output
    assert ("[OK  ] data explorer: available" if explorer else "[WARN] data explorer: disabled") in result.output
    if explorer:
        assert "/admin/plugins/" in result.output.split("data explorer:")[1].splitlines()[0]
    assert "[WARN] webhook retries: retry_web_hook_events off" in result.output
    assert "[OK  ] badge reasons: link to 127.0.0.1" in result.output
    assert "[OK  ] discourseconnect: provider enabled" in result.output


@pytest.mark.parametrize("kind", ["bundled", "standalone"])
def test_check_names_the_data_explorer_prefix_and_webhook_retries(tmp_path, kind):
    sandbox = SandboxSettings(
        members=10, data_explorer=True, data_explorer_kind=kind, retry_web_hook_events=True, admin_requests_per_minute=0
    )
    with run_sandbox_server(sandbox) as forum:
        result = run_check(tmp_path, forum.url, "sandbox-api-key")
    prefix = "/admin/plugins/discourse-data-explorer" if kind == "bundled" else "/admin/plugins/explorer"
    assert f"[OK  ] data explorer: available under {prefix} " in result.output
    assert "[OK  ] webhook retries: retry_web_hook_events on" in result.output


def test_check_fails_on_a_wrong_key_and_an_unreachable_forum(tmp_path):
    with run_sandbox_server(SandboxSettings(members=10, admin_requests_per_minute=0)) as forum:
        wrong = run_check(tmp_path, forum.url, "not-the-key")
    assert wrong.exit_code == 1
    assert "[FAIL] api key" in wrong.output
    gone = run_check(tmp_path, "http://127.0.0.1:9", "sandbox-api-key")
    assert gone.exit_code == 1
    assert "[FAIL] forum" in gone.output
