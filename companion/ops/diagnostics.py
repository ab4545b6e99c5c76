"""Checks behind `companion check`: settings, database, secrets and the forum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from companion.settings import Settings, SettingsError, load_settings
from companion.store import migrate
from companion.store.db import StoreError, open_store


@dataclass(frozen=True)
class CheckResult:
    """One diagnostic line: OK, WARN or FAIL with a detail."""

    name: str
    status: str
    detail: str


ForumProbe = Callable[[Settings], list[CheckResult]]


def run_checks(environ=None, forum_probe: ForumProbe | None = None) -> list[CheckResult]:
    """Run every check and return the results in order."""
    try:
        settings = load_settings(environ)
    except SettingsError as error:
        return [CheckResult("settings", "FAIL", str(error))]
    results = [CheckResult("settings", "OK", "all COMPANION_* settings are valid")]
    results.extend(_check_database(settings))
    results.extend(_check_secrets(settings))
    if settings.forum_url:
        probe = forum_probe or _default_forum_probe
        forum_results = probe(settings)
        results.extend(forum_results)
        if forum_probe is None and not any(result.status == "FAIL" for result in forum_results):
            results.append(_theme_probe(settings))
    else:
        results.append(CheckResult("forum", "WARN", "COMPANION_FORUM_URL is not set: nothing to sync with"))
    return results


def _check_database(settings: Settings) -> list[CheckResult]:
    try:
        store = open_store(settings.database_url)
    except StoreError as error:
        return [CheckResult("database", "FAIL", str(error))]
    try:
        migrate.check_up_to_date(store)
    except StoreError as error:
        return [CheckResult("database", "FAIL", str(error))]
    finally:
        store.dispose()
    return [CheckResult("database", "OK", f"{store.safe_url} at revision {migrate.head_revision()}")]


def _check_secrets(settings: Settings) -> list[CheckResult]:
    results = []
    needs = {
        "SECRET_KEY": "the web pages cannot keep members logged in",
        "CONNECT_SECRET": "members cannot log in with their forum account",
        "WEBHOOK_SECRET": "forum webhooks will be refused; only scheduled syncs keep the store fresh",
    }
    for name, consequence in needs.items():
        if settings.values[name]:
            results.append(CheckResult(name.lower(), "OK", f"COMPANION_{name} is set"))
        else:
            results.append(CheckResult(name.lower(), "WARN", f"COMPANION_{name} is not set: {consequence}"))
    return results


def _default_forum_probe(settings: Settings) -> list[CheckResult]:
    from companion.forum.connection import probe_forum

    return probe_forum(settings)


def _theme_probe(settings: Settings) -> CheckResult:
    from companion.forum.connection import build_forum_client
    from companion.theme.check import check_theme_component

    forum = build_forum_client(settings)
    try:
        return check_theme_component(forum.client)
    finally:
        forum.close()
