"""Build the theme component's zip with the companion's address, as Discourse's admin imports it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

COMPONENT = Path(__file__).resolve().parent / "component"
PLACEHOLDER = "__COMPANION_URL__"


def component_name() -> str:
    """The component's name as the forum lists it (from about.json)."""
    return str(json.loads((COMPONENT / "about.json").read_text(encoding="utf-8"))["name"])


def component_files() -> list[Path]:
    """Every file of the component, in a stable order."""
    return sorted(path for path in COMPONENT.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def build_zip(companion_url: str, output: Path) -> Path:
    """Write the component as a zip whose companion_url setting defaults to the given address."""
    url = companion_url.rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"the companion's address must start with https:// or http://, got {companion_url!r}")
    output.parent.mkdir(parents=True, exist_ok=True)
    # Discourse expects the component's files under one top-level folder of the archive.
    root = "companion-theme"
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in component_files():
            relative = path.relative_to(COMPONENT).as_posix()
            text = path.read_text(encoding="utf-8")
            if relative == "settings.yml":
                text = text.replace(PLACEHOLDER, url)
            archive.writestr(f"{root}/{relative}", text)
    return output
