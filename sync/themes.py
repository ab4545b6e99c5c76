"""The forum's installed themes and theme components (`GET /admin/themes.json`, admin only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.client import ForumClient


@dataclass(frozen=True)
class ForumTheme:
    """One theme or theme component as Discourse's ThemeSerializer lists it."""

    id: int
    name: str
    component: bool
    enabled: bool


def read_themes(client: ForumClient) -> list[ForumTheme]:
    """Every theme of the forum (app/controllers/admin/themes_controller.rb#index: `{"themes": [...]}`)."""
    body: Any = client.get("/admin/themes.json")
    themes = body.get("themes", []) if isinstance(body, dict) else []
    return [
        ForumTheme(
            id=int(theme["id"]),
            name=str(theme.get("name", "")),
            component=bool(theme.get("component", False)),
            # Older forums have no "enabled" flag: a listed theme counts as enabled there.
            enabled=bool(theme.get("enabled", True)),
        )
        for theme in themes
        if isinstance(theme, dict) and "id" in theme
    ]
