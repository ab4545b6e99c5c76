"""Mapping members to organisations: by forum group, user field or e-mail domain, as admins configure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import ConfigEntry, Member, MemberField, Organisation, OrganisationAlias

CONFIG_KEY = "organisation_mapping"
SOURCES = ("group", "user_field", "email_domain")
DEFAULT_MAPPING = {
    # The order in which sources are tried; the first that knows a member wins.
    "order": ["group", "user_field", "email_domain"],
    # The user field whose value names the organisation (when that source is used).
    "user_field": "Verwaltung",
    # Create organisations automatically from groups that enrol by e-mail domain and from user-field values.
    "auto_create": True,
}


@dataclass(frozen=True)
class MemberFacts:
    """What the mapping looks at for one member."""

    groups: tuple[str, ...]
    fields: dict[str, str]
    email: str | None


def mapping_config(session: Session) -> dict[str, Any]:
    """The admins' mapping configuration, with defaults for what they did not set."""
    entry = session.get(ConfigEntry, CONFIG_KEY)
    config = dict(DEFAULT_MAPPING)
    if entry is not None:
        config.update(entry.value)
    return config


def save_mapping_config(session: Session, actor: str, order: list[str], user_field: str, auto_create: bool) -> None:
    """Store a new mapping configuration after validating the sources."""
    unknown = [source for source in order if source not in SOURCES]
    if unknown or not order:
        raise ValueError("sources must be a non-empty list of: " + ", ".join(SOURCES))
    value = {"order": order, "user_field": user_field.strip(), "auto_create": bool(auto_create)}
    entry = session.get(ConfigEntry, CONFIG_KEY)
    if entry is None:
        session.add(ConfigEntry(key=CONFIG_KEY, value=value, updated_by=actor))
    else:
        entry.value = value
        entry.updated_by = actor


def slugify(text: str) -> str:
    """A stable key for an organisation name ("Stadt Lünen" -> "stadt-luenen")."""
    text = text.strip().lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "org"


def ensure_organisation(session: Session, name: str, alias_kind: str, alias_value: str) -> Organisation:
    """The organisation behind an alias, created with that alias when it does not exist."""
    alias = session.scalar(
        select(OrganisationAlias).where(OrganisationAlias.kind == alias_kind, OrganisationAlias.value == alias_value)
    )
    if alias is not None:
        return alias.organisation
    key = slugify(name)
    organisation = session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is None:
        organisation = Organisation(key=key, name=name.strip())
        session.add(organisation)
        session.flush()
    session.add(OrganisationAlias(organisation_id=organisation.id, kind=alias_kind, value=alias_value))
    session.flush()
    return organisation


def register_group(session: Session, group_name: str, full_name: str | None, email_domains: tuple[str, ...]) -> None:
    """Treat a forum group that enrols by e-mail domain as an organisation (when auto-create is on)."""
    if not email_domains or not mapping_config(session)["auto_create"]:
        return
    organisation = ensure_organisation(session, full_name or group_name, "group", group_name)
    for domain in email_domains:
        exists = session.scalar(
            select(OrganisationAlias).where(
                OrganisationAlias.kind == "email_domain", OrganisationAlias.value == domain.lower()
            )
        )
        if exists is None:
            session.add(OrganisationAlias(organisation_id=organisation.id, kind="email_domain", value=domain.lower()))
    session.flush()


class OrganisationResolver:
    """Resolves members to organisations with the aliases loaded once (fast for full syncs)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.config = mapping_config(session)
        self.aliases: dict[tuple[str, str], int] = {
            (alias.kind, alias.value): alias.organisation_id for alias in session.scalars(select(OrganisationAlias))
        }

    def resolve(self, facts: MemberFacts) -> tuple[int | None, str | None]:
        """The organisation id and the source that decided it, or (None, None)."""
        for source in self.config["order"]:
            found = self._by_source(source, facts)
            if found is not None:
                return found, source
        return None, None

    def _by_source(self, source: str, facts: MemberFacts) -> int | None:
        if source == "group":
            for group in facts.groups:
                if ("group", group) in self.aliases:
                    return self.aliases[("group", group)]
        elif source == "user_field":
            value = (facts.fields.get(self.config["user_field"]) or "").strip()
            if not value:
                return None
            if ("user_field", value) not in self.aliases and self.config["auto_create"]:
                organisation = ensure_organisation(self.session, value, "user_field", value)
                self.aliases[("user_field", value)] = organisation.id
            return self.aliases.get(("user_field", value))
        elif source == "email_domain" and facts.email and "@" in facts.email:
            domain = facts.email.rsplit("@", 1)[1].lower()
            return self.aliases.get(("email_domain", domain))
        return None


def assign_organisations(session: Session) -> int:
    """Re-resolve every member's organisation after the mapping changed; returns how many changed."""
    resolver = OrganisationResolver(session)
    changed = 0
    fields: dict[int, dict[str, str]] = {}
    for field in session.scalars(select(MemberField)):
        fields.setdefault(field.member_id, {})[field.name] = field.value
    for member in session.scalars(select(Member)):
        facts = MemberFacts(
            groups=tuple(m.group.name for m in member.group_memberships),
            fields=fields.get(member.id, {}),
            email=member.email,
        )
        organisation_id, source = resolver.resolve(facts)
        if (organisation_id, source) != (member.organisation_id, member.organisation_source):
            member.organisation_id, member.organisation_source = organisation_id, source
            changed += 1
    return changed
