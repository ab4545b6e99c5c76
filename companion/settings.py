"""Settings declared once as data and read from COMPANION_* environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.errors import CompanionError

PREFIX = "COMPANION_"


class SettingsError(CompanionError, ValueError):
    """A setting has a value the companion cannot use."""


def _parse_str(raw: str) -> str:
    return raw.strip()


def _parse_optional_str(raw: str) -> str | None:
    return raw.strip() or None


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected one of true/false, yes/no, on/off, 1/0")


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"expected a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _float_between(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"expected a number from {low:g} to {high:g}") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}")
        return value

    return parse


_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _secret(min_length: int, why: str) -> Callable[[str], str | None]:
    """A secret that is empty (not set) or at least min_length characters long."""

    def parse(raw: str) -> str | None:
        value = raw.strip()
        if value and len(value) < min_length:
            raise ValueError(f"it must be at least {min_length} characters long ({why})")
        return value or None

    return parse


def _parse_time(raw: str) -> time:
    match = _TIME.match(raw.strip())
    if not match:
        raise ValueError("expected a time of day as HH:MM from 00:00 to 23:59")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_url(raw: str) -> str | None:
    value = raw.strip().rstrip("/")
    if not value:
        return None
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("expected an http:// or https:// URL")
    return value


def _parse_timezone(raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as Europe/Berlin") from None
    return raw.strip()


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError("expected one of " + ", ".join(choices))
        return value

    return parse


def _parse_database_url(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
        raise ValueError("expected a sqlite:/// or postgresql:// URL")
    if value.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare scheme means psycopg2.
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    return value


def _parse_limiter_storage(raw: str) -> str:
    value = raw.strip()
    if not re.match(r"^(memory://|rediss?://\S+)$", value):
        raise ValueError("expected memory:// or a redis://host:port/db URL")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, parser, help text and whether it is secret."""

    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = field(repr=False)
    secret: bool = False

    @property
    def env_name(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "INSTANCE_PATH",
        "instance",
        "Folder for the embedded database and runtime files; created on first use.",
        _parse_str,
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL of the store; empty means SQLite in the instance folder. Production: postgresql://user@host/db.",
        _parse_database_url,
    ),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:5000",
        "Public URL of the companion's web pages, used in links inside forum messages.",
        _parse_url,
    ),
    Setting("FORUM_URL", "", "Base URL of the Discourse forum, e.g. https://forum.example.org.", _parse_url),
    Setting(
        "FORUM_PUBLIC_URL",
        "",
        "The forum's own public URL (its DISCOURSE_HOSTNAME) when FORUM_URL reaches it another way; "
        "badge reasons must link to this host. Empty: FORUM_URL.",
        _parse_url,
    ),
    Setting("FORUM_API_KEY", "", "Admin API key of the forum's bot user (secret).", _parse_optional_str, secret=True),
    Setting(
        "FORUM_API_USERNAME",
        "system",
        "Forum user the companion acts as (author of its messages, grantor of badges).",
        _parse_str,
    ),
    Setting(
        "FORUM_REQUESTS_PER_MINUTE",
        "60",
        "The forum's admin API budget (Discourse's max_admin_api_reqs_per_minute).",
        _int_between(1, 100_000),
    ),
    Setting(
        "FORUM_HEADROOM",
        "0.8",
        "Share of the forum's API budget the companion may use; the rest stays for other admin tools.",
        _float_between(0.05, 1.0),
    ),
    Setting("FORUM_TIMEOUT", "15", "Seconds to wait for one forum request.", _float_between(0.5, 300)),
    Setting(
        "FORUM_BULK",
        "auto",
        "Read members in bulk through the Data Explorer: auto (when enabled in the forum), on, off.",
        _parse_choice("auto", "on", "off"),
    ),
    Setting(
        "WEBHOOK_SECRET",
        "",
        "Secret of the forum's webhook to the companion (at least 12 characters; secret).",
        _secret(12, "Discourse signs webhooks only with a secret of at least 12 characters"),
        secret=True,
    ),
    Setting(
        "WEBHOOK_MAX_BYTES", "1048576", "Largest webhook body accepted, in bytes.", _int_between(1024, 64 * 1024 * 1024)
    ),
    Setting(
        "CONNECT_SECRET",
        "",
        "DiscourseConnect provider secret shared with the forum (at least 12 characters; secret).",
        _secret(12, "Discourse's discourse_connect_provider_secrets need as much"),
        secret=True,
    ),
    Setting(
        "SECRET_KEY",
        "",
        "Key that signs the companion's session cookies and RSVP links (at least 24 characters; secret; required "
        "for the web pages). Make one with: python -c 'import secrets; print(secrets.token_hex(32))'.",
        _secret(24, "a short key lets anyone forge session cookies"),
        secret=True,
    ),
    Setting(
        "ADMIN_GROUP",
        "",
        "Forum group whose members are companion admins besides the forum's admins.",
        _parse_optional_str,
    ),
    Setting("SESSION_COOKIE_SECURE", "true", "Send the session cookie over HTTPS only.", _parse_bool),
    Setting(
        "ADMIN_RECHECK_SECONDS",
        "300",
        "How often a logged-in admin's rights are confirmed with the forum (seconds); a demotion ends them then.",
        _int_between(10, 86_400),
    ),
    Setting("NIGHTLY_AT", "03:00", "Local time of day of the nightly run, as HH:MM.", _parse_time),
    Setting(
        "TIMEZONE",
        "Europe/Berlin",
        "Time zone of the network: nightly run, meeting dates, calendar feeds.",
        _parse_timezone,
    ),
    Setting(
        "HOLIDAY_STATE",
        "NW",
        "German state whose public holidays meetings skip (ISO code without DE-, e.g. NW, BY).",
        _parse_choice("bb", "be", "bw", "by", "hb", "he", "hh", "mv", "ni", "nw", "rp", "sh", "sl", "sn", "st", "th"),
    ),
    # --- the network's formats: shared write-ups, guests' e-mail ---
    Setting(
        "SHARING_CATEGORY_ID",
        "0",
        "Forum category id where season summaries, Lean Coffee notes and camp grids are posted (0: not set).",
        _int_between(0, 2_000_000_000),
    ),
    Setting("SMTP_HOST", "", "SMTP server for guests' e-mails (double opt-in, cancellation).", _parse_optional_str),
    Setting("SMTP_PORT", "25", "Port of the SMTP server.", _int_between(1, 65535)),
    Setting("SMTP_STARTTLS", "false", "Upgrade the SMTP connection with STARTTLS.", _parse_bool),
    Setting("SMTP_USERNAME", "", "SMTP login name (empty: no login).", _parse_optional_str),
    Setting("SMTP_PASSWORD", "", "SMTP password (secret).", _parse_optional_str, secret=True),
    Setting("SMTP_FROM", "", "Sender address of guests' e-mails, e.g. rebellen@example.org.", _parse_optional_str),
    Setting(
        "MEETING_CHECK_DAYS",
        "14",
        "Days after an introduction when both members are asked whether they met; 0 asks never.",
        _int_between(0, 180),
    ),
    Setting(
        "GUEST_RETENTION_DAYS",
        "30",
        "Days after a meetup when its guests' names and e-mail addresses are deleted.",
        _int_between(1, 365),
    ),
    Setting(
        "DEFAULT_LOCALE",
        "de",
        "Language of pages and messages when a member's forum locale is unknown.",
        _parse_choice("de", "en"),
    ),
    Setting(
        "REPORT_MIN_GROUP",
        "5",
        "k-anonymity of the report: no figure about fewer people than this, no organisation smaller than this named.",
        _int_between(2, 100),
    ),
    Setting("LOG_LEVEL", "info", "Logging level.", _parse_choice("debug", "info", "warning", "error")),
    # --- Operations: proxy, rate limits, logs, worker health, legal links (issue 15) ---
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "Number of reverse proxies in front of the companion whose X-Forwarded-* headers are trusted (0: none).",
        _int_between(0, 5),
    ),
    Setting(
        "RATELIMIT_STORAGE_URL",
        "memory://",
        "Where rate-limit counters live: memory:// (each process counts alone) or redis://host:6379/0 (shared).",
        _parse_limiter_storage,
    ),
    Setting(
        "LOG_FORMAT", "text", "Log lines as text or as JSON objects (one per line).", _parse_choice("text", "json")
    ),
    Setting(
        "PROGRESS_EVERY_SECONDS",
        "30",
        "Seconds between progress log lines of long commands when they do not run on a terminal.",
        _float_between(1, 3600),
    ),
    Setting(
        "WORKER_SILENT_AFTER",
        "180",
        "Seconds without a worker heartbeat after which /health answers 503.",
        _int_between(30, 86_400),
    ),
    Setting(
        "WORKER_REQUIRED",
        "false",
        "Whether /health answers 503 while no worker has ever reported (true in production).",
        _parse_bool,
    ),
    Setting("SOURCE_URL", "", "Where users get the source code of this instance (AGPL section 13).", _parse_url),
    Setting("IMPRINT_URL", "", "Link to the operator's Impressum, shown in every page's footer.", _parse_url),
    Setting(
        "PRIVACY_URL", "", "Link to the operator's Datenschutzerklärung, shown in every page's footer.", _parse_url
    ),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Parsed settings with the source of each value."""

    values: Mapping[str, Any]
    sources: Mapping[str, str]

    def __getattr__(self, name: str) -> Any:
        key = name.upper()
        values = object.__getattribute__(self, "values")
        if key in values:
            return values[key]
        raise AttributeError(name)

    @property
    def database_url(self) -> str:
        """The store's URL, defaulting to SQLite inside the instance folder."""
        if self.values["DATABASE_URL"]:
            return self.values["DATABASE_URL"]
        path = Path(self.values["INSTANCE_PATH"]).resolve() / "companion.sqlite3"
        return f"sqlite:///{path}"

    @property
    def holiday_state(self) -> str:
        return self.values["HOLIDAY_STATE"].upper()

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values replaced (already parsed), marked as set by code."""
        values = dict(self.values)
        sources = dict(self.sources)
        for name, value in overrides.items():
            key = name.upper()
            if key not in SETTINGS_BY_NAME:
                raise KeyError(f"unknown setting {name}")
            values[key] = value
            sources[key] = "code"
        return Settings(values=values, sources=sources)

    def display_value(self, name: str) -> str:
        """The value as shown to an operator, with secrets masked."""
        setting = SETTINGS_BY_NAME[name]
        value = self.values[name]
        if setting.secret:
            return "(set, hidden)" if value else "(not set)"
        if value is None or value == "":
            return "(not set)"
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return str(value)


def _raw_value(setting: Setting, environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The raw text of a setting and where it came from; a secret may also come from a file (Docker secrets)."""
    raw = environ.get(setting.env_name)
    path = environ.get(setting.env_name + "_FILE") if setting.secret else None
    # An empty variable does not hide the file: compose passes both, and the operator fills one.
    if raw is not None and (raw.strip() or not path):
        return raw, "environment"
    if not path:
        return None, "default"
    try:
        # Only the trailing newline an editor adds is dropped; a secret may contain spaces.
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n"), "file"
    except OSError as error:
        raise SettingsError(f"{setting.env_name}_FILE={path!r} cannot be read: {error.strerror}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from the environment, raising SettingsError on the first invalid one."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        raw, source = _raw_value(setting, environ)
        try:
            values[setting.name] = setting.parse(raw if raw is not None else setting.default)
        except ValueError as error:
            shown = "(hidden)" if setting.secret else repr(raw)
            raise SettingsError(f"{setting.env_name}={shown} is invalid: {error}") from None
        sources[setting.name] = source
    return Settings(values=values, sources=sources)


def check_instance_folder(settings: Settings) -> Path:
    """Create the instance folder if needed and make sure the companion can write there; SettingsError if not."""
    folder = Path(settings.instance_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError("not a writable folder")
    except OSError as error:
        reason = error.strerror or str(error)
        raise SettingsError(f"{PREFIX}INSTANCE_PATH={str(folder)!r} is not a usable folder: {reason}") from None
    return folder
