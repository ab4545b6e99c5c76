"""Settings of the sandbox forum."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

EXPLORER_PREFIXES = {
    # Cores that bundle the plugin serve both prefixes (plugin.rb of discourse-data-explorer).
    "bundled": ("/admin/plugins/discourse-data-explorer", "/admin/plugins/explorer"),
    # The standalone plugin, before it was bundled, served only the short one.
    "standalone": ("/admin/plugins/explorer",),
}


def _random_explorer_kind() -> str:
    # Chosen per sandbox start, so the companion meets both over many test runs.
    return random.choice(tuple(EXPLORER_PREFIXES))


@dataclass
class SandboxSettings:
    """Knobs of one sandbox forum: size of the seeded network, secrets, limits and hooks."""

    members: int = 300
    organisations: int = 12
    seed: int = 1
    api_key: str = "sandbox-api-key"
    api_username: str = "system"
    admin_requests_per_minute: int = 60
    webhook_url: str | None = None
    webhook_secret: str | None = None
    connect_secret: str = "sandbox-connect-secret"
    data_explorer: bool = False
    # "bundled" or "standalone": which route prefixes the Data Explorer answers under.
    data_explorer_kind: str = field(default_factory=_random_explorer_kind)
    # Seconds per referenced record Data Explorer spends loading `relations` for columns named like user_id.
    explorer_relation_seconds: float = 0.002
    # Site setting retry_web_hook_events (off by default in Discourse): retry failed deliveries, each with a new id.
    retry_web_hook_events: bool = False
    base_url: str | None = None
    title: str = "Verwaltungsrebellen (Sandbox)"
    # Older Discourse versions list topic tags as plain strings instead of {id, name, slug}.
    legacy_tag_strings: bool = False
    # Discourse retries failed deliveries (when retry_web_hook_events is on) after 1, 5, 25, 125 minutes;
    # the sandbox retries quickly.
    webhook_retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0)
    webhook_timeout: float = 5.0
    # Discourse memoizes identical API post requests for 120 s; 0 imitates repeats that come later than that.
    api_memo_seconds: float = 120.0
    # Seeded activity is dated back from this moment; None keeps a fixed date so a seed is reproducible.
    seed_reference: datetime | None = None
