"""The companion's one way to the forum: a client, reader and writer built from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from companion.errors import CompanionError, register_expected_error
from companion.ops.diagnostics import CheckResult
from companion.settings import Settings
from sync.client import ForumClient
from sync.errors import ForumError
from sync.probe import probe_forum as probe
from sync.readers import ForumReader
from sync.writers import ForumWriter

register_expected_error(ForumError)


class ForumNotConfigured(CompanionError, RuntimeError):
    """The forum URL or API key is missing."""


register_expected_error(ForumNotConfigured)


@dataclass
class Forum:
    """One forum: its paced client, a reader and an idempotent writer sharing it."""

    client: ForumClient
    reader: ForumReader
    writer: ForumWriter

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def profile_url(self, username: str) -> str:
        """The member's public profile page in the forum."""
        return f"{self.base_url}/u/{username}"

    def close(self) -> None:
        self.client.close()


def forum_from_client(client: ForumClient) -> Forum:
    """Wrap an existing client (tests, demo) in the companion's forum facade."""
    return Forum(client=client, reader=ForumReader(client), writer=ForumWriter(client))


def build_forum_client(settings: Settings) -> Forum:
    """The forum facade configured from COMPANION_FORUM_* settings."""
    if not settings.forum_url:
        raise ForumNotConfigured("COMPANION_FORUM_URL is not set")
    if not settings.forum_api_key:
        raise ForumNotConfigured("COMPANION_FORUM_API_KEY is not set")
    client = ForumClient(
        settings.forum_url,
        settings.forum_api_key,
        settings.forum_api_username,
        timeout=settings.forum_timeout,
        requests_per_minute=settings.forum_requests_per_minute,
        headroom=settings.forum_headroom,
    )
    return forum_from_client(client)


def probe_forum(settings: Settings) -> list[CheckResult]:
    """Check lines for `companion check`: reachability, key, admin rights, budget, optional features."""
    try:
        forum = build_forum_client(settings)
    except ForumNotConfigured as error:
        return [CheckResult("forum", "FAIL", str(error))]
    try:
        report = probe(forum.client)
    finally:
        forum.close()
    results = []
    if not report.reachable:
        results.append(
            CheckResult("forum", "FAIL", "; ".join(report.problems) or f"{settings.forum_url} is not reachable")
        )
        return results
    results.append(CheckResult("forum", "OK", f"{settings.forum_url} answers ({report.site_title or 'untitled'})"))
    if not report.api_key_valid:
        results.append(CheckResult("api key", "FAIL", "; ".join(report.problems)))
        return results
    admin_status = "OK" if report.api_user_is_admin else "FAIL"
    results.append(
        CheckResult(
            "api key", admin_status, f"valid; acts as {settings.forum_api_username} (admin: {report.api_user_is_admin})"
        )
    )
    results.append(
        CheckResult(
            "rate limit",
            "OK",
            f"budget {report.budget_per_minute}/min, companion paces at {report.paced_per_minute:.0f}/min; "
            f"{report.rate_limited_count} rate-limited answers during this check",
        )
    )
    explorer = {"available": "OK", "disabled": "WARN"}.get(report.data_explorer, "WARN")
    results.append(
        CheckResult(
            "data explorer",
            explorer,
            f"{report.data_explorer} (bulk member reads "
            f"{'possible' if explorer == 'OK' else 'fall back to one request per member'})",
        )
    )
    webhook_status = "OK" if report.webhooks == "configured" else "WARN"
    results.append(
        CheckResult(
            "webhooks",
            webhook_status,
            f"{report.webhooks}: point one at {settings.base_url}/webhooks/discourse with COMPANION_WEBHOOK_SECRET",
        )
    )
    connect_status = "OK" if report.connect_provider == "enabled" else "WARN"
    results.append(
        CheckResult(
            "discourseconnect",
            connect_status,
            f"provider {report.connect_provider}: enable_discourse_connect_provider and add {settings.base_url.split('://')[-1]}|<COMPANION_CONNECT_SECRET>",
        )
    )
    return results
