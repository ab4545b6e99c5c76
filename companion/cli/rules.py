"""`companion rules`: show, change (with a dry run), list and roll back the matching rules."""

from __future__ import annotations

import click
from sqlalchemy import select

from companion.cli.base import pass_context


@click.group()
def rules() -> None:
    """The admins' matching rules: versioned, validated and audited.

    \b
    Examples:
      companion rules show
      companion rules set org_mode=require_other --dry-run
      companion rules set suggestions_per_member=4 --comment "more suggestions"
      companion rules rollback 3
    """


@rules.command("show")
@pass_context()
def show(context) -> None:
    """Show every rule with its value, accepted range and help.

    \b
    Example:
      companion rules show
    """
    from companion.suggestions.rule_texts import accepted_text, rule_help
    from companion.suggestions.rules import current_rules
    from matching.suggestions.rules import RULES

    with context.store.transaction() as session:
        version, current = current_rules(session)
    click.echo(f"rule version: {version.id if version else 'defaults'}")
    for spec in RULES:
        click.echo(f"{spec.name} = {getattr(current, spec.name)!r}  ({accepted_text(spec)}; default {spec.default!r})")
        click.echo(f"    {rule_help(spec.name)}")


def _parse_assignments(assignments: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise click.BadParameter(f"{assignment!r} is not NAME=VALUE", param_hint="ASSIGNMENTS")
        values[name.strip()] = value
    return values


@rules.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Show what the change would do on today's data; save nothing.")
@click.option("--comment", default="", help="Why the rules change (kept in the audit log).")
@click.option("--actor", default="cli", show_default=True, help="Name recorded in the audit log.")
@pass_context()
def set_rules(context, assignments: tuple[str, ...], dry_run: bool, comment: str, actor: str) -> None:
    """Change rules (NAME=VALUE ...); with --dry-run only show the effect.

    Lists such as excluded_groups take comma-separated names.

    \b
    Examples:
      companion rules set org_mode=require_other other_org_bonus=0.3 --dry-run
      companion rules set excluded_groups=staff,bots --comment "no staff suggestions"
    """
    from companion.suggestions.planning import network_today
    from companion.suggestions.rule_texts import problem_text
    from companion.suggestions.rules import RuleError, preview, save_rules

    values = _parse_assignments(assignments)
    try:
        if dry_run:
            result = preview(context.store, values, network_today(context.settings))
            for rule, before, after in result.changes:
                click.echo(f"{rule}: {before!r} -> {after!r}")
            click.echo(
                f"with these rules {result.members_with_suggestions} of {result.eligible} members get suggestions "
                f"(now {result.current_members_with_suggestions}); {result.cross_org_share:.0%} cross-organisation "
                f"(now {result.current_cross_org_share:.0%}); top-exposed member suggested {result.max_exposure} times "
                f"(now {result.current_max_exposure}); {result.pairs_added} pairs added, {result.pairs_removed} removed"
            )
            return
        with context.store.transaction() as session:
            version = save_rules(session, actor, values, comment)
            click.echo(f"saved as rule version {version.id}")
    except RuleError as error:
        for problem in error.problems:
            click.echo(f"Error: {problem.rule}: {problem_text(problem)}", err=True)
        raise SystemExit(2) from None


@rules.command("history")
@pass_context()
def history(context) -> None:
    """List the saved rule versions, newest first.

    \b
    Example:
      companion rules history
    """
    from companion.store.models import RuleVersion

    with context.store.transaction() as session:
        for version in session.scalars(select(RuleVersion).order_by(RuleVersion.id.desc())):
            click.echo(
                f"{version.id}  {version.created_at:%Y-%m-%d %H:%M}  {version.created_by}  {_history_comment(version)}"
            )


@rules.command("rollback")
@click.argument("version_id", type=int)
@click.option("--actor", default="cli", show_default=True, help="Name recorded in the audit log.")
@pass_context()
def rollback_command(context, version_id: int, actor: str) -> None:
    """Make an earlier rule version current again (saved as a new version).

    \b
    Example:
      companion rules rollback 3
    """
    from companion.suggestions.rules import rollback

    with context.store.transaction() as session:
        try:
            version = rollback(session, actor, version_id)
        except LookupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"rule version {version_id} is current again as version {version.id}")


def register(main: click.Group) -> None:
    main.add_command(rules)


def _history_comment(version) -> str:
    if version.rolled_back_from:
        return f"rollback to version {version.rolled_back_from}" + (f" ({version.comment})" if version.comment else "")
    return version.comment or ""
