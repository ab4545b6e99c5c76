"""`companion check`'s line about the theme component: is it installed and enabled in the forum?"""

from __future__ import annotations

from companion.ops.diagnostics import CheckResult
from companion.theme.bundle import component_name
from sync.client import ForumClient
from sync.errors import ForumError
from sync.themes import read_themes


def check_theme_component(client: ForumClient) -> CheckResult:
    """OK when the companion's component is installed and enabled, WARN otherwise (members then lack the links)."""
    name = component_name()
    try:
        themes = read_themes(client)
    except ForumError as error:
        return CheckResult("theme component", "WARN", f"could not read /admin/themes.json: {error}")
    found = [theme for theme in themes if theme.component and theme.name == name]
    if not found:
        return CheckResult(
            "theme component",
            "WARN",
            f"“{name}” is not installed: build it with `companion theme build` and import the zip in the "
            "forum's admin (Customize → Themes → Install); members then find the companion in the sidebar",
        )
    if not any(theme.enabled for theme in found):
        return CheckResult("theme component", "WARN", f"“{name}” is installed but disabled")
    return CheckResult("theme component", "OK", f"“{name}” is installed (theme id {found[0].id})")
