"""Operations settings: secrets from Docker secret files, limiter storage and the legal links."""

from __future__ import annotations

import pytest

from companion.settings import SETTINGS, SettingsError, load_settings


def test_a_secret_can_come_from_a_file(tmp_path):
    path = tmp_path / "api_key"
    path.write_text("key with spaces 123\n", encoding="utf-8")
    settings = load_settings({"COMPANION_FORUM_API_KEY_FILE": str(path)})
    assert settings.forum_api_key == "key with spaces 123"
    assert settings.sources["FORUM_API_KEY"] == "file"


def test_the_variable_itself_wins_over_the_file(tmp_path):
    path = tmp_path / "api_key"
    path.write_text("from-file", encoding="utf-8")
    settings = load_settings({"COMPANION_FORUM_API_KEY": "direct", "COMPANION_FORUM_API_KEY_FILE": str(path)})
    assert settings.forum_api_key == "direct"


def test_an_unreadable_secret_file_is_one_clear_error(tmp_path):
    with pytest.raises(SettingsError, match=r"COMPANION_SECRET_KEY_FILE=.*cannot be read"):
        load_settings({"COMPANION_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_file_variants_are_only_for_secrets(tmp_path):
    path = tmp_path / "url"
    path.write_text("https://forum.example.org", encoding="utf-8")
    assert load_settings({"COMPANION_FORUM_URL_FILE": str(path)}).forum_url is None


def test_a_short_webhook_secret_from_a_file_is_refused_too(tmp_path):
    path = tmp_path / "hook"
    path.write_text("short\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="12 characters"):
        load_settings({"COMPANION_WEBHOOK_SECRET_FILE": str(path)})


@pytest.mark.parametrize("value", ["memory://", "redis://redis:6379/0", "rediss://user:pw@cache.example:6380/1"])
def test_limiter_storage_accepts_memory_and_redis(value):
    assert load_settings({"COMPANION_RATELIMIT_STORAGE_URL": value}).ratelimit_storage_url == value


def test_limiter_storage_refuses_anything_else():
    with pytest.raises(SettingsError, match="memory:// or a redis://"):
        load_settings({"COMPANION_RATELIMIT_STORAGE_URL": "memcached://x"})


def test_operations_defaults_fit_the_embedded_setup():
    settings = load_settings({})
    assert settings.trusted_proxies == 0
    assert settings.ratelimit_storage_url == "memory://"
    assert settings.log_format == "text"
    assert settings.worker_required is False
    assert {"SOURCE_URL", "IMPRINT_URL", "PRIVACY_URL"} <= {s.name for s in SETTINGS}


def test_an_empty_variable_does_not_hide_the_file(tmp_path):
    path = tmp_path / "key"
    path.write_text("from-the-secret-file-of-docker", encoding="utf-8")
    settings = load_settings({"COMPANION_SECRET_KEY": "", "COMPANION_SECRET_KEY_FILE": str(path)})
    assert settings.secret_key == "from-the-secret-file-of-docker"
