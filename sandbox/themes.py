"""Themes and theme components: the admin list and the zip import, as Discourse's Admin::ThemesController serves them.

Follows app/controllers/admin/themes_controller.rb (index renders `{"themes": [...], "extras": {...}}`; import takes
a `theme` file upload and answers 201 with the serialized theme) and app/serializers/theme_serializer.rb (id, name,
component, enabled, default, user_selectable, created_at/updated_at).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from flask import Response, request

from .api import _require_admin, api
from .errors import Unprocessable
from .http import json_response, state
from .serializers import iso


@api.get("/admin/themes.json")
def themes_index() -> Response:
    """GET /admin/themes.json: every installed theme and component, ordered by name."""
    _require_admin()
    forum = state()
    themes = sorted(forum.themes, key=lambda theme: theme["name"].lower())
    return json_response({"themes": themes, "extras": {"color_schemes": []}})


def _about_of(upload: bytes) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(io.BytesIO(upload)) as archive:
            name = next((n for n in archive.namelist() if n.endswith("about.json") and n.count("/") <= 1), None)
            if name is None:
                raise Unprocessable("about.json is missing")
            about = json.loads(archive.read(name).decode("utf-8"))
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unprocessable("Uploaded file is not a valid theme") from error
    if not isinstance(about, dict) or not about.get("name"):
        raise Unprocessable("about.json has no name")
    return about


@api.post("/admin/themes/import.json")
def themes_import() -> Response:
    """POST /admin/themes/import.json with a `theme` zip: install (or update the component of the same name)."""
    _require_admin()
    upload = request.files.get("theme")
    if upload is None:
        raise Unprocessable("Unknown file type, please upload a theme file")
    about = _about_of(upload.read())
    forum = state()
    with forum.lock:
        now = iso(forum.clock())
        existing = next((t for t in forum.themes if t["name"] == about["name"]), None)
        if existing is None:
            existing = {
                "id": max((t["id"] for t in forum.themes), default=1) + 1,
                "name": str(about["name"]),
                "created_at": now,
                "default": False,
                "user_selectable": False,
                "enabled": True,
            }
            forum.themes.append(existing)
        existing.update(component=bool(about.get("component", False)), updated_at=now)
    return json_response({"theme": existing}, status=201)
