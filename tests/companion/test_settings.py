"""Settings are data: parsed from the environment with clear errors."""

from datetime import time

import pytest

from companion.settings import SETTINGS, SettingsError, load_settings


def test_defaults_apply_when_environment_is_empty(tmp_path):
    settings = load_settings({"COMPANION_INSTANCE_PATH": str(tmp_path)})
    assert settings.nightly_at == time(3, 0)
    assert settings.forum_requests_per_minute == 60
    assert settings.sources["NIGHTLY_AT"] == "default"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/companion.sqlite3"


def test_environment_values_are_parsed_and_marked():
    settings = load_settings({"COMPANION_NIGHTLY_AT": "02:30", "COMPANION_SESSION_COOKIE_SECURE": "no"})
    assert settings.nightly_at == time(2, 30)
    assert settings.session_cookie_secure is False
    assert settings.sources["NIGHTLY_AT"] == "environment"


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("COMPANION_NIGHTLY_AT", "25:00", "HH:MM"),
        ("COMPANION_FORUM_REQUESTS_PER_MINUTE", "lots", "whole number"),
        ("COMPANION_FORUM_URL", "forum.example.org", "http"),
        ("COMPANION_TIMEZONE", "Mars/Olympus", "IANA"),
        ("COMPANION_DATABASE_URL", "mysql://x/y", "postgresql"),
        ("COMPANION_HOLIDAY_STATE", "XX", "nw"),
    ],
)
def test_invalid_value_names_the_setting_and_the_accepted_form(name, value, expected):
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    assert name in str(raised.value)
    assert expected in str(raised.value)


def test_short_webhook_secret_is_refused_like_discourse_would():
    with pytest.raises(SettingsError, match="12 characters"):
        load_settings({"COMPANION_WEBHOOK_SECRET": "short"})


def test_secrets_are_masked_and_never_echoed_in_errors():
    settings = load_settings({"COMPANION_FORUM_API_KEY": "abcdef123456"})
    assert settings.display_value("FORUM_API_KEY") == "(set, hidden)"
    assert "abcdef" not in settings.display_value("FORUM_API_KEY")
    secret_names = {s.name for s in SETTINGS if s.secret}
    assert {"FORUM_API_KEY", "WEBHOOK_SECRET", "CONNECT_SECRET", "SECRET_KEY"} <= secret_names


def test_plain_postgresql_url_uses_the_shipped_driver():
    settings = load_settings({"COMPANION_DATABASE_URL": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_every_setting_has_help_and_a_parseable_default():
    for setting in SETTINGS:
        assert setting.help.strip()
        setting.parse(setting.default)
