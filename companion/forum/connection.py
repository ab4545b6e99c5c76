"""The companion's one way to the forum: a client, reader and writer built from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

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
    #: The forum's own public URL (badge reasons must link to its host); None: the API URL.
    public_url: str | None = None

    @property
    def base_url(self) -> str:
        return self.client.base_url

    @property
    def canonical_url(self) -> str:
        """The URL the forum knows itself by (Discourse.base_url), for links the forum must recognise."""
        return (self.public_url or self.base_url).rstrip("/")

    def badge_reason(self, reason: str | None) -> str | None:
        """A badge reason on the forum's own host: Discourse.route_for refuses links to any other (400)."""
        if not reason:
            return None
        return on_forum_host(reason, self.canonical_url)

    def profile_url(self, username: str) -> str:
        """The member's public profile page in the forum."""
        return f"{self.base_url}/u/{username}"

    def close(self) -> None:
        self.client.close()


def canonical_forum_url(settings: Settings) -> str | None:
    """The forum's own public URL: COMPANION_FORUM_PUBLIC_URL, else COMPANION_FORUM_URL."""
    return settings.forum_public_url or settings.forum_url


def on_forum_host(link: str, canonical_url: str) -> str:
    """Move a forum link (absolute on any host, or a path) onto the canonical URL, keeping path and query."""
    parts = urlsplit(link)
    tail = parts.path if parts.path.startswith("/") else "/" + parts.path
    if parts.query:
        tail += "?" + parts.query
    if parts.fragment:
        tail += "#" + parts.fragment
    return canonical_url.rstrip("/") + tail


def forum_from_client(client: ForumClient, public_url: str | None = None) -> Forum:
    """Wrap an existing client (tests, demo) in the companion's forum facade."""
    return Forum(client=client, reader=ForumReader(client), writer=ForumWriter(client), public_url=public_url)


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
    return forum_from_client(client, public_url=canonical_forum_url(settings))


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
    where = f" under {report.data_explorer_prefix}" if report.data_explorer_prefix else ""
    results.append(
        CheckResult(
            "data explorer",
            explorer,
            f"{report.data_explorer}{where} (bulk member reads "
            f"{'possible' if explorer == 'OK' else 'fall back to one request per member'})",
        )
    )
    results.append(_webhook_retries_line(report.webhook_retries))
    canonical = canonical_forum_url(settings) or settings.forum_url
    results.append(
        CheckResult(
            "badge reasons",
            "OK",
            f"link to {urlsplit(canonical).hostname} ({canonical}); the forum refuses reasons on any other host: "
            "set COMPANION_FORUM_PUBLIC_URL when the forum's own URL differs from COMPANION_FORUM_URL",
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


def _webhook_retries_line(value: str) -> CheckResult:
    if value == "on":
        return CheckResult(
            "webhook retries",
            "OK",
            "retry_web_hook_events on: failed deliveries are retried after about 1, 5, 25 and 125 minutes, each as "
            "a new event id; every run's catch-up read still repairs what is lost",
        )
    if value == "off":
        return CheckResult(
            "webhook retries",
            "WARN",
            "retry_web_hook_events off (Discourse's default): an event sent while the companion is down is lost; "
            "every run starts with a catch-up read that repairs it, so changes arrive by the next run at the latest",
        )
    return CheckResult("webhook retries", "WARN", "retry_web_hook_events unknown (site settings not readable)")
