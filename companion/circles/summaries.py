"""At season end, members who opted in publish a summary of their Vorhaben as a forum topic, once each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles.errors import PublishRefused
from companion.messages.gettext import text_in
from companion.messages.markdown import escape_markdown, escape_markdown_text, plain_line
from companion.outbox.delivery import enqueue_once
from companion.settings import Settings
from companion.store.models import Circle, Member, Project, Season


def summary_key(project: Project) -> str:
    """The outbox key of a Vorhaben's summary topic (one topic per Vorhaben, ever)."""
    return f"vorhaben-summary:{project.id}"


def summary_topic(project: Project, member: Member, season: Season, locale: str = "de") -> tuple[str, str]:
    """Title and Markdown of the summary topic, in the network's language (a topic everyone reads)."""
    first_line = project.what.splitlines()[0][:120]
    title = text_in(locale, "Vorhaben from the circle: %(what)s", what=plain_line(first_line))
    parts = [
        text_in(
            locale,
            "**%(member)s** worked on this Vorhaben in the season “%(season)s”:",
            member=escape_markdown(member.name or member.username),
            season=escape_markdown(season.name),
        ),
        f"> {escape_markdown(project.what)}",
    ]
    if project.why:
        parts.append(text_in(locale, "**Why:** %(why)s", why=escape_markdown(project.why)))
    if project.summary:
        heading = text_in(locale, "**What came of it:**")
        parts.append(f"{heading}\n\n{escape_markdown_text(project.summary)}")
    return title, "\n\n".join(parts)


def publish_summaries(session: Session, season: Season, settings: Settings) -> int:
    """Queue one topic per opted-in Vorhaben of the season; returns how many were newly queued."""
    category_id = settings.sharing_category_id
    if not category_id:
        raise PublishRefused("COMPANION_SHARING_CATEGORY_ID is not set: name the forum category for the summaries")
    projects = session.scalars(
        select(Project)
        .join(Circle, Circle.id == Project.circle_id)
        .where(Circle.season_id == season.id, Project.publish_summary.is_(True))
        .order_by(Project.id)
    ).all()
    queued = 0
    for project in projects:
        member = session.get(Member, project.member_id)
        if member is None:
            continue
        title, raw = summary_topic(project, member, season, settings.default_locale)
        _, created = enqueue_once(
            session,
            key=summary_key(project),
            kind="topic",
            payload={"title": title, "raw": raw, "category_id": category_id, "tags": ["vorhaben"]},
            member_id=member.id,
        )
        queued += created
    return queued
