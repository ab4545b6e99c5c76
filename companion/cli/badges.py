"""`companion badges`: award badges, show the catalogue and a member's progress, and admin actions."""

from __future__ import annotations

import json

import click

from companion.audit.entries import record
from companion.badges.awarding import award_badges
from companion.badges.catalogue import all_badges, allow_regrant, seed_defaults, set_enabled
from companion.badges.progress import find_member, member_badges
from companion.cli.base import pass_context

CLI_ACTOR = "cli"


def _audit(session, action: str, subject: str, details: dict) -> None:
    record(session, CLI_ACTOR, action, subject, details)


def print_report(report) -> None:
    """Print an awarding report line by line: who gets what and why."""
    verb = "would grant" if report.dry_run else "queued"
    if report.seeded:
        click.echo(f"default badges {'to seed' if report.dry_run else 'seeded'}: {', '.join(report.seeded)}")
    if report.badges_to_create:
        click.echo(f"badges to create in the forum: {', '.join(report.badges_to_create)}")
    for grant in report.grants:
        evidence = f" ({grant.evidence_url})" if grant.evidence_url else ""
        click.echo(
            f"{verb}: {grant.username} <- {grant.badge_name_de} [{grant.badge_key}]: {grant.reason_en}{evidence}"
        )
    for skipped in report.skipped:
        click.echo(f"skipped: {skipped.username or skipped.member_id} <- {skipped.badge_key}: {skipped.reason}")
    click.echo(
        f"{len(report.grants)} grant(s) {'planned' if report.dry_run else 'queued'}, {len(report.skipped)} skipped, "
        f"{report.members} members, {report.interactions} interactions"
        + (" (dry run: nothing was sent or stored)" if report.dry_run else "")
    )


@click.group()
def badges() -> None:
    """Cross-organisation badges: award them, show the catalogue and members' progress.

    \b
    Example:
      companion badges award --dry-run      show who would get which badge and why
      companion badges list                 show the catalogue
    """


@badges.command("award")
@click.option("--dry-run", is_flag=True, help="Only print who would get what and why; store and send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context()
def award(context, dry_run: bool, as_json: bool) -> None:
    """Evaluate every enabled badge and queue the new grants in the outbox (part of the nightly run).

    Grants are sent by the outbox delivery (`companion worker` or the nightly
    run); a member never gets the same badge twice, and a badge revoked in the
    forum is not granted again unless an admin allows it.

    \b
    Example:
      companion badges award --dry-run
      companion badges award
    """
    from companion.ops.progress import progress_for

    with progress_for(context.settings) as progress:
        report = award_badges(context, dry_run=dry_run, progress=progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print_report(report)


@badges.command("list")
@pass_context()
def list_badges(context) -> None:
    """List the badge catalogue: key, names, type, rule, parameters, enabled and forum id.

    Missing default badges are seeded first.

    \b
    Example:
      companion badges list
    """

    with context.store.transaction() as session:
        seed_defaults(session)
        for badge in all_badges(session):
            state = "enabled" if badge.enabled else "disabled"
            forum = f"forum #{badge.forum_badge_id}" if badge.forum_badge_id else "not in forum yet"
            params = json.dumps(badge.params, sort_keys=True)
            click.echo(
                f"{badge.key}: {badge.name_de} / {badge.name_en} [{badge.badge_type}"
                f"{', multiple' if badge.multiple_grant else ''}] rule={badge.rule} {params} ({state}, {forum})"
            )


@badges.command("progress")
@click.argument("username")
@pass_context()
def progress(context, username: str) -> None:
    """Show a member's earned badges and progress towards the others.

    \b
    Example:
      companion badges progress anna.schmidt
    """

    with context.store.transaction() as session:
        member = find_member(session, username)
        for status in member_badges(session, member.id, forum_url=context.settings.forum_url):
            mark = (
                "earned" if status.earned else ("revoked" if status.revoked else f"{status.current} of {status.target}")
            )
            click.echo(f"{status.badge.key}: {status.badge.name_de} / {status.badge.name_en}: {mark}")


def _toggle(context, badge_key: str, enabled: bool) -> None:

    with context.store.transaction() as session:
        changed = set_enabled(session, badge_key, enabled)
        if changed:
            _audit(session, "badge.enable" if enabled else "badge.disable", f"badge:{badge_key}", {"enabled": enabled})
    click.echo(f"{badge_key}: {'enabled' if enabled else 'disabled'}{'' if changed else ' (unchanged)'}")


@badges.command("enable")
@click.argument("badge_key")
@pass_context()
def enable(context, badge_key: str) -> None:
    """Enable a badge so the nightly run awards it again (audited).

    \b
    Example:
      companion badges enable bridge_builder
    """
    _toggle(context, badge_key, True)


@badges.command("disable")
@click.argument("badge_key")
@pass_context()
def disable(context, badge_key: str) -> None:
    """Disable a badge: nobody is granted it until it is enabled again (audited).

    \b
    Example:
      companion badges disable bridge_builder
    """
    _toggle(context, badge_key, False)


@badges.command("allow-regrant")
@click.argument("username")
@click.argument("badge_key")
@pass_context()
def allow_regrant_command(context, username: str, badge_key: str) -> None:
    """Allow granting a badge again that was revoked from a member in the forum (audited).

    \b
    Example:
      companion badges allow-regrant anna.schmidt bridge_builder
    """

    with context.store.transaction() as session:
        member = find_member(session, username)
        changed = allow_regrant(session, member.id, badge_key)
        if changed:
            _audit(session, "badge.allow_regrant", f"member:{member.username}", {"badge": badge_key})
    if changed:
        click.echo(f"{member.username} may be granted {badge_key} again with the next award run")
    else:
        click.echo(f"{member.username} has no revoked grant of {badge_key}: nothing changed")


def register(main: click.Group) -> None:
    """Add the `badges` command group to the CLI."""
    main.add_command(badges)
