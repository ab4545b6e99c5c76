"""Display labels for codes the pages show: states, audit actions, job steps and the keys of counts and details.

Code keeps stable English codes; the pages show these (lazily translated) labels. A code without a label is
shown as it is, so a new state never breaks a page (the German page walk test catches it instead).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import format_decimal, lazy_gettext, lazy_pgettext
from flask_babel import gettext as _

from companion.suggestions.rule_texts import rule_label, value_text
from matching.suggestions.rules import RULES_BY_NAME

# States of seasons, circles, meetings, meetup seats, suggestions, outbox items and job runs.
STATE_LABELS: dict[str, Any] = {
    "draft": lazy_pgettext("state", "draft"),
    "open": lazy_pgettext("state", "open for sign-up"),
    "formed": lazy_pgettext("state", "formed, not yet published"),
    "preview": lazy_pgettext("state", "preview"),
    "published": lazy_pgettext("state", "published"),
    "closed": lazy_pgettext("state", "closed"),
    "scheduled": lazy_pgettext("state", "scheduled"),
    "moved": lazy_pgettext("state", "moved"),
    "cancelled": lazy_pgettext("state", "cancelled"),
    "left": lazy_pgettext("state", "left"),
    "confirmed": lazy_pgettext("state", "confirmed"),
    "offered": lazy_pgettext("state", "seat offered"),
    "waiting": lazy_pgettext("state", "waiting list"),
    "expired": lazy_pgettext("state", "expired"),
    "new": lazy_pgettext("state", "new"),
    "contacted": lazy_pgettext("state", "contact made"),
    "rejected": lazy_pgettext("state", "does not fit"),
    "talked": lazy_pgettext("state", "in conversation"),
    "ignored": lazy_pgettext("state", "no reaction"),
}

AUDIT_ACTIONS: dict[str, Any] = {
    "badge.allow_regrant": lazy_gettext("Badge may be granted again"),
    "badge.disable": lazy_gettext("Badge disabled"),
    "badge.enable": lazy_gettext("Badge enabled"),
    "badge.edit": lazy_gettext("Badge edited"),
    "circles.circle.leave": lazy_gettext("Member left a circle"),
    "circles.meeting.cancel": lazy_gettext("Meeting cancelled"),
    "circles.meeting.move": lazy_gettext("Meeting moved"),
    "circles.meetup.create": lazy_gettext("Meetup created"),
    "circles.season.closure_days": lazy_gettext("Closure days of a season changed"),
    "circles.season.create": lazy_gettext("Season created"),
    "circles.season.form": lazy_gettext("Circles formed"),
    "circles.season.publish": lazy_gettext("Season published"),
    "circles.season.republish": lazy_gettext("Missing season messages queued again"),
    "circles.season.status": lazy_gettext("Season status changed"),
    "circles.season.update": lazy_gettext("Season changed"),
    "organisations.alias_add": lazy_gettext("Organisation mapping added"),
    "organisations.alias_delete": lazy_gettext("Organisation mapping removed"),
    "organisations.assign": lazy_gettext("Members assigned to organisations again"),
    "organisations.mapping": lazy_gettext("Organisation sources changed"),
    "outbox.retry": lazy_gettext("Message sent again"),
    "camp.create": lazy_gettext("Camp created"),
    "camp.plan": lazy_gettext("Camp grid built"),
    "camp.post": lazy_gettext("Camp grid posted to the forum"),
    "rules.rollback": lazy_gettext("Matching rules rolled back"),
    "rules.save": lazy_gettext("Matching rules saved"),
    "templates.reset": lazy_gettext("Message template reset"),
    "templates.save": lazy_gettext("Message template saved"),
}

TEMPLATE_LABELS: dict[str, Any] = {
    "suggestions": lazy_gettext("New suggestions"),
    "introduction": lazy_gettext("Introduction of two members"),
    "meeting_check": lazy_gettext("“Did you meet?” question after an introduction"),
}

LANGUAGE_LABELS: dict[str, Any] = {
    "de": lazy_pgettext("language", "German"),
    "en": lazy_pgettext("language", "English"),
}

JOB_LABELS: dict[str, Any] = {
    "nightly": lazy_gettext("Nightly run"),
    "sync": lazy_gettext("Sync with the forum"),
    "match": lazy_gettext("Matching"),
    "badges": lazy_gettext("Badges"),
    "reminders": lazy_gettext("Circle reminders"),
    "deliver": lazy_gettext("Delivery"),
    "delivery": lazy_gettext("Delivery"),
}

# Keys of a run's counts and of audit details; a dotted count key ("deliver.sent") is "step: key".
DETAIL_LABELS: dict[str, Any] = {
    "already_queued": lazy_gettext("already queued"),
    "badge": lazy_gettext("badge"),
    "badges_seeded": lazy_gettext("badges in the catalogue"),
    "badges_to_create": lazy_gettext("badges to create in the forum"),
    "changed": lazy_gettext("changed"),
    "changes": lazy_gettext("changes"),
    "circles": lazy_gettext("circles"),
    "comment": lazy_gettext("comment"),
    "conflicts": lazy_gettext("clashes"),
    "left_out": lazy_gettext("sessions without a slot"),
    "dry_run": lazy_gettext("trial run only"),
    "due": lazy_gettext("members due"),
    "enabled": lazy_gettext("enabled"),
    "errors": lazy_gettext("errors"),
    "failed": lazy_gettext("failed"),
    "from": lazy_gettext("from"),
    "grants": lazy_gettext("grants"),
    "ignored": lazy_gettext("marked as ignored"),
    "interactions": lazy_gettext("interactions"),
    "invalid_badges": lazy_gettext("invalid badges"),
    "kind": lazy_gettext("kind"),
    "meetings": lazy_gettext("meetings"),
    "met_questions": lazy_gettext("“did you meet?” questions"),
    "member": lazy_gettext("member"),
    "members": lazy_gettext("members"),
    "name": lazy_gettext("name"),
    "paused": lazy_gettext("paused for ignoring"),
    "placed": lazy_gettext("placed"),
    "queued": lazy_gettext("queued"),
    "rate_limited": lazy_gettext("rate limited"),
    "remaining": lazy_gettext("still waiting"),
    "retried": lazy_gettext("retried"),
    "rolled_back_from": lazy_gettext("rolled back from version"),
    "sent": lazy_gettext("sent"),
    "skipped": lazy_gettext("skipped"),
    "status": lazy_gettext("status"),
    "stopped_early": lazy_gettext("stopped early"),
    "suggestions": lazy_gettext("suggestions"),
    "talked": lazy_gettext("already in conversation"),
    "to": lazy_gettext("to"),
    "value": lazy_gettext("value"),
    "to_version": lazy_gettext("to version"),
    "from_version": lazy_gettext("from version"),
    "version": lazy_gettext("version"),
    "waiting": lazy_gettext("waiting"),
}


def state_label(code: Any) -> str:
    """The page-language label of a state code (the code itself if it has none)."""
    text = str(code if code is not None else "")
    return str(STATE_LABELS[text]) if text in STATE_LABELS else text


def audit_action_label(action: str) -> str:
    """The page-language label of an audit action such as "rules.save"."""
    return str(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else action


def template_label(key: str) -> str:
    """The page-language name of a message template key."""
    return str(TEMPLATE_LABELS[key]) if key in TEMPLATE_LABELS else key


def language_label(code: str) -> str:
    """The page-language name of a language code ("de" -> "Deutsch")."""
    return str(LANGUAGE_LABELS[code]) if code in LANGUAGE_LABELS else code


# Audit subjects are written by code as "kind:id" or short English phrases; the pages word them.
_SUBJECTS = (
    (re.compile(r"^rule version (\d+)$"), lambda m: _("rule version %(number)s", number=m[1])),
    (re.compile(r"^outbox item (\d+)$"), lambda m: _("message %(number)s in the outbox", number=m[1])),
    (re.compile(r"^all members$"), lambda m: _("all members")),
    (re.compile(r"^season:(\d+)$"), lambda m: _("season %(number)s", number=m[1])),
    (re.compile(r"^circle:(\d+)$"), lambda m: _("circle %(number)s", number=m[1])),
    (re.compile(r"^meeting:(\d+)$"), lambda m: _("meeting %(number)s", number=m[1])),
    (re.compile(r"^meetup:(\d+)$"), lambda m: _("meetup %(number)s", number=m[1])),
    (re.compile(r"^badge:(.+)$"), lambda m: _("badge %(key)s", key=m[1])),
    (re.compile(r"^camp:(\d+)$"), lambda m: _("camp %(number)s", number=m[1])),
    (re.compile(r"^member:(.+)$"), lambda m: _("member %(name)s", name=m[1])),
)


def audit_subject_label(subject: str) -> str:
    """The page-language wording of an audit subject such as "season:1" or "rule version 3"."""
    for pattern, word in _SUBJECTS:
        match = pattern.match(subject or "")
        if match:
            return str(word(match))
    return subject or ""


def job_label(name: str) -> str:
    """The page-language label of a job or step name such as "nightly" or "deliver"."""
    return str(JOB_LABELS[name]) if name in JOB_LABELS else name


def detail_label(key: str) -> str:
    """The page-language label of a count or detail key; "deliver.sent" reads "Delivery: sent"."""
    if "." in key:
        step, rest = key.split(".", 1)
        return f"{job_label(step)}: {detail_label(rest)}"
    return str(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key


def detail_value(value: Any) -> str:
    """A count or detail value as readable text: yes/no, local number format, lists joined, umlauts kept."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return str(format_decimal(value))
    if value is None:
        return "–"
    if isinstance(value, str):
        return state_label(value) if value in STATE_LABELS else value
    if isinstance(value, (list, tuple)) and value and all(_is_rule_change(item) for item in value):
        return "; ".join(
            f"{rule_label(c['rule'])}: {rule_value(c['rule'], c['before'])} → {rule_value(c['rule'], c['after'])}"
            for c in value
        )
    if isinstance(value, (list, tuple)) and all(isinstance(item, (str, int, float)) for item in value):
        return ", ".join(detail_value(item) for item in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _is_rule_change(item: Any) -> bool:
    return isinstance(item, Mapping) and {"rule", "before", "after"} <= set(item)


def rule_value(name: str, value: Any) -> str:
    """A matching rule's value as the pages show it."""
    return value_text(RULES_BY_NAME.get(name), value)


def detail_rows(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) rows of a details or counts mapping, in key order."""
    return [(detail_label(key), detail_value(value)) for key, value in sorted((details or {}).items())]


def seconds_text(seconds: float | None) -> str:
    """A duration in seconds with one decimal in the page's number format ("30,3 s")."""
    if seconds is None:
        return "–"
    return _("%(seconds)s s", seconds=format_decimal(round(seconds, 1), format="#,##0.0"))


def meeting_place(location: str | None) -> str:
    """Where a meeting takes place in the page language: "online" or "on site: <host organisation>"."""
    place = (location or "").strip()
    if place.lower() == "online":
        return _("online")
    # Places stored before the host became the place read "Vor Ort: <host>" already.
    place = place.removeprefix("Vor Ort:").strip()
    return _("on site: %(place)s", place=place) if place else _("on site")


def install_labels(app: Flask) -> None:
    """Make the label helpers available to every template."""
    app.add_template_filter(state_label, "state_label")
    app.add_template_filter(audit_action_label, "audit_action")
    app.add_template_filter(audit_subject_label, "audit_subject")
    app.add_template_filter(job_label, "job_label")
    app.add_template_filter(detail_rows, "detail_rows")
    app.add_template_filter(seconds_text, "seconds")
    app.add_template_filter(meeting_place, "meeting_place")
    app.add_template_filter(template_label, "template_label")
    app.add_template_filter(language_label, "language_label")
