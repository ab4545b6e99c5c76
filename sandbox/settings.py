"""Settings of the sandbox forum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
    base_url: str | None = None
    title: str = "Verwaltungsrebellen (Sandbox)"
    # Older Discourse versions list topic tags as plain strings instead of {id, name, slug}.
    legacy_tag_strings: bool = False
    # Discourse retries failed webhook deliveries much later; the sandbox retries quickly.
    webhook_retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0)
    webhook_timeout: float = 5.0
    # Discourse memoizes identical API post requests for 120 s; 0 imitates repeats that come later than that.
    api_memo_seconds: float = 120.0
    # Seeded activity is dated back from this moment; None keeps a fixed date so a seed is reproducible.
    seed_reference: datetime | None = None
