"""Reach the forum and report what works, for `companion check` and the admin pages."""

from __future__ import annotations

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
    explorer = webhooks = connect = "unknown"
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
        explorer = "available" if (data_explorer or DataExplorer(client)).available() else "disabled"
        try:
            hooks = client.get("/admin/api/web_hooks.json") or {}
            items = hooks.get("web_hooks") if isinstance(hooks, dict) else hooks
            webhooks = "configured" if items else "none"
        except ForumNotFound:
            webhooks = "unknown"
        except ForumError:
            webhooks = "unknown"
        connect = _connect_provider_setting(client)
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
        problems=tuple(problems),
    )


def _connect_provider_setting(client: ForumClient) -> str:
    """Read enable_discourse_connect_provider from the admin site settings, "unknown" when not readable."""
    try:
        answer = client.get("/admin/site_settings.json", filter="enable_discourse_connect_provider") or {}
    except ForumError:
        return "unknown"
    for item in answer.get("site_settings") or [] if isinstance(answer, dict) else []:
        if isinstance(item, dict) and item.get("setting") == "enable_discourse_connect_provider":
            value = item.get("value")
            return "enabled" if value in (True, "true", "t") else "disabled"
    return "unknown"
