"""The season form's weekly time blocks as rows of fields (name, from, to, weekdays), with an error per field."""

from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext as _

from companion.circles.common import BLOCK_KEY, DEFAULT_WEEKDAYS, parse_hhmm

EMPTY_ROWS = 1
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def block_key(label: str) -> str:
    """A stable key from a block's German name, e.g. "Früher Nachmittag" -> "frueher-nachmittag"."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", label.lower().translate(_UMLAUTS)).strip("-")
    return (slug or "block")[:20].rstrip("-")


def rows_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Form rows of stored blocks, plus an empty row for a new block."""
    rows = [
        {
            "key": str(b.get("key", "")),
            "label_de": str(b.get("label_de") or b.get("key", "")),
            "label_en": str(b.get("label_en", "")),
            "start": str(b.get("start", "")),
            "end": str(b.get("end", "")),
            "weekdays": list(b.get("weekdays") or DEFAULT_WEEKDAYS),
        }
        for b in blocks
    ]
    return rows + [{"key": "", "label_de": "", "label_en": "", "start": "", "end": "", "weekdays": []}] * EMPTY_ROWS


def posted_rows(form) -> list[dict[str, Any]]:
    """The rows as the admin filled them in (kept for the page shown again after an error)."""
    count = int(form.get("block_count", "0") or 0)
    return [
        {
            "key": form.get(f"block-{i}-key", "").strip(),
            "label_de": form.get(f"block-{i}-label_de", "").strip(),
            "label_en": form.get(f"block-{i}-label_en", "").strip(),
            "start": form.get(f"block-{i}-start", "").strip(),
            "end": form.get(f"block-{i}-end", "").strip(),
            "weekdays": [int(d) for d in form.getlist(f"block-{i}-weekdays") if d.isdigit() and 0 <= int(d) <= 6],
        }
        for i in range(min(count, 50))
    ]


def blocks_from_form(form, meeting_minutes: int) -> tuple[list[dict[str, Any]] | None, dict[str, str]]:
    """The time blocks from the rows, or from edited JSON (an import); errors keyed by field id."""
    raw = form.get("time_blocks", "").strip()
    if raw and raw != form.get("time_blocks_exported", "").strip():
        try:
            imported = json.loads(raw)
        except ValueError as error:
            return None, {"time_blocks": _("The JSON is not readable: %(error)s", error=str(error))}
        if not isinstance(imported, list):
            return None, {"time_blocks": _("Time blocks must be a JSON list.")}
        return imported, {}
    blocks: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for i, row in enumerate(posted_rows(form)):
        if not (row["label_de"] or row["start"] or row["end"]):
            continue  # an empty row
        field = f"block-{i}"
        if not row["label_de"]:
            errors[f"{field}-label_de"] = _("Please give the block a name.")
        key = row["key"] or block_key(row["label_de"])
        if not BLOCK_KEY.match(key) or key in seen:
            errors[f"{field}-label_de"] = _("Another block has this name already.")
        seen.add(key)
        times = {}
        for part in ("start", "end"):
            try:
                times[part] = parse_hhmm(row[part])
            except ValueError:
                errors[f"{field}-{part}"] = _("Please enter a time like 09:00.")
        if len(times) == 2:
            minutes = (times["end"].hour * 60 + times["end"].minute) - (
                times["start"].hour * 60 + times["start"].minute
            )
            if minutes <= 0:
                errors[f"{field}-end"] = _("The block must end after it starts.")
            elif minutes < meeting_minutes:
                errors[f"{field}-end"] = _(
                    "The block is shorter than one meeting (%(minutes)s minutes).", minutes=meeting_minutes
                )
        if not row["weekdays"]:
            errors[f"{field}-weekdays"] = _("Please choose at least one weekday.")
        blocks.append(
            {
                "key": key,
                "start": row["start"],
                "end": row["end"],
                "label_de": row["label_de"],
                "label_en": row["label_en"] or row["label_de"],
                "weekdays": sorted(set(row["weekdays"])),
            }
        )
    if not blocks and not errors:
        errors["block-0-label_de"] = _("The season needs at least one weekly time block.")
    return (None if errors else blocks), errors
