"""An entered (unsaved) message template rendered for a real member, or why it cannot be, per form field."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from companion.messages import templates as service
from companion.store.models import Member
from companion.suggestions.feedback import preview_values
from companion.web import get_context, get_store

# What a click on a list-valued placeholder inserts: a loop, since {{ suggestions }} alone prints a Python list.
SNIPPETS = {
    "suggestions": (
        "{% for s in suggestions %}\n- {{ s.name }} ({{ s.organisation }}): {{ s.explanation }}\n{% endfor %}\n"
    ),
}
# The fields of one item inside such a loop, offered as placeholders of their own.
ITEM_FIELDS = {"suggestions": ("s.name", "s.organisation", "s.explanation", "s.profile_url")}


@dataclass(frozen=True)
class FieldError:
    """Why one field ("title", "body" or "username") keeps the preview from rendering."""

    message: str
    detail: str = ""


@dataclass(frozen=True)
class Preview:
    """The rendered title and body for a member, or the errors by field (then title and body are empty)."""

    username: str
    title: str = ""
    body: str = ""
    errors: dict[str, FieldError] = field(default_factory=dict)


def placeholders(key: str) -> list[tuple[str, str]]:
    """(shown text, inserted text) for every placeholder the template may use, item fields after their list."""
    found = []
    for name in service.DEFAULTS[key].variables:
        snippet = SNIPPETS.get(name)
        found.append(("{% for s in " + name + " %}…{% endfor %}", snippet) if snippet else (_tag(name), _tag(name)))
        found.extend((_tag(item), _tag(item)) for item in ITEM_FIELDS.get(name, ()))
    return found


def _tag(name: str) -> str:
    return "{{ " + name + " }}"


def preview(key: str, locale: str, title: str, body: str, username: str, fallback_username: str) -> Preview:
    """Render the entered title and body for the member (the admin when no username is given); writes nothing."""
    username = username or fallback_username
    settings = get_context().settings
    with get_store().session() as db:
        member_id = db.scalar(select(Member.id).where(Member.username == username))
        if member_id is None:
            return Preview(username, errors={"username": FieldError(_("There is no member with this username."))})
        values = preview_values(db, key, locale, member_id, settings.forum_url or "", settings.base_url)
    try:
        # The entered source, not the stored one: rendered directly, so a preview never takes a write lock.
        title, body = service.render(title, body, values)
    except service.TemplateInvalid as error:
        return Preview(username, errors={error.field: FieldError(str(error), error.detail)})
    return Preview(username, title, body)
