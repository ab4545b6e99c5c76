"""Reach the forum and report what works, for `companion check` and the admin pages.

Site settings are read with `GET /admin/config/site_settings.json?filter_names[]=...`
(`app/controllers/admin/config/site_settings_controller.rb`): only the named ones.
`/admin/site_settings.json` ignores `filter=` and sends every setting; it is the
fallback for versions without the config endpoint, read once for all names.
"""

from __future__ import annotations

from typing import Any

from sync.client import ForumClient
from sync.data_explorer import DataExplorer
from sync.errors import ForumAccessDenied, ForumError, ForumNotFound
from sync.records import ProbeReport


def probe_forum(client: ForumClient, *, data_explorer: DataExplorer | None = None) -> ProbeReport:
    """Probe reachability, the API key, admin rights, Data Explorer, webhooks and DiscourseConnect."""
    problems: list[str] = []
    reachable = api_key_valid = False
    is_admin: bool | None = None
    title: str | None = None
    explorer = webhooks = connect = retries = "unknown"
    explorer_prefix: str | None = None
    key_refused = False
    try:
        info = client.get("/site/basic-info.json") or {}
        reachable = True
        title = info.get("title") or None
    except ForumAccessDenied as exc:
        # Discourse refuses every request, even for public pages, when the API key is wrong.
        reachable, key_refused = True, True
        problems.append(f"API key refused: {exc}")
    except ForumError as exc:
        problems.append(f"forum not reachable: {exc}")
    if reachable and not key_refused:
        try:
            answer = client.get(f"/u/{client.api_username}.json") or {}
            api_key_valid = True
            user = answer.get("user") or {}
            is_admin = bool(user.get("admin"))
            if not is_admin:
                problems.append(f"API user {client.api_username} is not an admin")
        except ForumAccessDenied as exc:
            problems.append(f"API key refused: {exc}")
        except ForumError as exc:
            problems.append(f"API user not readable: {exc}")
    if api_key_valid:
        plugin = data_explorer or DataExplorer(client)
        explorer = "available" if plugin.available() else "disabled"
        explorer_prefix = plugin.prefix if explorer == "available" else None
        try:
            hooks = client.get("/admin/api/web_hooks.json") or {}
            items = hooks.get("web_hooks") if isinstance(hooks, dict) else hooks
            webhooks = "configured" if items else "none"
        except ForumNotFound:
            webhooks = "unknown"
        except ForumError:
            webhooks = "unknown"
        settings = read_site_settings(client, ("enable_discourse_connect_provider", "retry_web_hook_events"))
        connect = _flag(settings, "enable_discourse_connect_provider", "enabled", "disabled")
        retries = _flag(settings, "retry_web_hook_events", "on", "off")
    return ProbeReport(
        reachable=reachable,
        api_key_valid=api_key_valid,
        api_user_is_admin=is_admin,
        site_title=title,
        budget_per_minute=client.pacer.budget,
        paced_per_minute=client.pacer.paced_per_period,
        requests_made=client.requests_made,
        rate_limited_count=client.rate_limited_count,
        data_explorer=explorer,
        webhooks=webhooks,
        connect_provider=connect,
        webhook_retries=retries,
        data_explorer_prefix=explorer_prefix,
        problems=tuple(problems),
    )


def read_site_settings(client: ForumClient, names: tuple[str, ...]) -> dict[str, Any]:
    """Read the named site settings (one small request); {} when the API user may not read them."""
    try:
        answer = client.get("/admin/config/site_settings.json", **{"filter_names[]": list(names)}) or {}
    except ForumNotFound:
        try:
            # Older versions: the whole list, whatever the filter says; one request for every name.
            answer = client.get("/admin/site_settings.json") or {}
        except ForumError:
            return {}
    except ForumError:
        return {}
    items = answer.get("site_settings") if isinstance(answer, dict) else None
    return {
        str(item["setting"]): item.get("value")
        for item in items or []
        if isinstance(item, dict) and item.get("setting") in names
    }


def _flag(settings: dict[str, Any], name: str, on: str, off: str) -> str:
    if name not in settings:
        return "unknown"
    return on if settings[name] in (True, "true", "t") else off
