"""Seed a deterministic sample network of NRW administrations with members, posts, tags and likes."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from .models import User
from .state import ForumState
from .text import transliterate

# Seeded content is dated relative to a fixed moment so that a seed always gives the same network.
SEED_REFERENCE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SYSTEM_DOMAIN = "verwaltungsrebellen.example"
# Accounts every seeded forum has besides its members (see _create_non_members).
NON_MEMBER_ACCOUNTS = ("discobot", "gast.postfach", "nie.aktiviert", "anon5f3a9c2e")
INTEREST_WEIGHTS = (10, 7, 5, 8, 6, 9, 4, 5, 7, 5, 6, 3, 3)
CATEGORIES = (
    ("Allgemein", "Alles rund um das Netzwerk der Verwaltungsrebellen.", "0088CC", 0.2),
    ("Austausch", "Fachlicher Austausch zwischen den Verwaltungen.", "3AB54A", 0.6),
    ("Zirkel", "Organisation und Berichte der Zirkel.", "F7941D", 0.1),
    ("Veranstaltungen", "Meetups, Barcamps und Termine.", "BF1E2E", 0.1),
)
FACHBEREICHE = (
    "Digitalisierung",
    "Organisation",
    "Personal",
    "Bürgerdienste",
    "Umwelt",
    "Stadtentwicklung",
    "IT",
    "Finanzen",
    "Soziales",
    "Bildung",
)
GERMAN_OPENERS = (
    "Bei uns {in_org} beschäftigen wir uns gerade intensiv mit {kw}.",
    "Wir stehen {in_org} noch am Anfang, was {kw} angeht.",
    "Hat jemand Erfahrungen mit {kw}? Wir diskutieren das {in_org} gerade.",
    "Kurzer Zwischenstand zum Thema {kw}, diesmal {in_org}.",
)
GERMAN_MIDDLES = (
    "Besonders spannend finde ich die Verbindung zu {kw2}.",
    "Die größte Hürde ist bei uns im Moment {kw2}.",
    "Wir haben dazu einen kleinen Arbeitskreis gegründet, der sich auch um {kw2} kümmert.",
    "Mich würde interessieren, wie andere Kommunen {kw2} organisieren.",
    "Ein Pilot zu {kw2} läuft seit ein paar Wochen, erste Ergebnisse sind vielversprechend.",
)
GERMAN_CLOSERS = (
    "Über einen Austausch würde ich mich sehr freuen!",
    "Gerne können wir uns auch mal per Video zusammenschalten.",
    "Ich teile gern unsere Unterlagen, meldet euch einfach.",
    "Wer hat Lust, das gemeinsam weiterzudenken?",
    "",
)
GERMAN_REPLIES = (
    "Danke für den Beitrag! Bei uns {in_org} sieht es ähnlich aus, vor allem bei {kw}.",
    "Spannend. Wir haben {in_org} gute Erfahrungen mit {kw} gemacht.",
    "Das Thema {kw} treibt uns auch um. Vielleicht können wir uns dazu austauschen?",
    "Sehr hilfreich, danke! Wie habt ihr {kw} mit dem Personalrat abgestimmt?",
    "Wir sind {in_org} einen etwas anderen Weg gegangen und haben mit {kw} begonnen.",
    "+1, genau diese Frage zu {kw} stellen wir uns {in_org} auch gerade.",
)
GERMAN_BIOS = (
    "Ich arbeite {bei_org} im Bereich {fb} und kümmere mich vor allem um {kw}. "
    "Außerdem interessiere ich mich für {kw2}.",
    "Verwaltungsrebell:in {aus_org}. Mein Herzensthema: {kw}. Gern vernetze ich mich zu {kw2}.",
    "Seit einigen Jahren {in_org} ({fb}). Schwerpunkt {kw}, daneben {kw2}.",
    "{fb} {in_org}. Ich bringe {kw} voran und suche Austausch zu {kw2} mit anderen Kommunen.",
)
ENGLISH_BIO = "I work for {org} ({fb}) and focus on {en}. Happy to connect with colleagues from other administrations."


def _in(org_name: str) -> str:
    """German 'in' with the right article: 'im Kreis Wesel', 'in der Stadt Essen'."""
    return f"im {org_name}" if org_name.startswith("Kreis") else f"in der {org_name}"


def _bei(org_name: str) -> str:
    """German 'bei' with the right article: 'beim Kreis Wesel', 'bei der Stadt Essen'."""
    return f"beim {org_name}" if org_name.startswith("Kreis") else f"bei der {org_name}"


def _aus(org_name: str) -> str:
    """German 'aus' with the right article: 'aus dem Kreis Wesel', 'aus der Stadt Essen'."""
    return f"aus dem {org_name}" if org_name.startswith("Kreis") else f"aus der {org_name}"


@dataclass
class Organisation:
    """An administration of the seeded network with its forum group and e-mail domain."""

    name: str
    group: str
    domain: str
    weight: float


@dataclass
class SeedSummary:
    """What the seed created, including the latent interest groups as ground truth for tests."""

    organisations: list[Organisation]
    interests_by_username: dict[str, list[str]] = field(default_factory=dict)
    organisation_by_username: dict[str, str] = field(default_factory=dict)
    admins: list[str] = field(default_factory=list)
    moderators: list[str] = field(default_factory=list)


@cache
def _load(name: str) -> Any:
    return json.loads(resources.files("sandbox").joinpath("data", name).read_text(encoding="utf-8"))


def organisations(count: int) -> list[Organisation]:
    """The first `count` administrations of the sample list, with made-up extra ones beyond it."""
    known = [Organisation(o["name"], o["group"], o["domain"], o["weight"]) for o in _load("organisations.json")]
    extra = [
        Organisation(f"Gemeinde Beispielstadt {n}", f"gemeinde-beispiel-{n}", f"beispielstadt{n}.example", 2)
        for n in range(1, max(0, count - len(known)) + 1)
    ]
    return (known + extra)[:count]


class _NetworkSeeder:
    """Builds the network step by step with one random generator."""

    def __init__(
        self, state: ForumState, members: int, organisation_count: int, seed: int, reference: datetime | None = None
    ) -> None:
        self.state = state
        self.reference = reference or SEED_REFERENCE
        self.rng = random.Random(seed)
        self.members = members
        self.orgs = organisations(organisation_count)
        self.interests = _load("interests.json")
        self.names = _load("names.json")
        self.summary = SeedSummary(organisations=self.orgs)
        self.pool: dict[str, list[User]] = {i["key"]: [] for i in self.interests}
        self.interests_of: dict[int, list[dict[str, Any]]] = {}
        self.org_of: dict[int, Organisation] = {}
        self.posters: list[User] = []

    def run(self) -> SeedSummary:
        state = self.state
        state.seeding = True
        try:
            self._define_structure()
            self._create_members()
            self._create_badges()
            self._create_activity()
            self._create_private_messages()
            self._create_ignores()
            self._create_non_members()
        finally:
            state.seeding = False
        return self.summary

    def _define_structure(self) -> None:
        state = self.state
        state.add_user_field(
            "Verwaltung", "dropdown", "Bei welcher Verwaltung arbeitest du?", [o.name for o in self.orgs]
        )
        state.add_user_field("Arbeitsschwerpunkt", "text", "Woran arbeitest du gerade vor allem?")
        state.add_user_field("Fachbereich", "dropdown", "In welchem Fachbereich bist du tätig?", list(FACHBEREICHE))
        self.categories = {
            name: state.add_category(name, description, color) for name, description, color, _ in CATEGORIES
        }
        # Discourse's system user has id -1; the admin list's "active" flag lists it too.
        state.create_user(
            "system",
            "system",
            f"system@{SYSTEM_DOMAIN}",
            admin=True,
            trust_level=4,
            created_at=self.reference - timedelta(days=800),
            locale="de",
            user_id=-1,
        )
        for org in self.orgs:
            state.create_group(
                org.group,
                full_name=org.name,
                automatic_membership_email_domains=org.domain,
                bio_raw=f"Mitglieder der {org.name} im Netzwerk der Verwaltungsrebellen.",
                visibility_level=0,
                messageable_level=3,
                mentionable_level=3,
            )

    def _unique_username(self, first: str, last: str) -> str:
        base = transliterate(f"{first}.{last}").lower()
        base = "".join(c for c in base if c.isalnum() or c in "._-")
        base = base.encode("ascii", "ignore").decode()[:17]
        candidate, n = base, 1
        while self.state.find_user(candidate) is not None:
            n += 1
            candidate = f"{base}{n}"
        return candidate

    def _create_members(self) -> None:
        rng, state = self.rng, self.state
        org_weights = [o.weight for o in self.orgs]
        interest_weights = [INTEREST_WEIGHTS[i % len(INTEREST_WEIGHTS)] for i in range(len(self.interests))]
        # A few staff accounts spread over the administrations: two admins, three moderators.
        staff_roles = ["admin", "admin", "moderator", "moderator", "moderator"][: max(0, self.members // 20)]
        for index in range(self.members):
            org = self.orgs[index] if index < len(self.orgs) else rng.choices(self.orgs, org_weights)[0]
            first, last = rng.choice(self.names["first"]), rng.choice(self.names["last"])
            username = self._unique_username(first, last)
            chosen = [rng.choices(self.interests, interest_weights)[0]]
            if rng.random() < 0.4:
                second = rng.choices(self.interests, interest_weights)[0]
                if second is not chosen[0]:
                    chosen.append(second)
            roll = rng.random()
            staged = roll < 0.02 and index >= len(self.orgs)
            role = staff_roles[index] if index < len(staff_roles) else None
            created = self.reference - timedelta(days=rng.uniform(30, 700))
            fachbereich = rng.choice(chosen[0]["fachbereich"])
            bio, locale = self._bio(org, chosen, fachbereich, rng)
            user = state.create_user(
                username,
                f"{first} {last}",
                f"{username}@{org.domain}",
                admin=role == "admin",
                moderator=role == "moderator",
                staged=staged,
                active=not staged,
                trust_level=0 if staged else (3 if role else rng.choice((1, 1, 2, 2, 2, 3))),
                bio_raw="" if staged else bio,
                locale=None if staged else locale,
                created_at=created,
                user_fields={} if staged else {"1": org.name, "2": rng.choice(chosen[0]["focus"]), "3": fachbereich},
            )
            if not staged:
                user.last_seen_at = self.reference - timedelta(days=rng.uniform(0, 60))
                if 0.02 <= roll < 0.03:
                    user.suspended_till = self.reference + timedelta(days=365 * 100)  # "forever", as Discourse does
                elif 0.03 <= roll < 0.04:
                    user.silenced_till = self.reference + timedelta(days=365 * 20)
                group = state.find_group(org.group)
                user.primary_group_id = group.id if group else None
                for interest in chosen:
                    self.pool[interest["key"]].append(user)
                if user.suspended_till is None:
                    self.posters.append(user)
            self.interests_of[user.id] = chosen
            self.org_of[user.id] = org
            self.summary.interests_by_username[username] = [i["key"] for i in chosen]
            self.summary.organisation_by_username[username] = org.name
            if role == "admin":
                self.summary.admins.append(username)
            elif role == "moderator":
                self.summary.moderators.append(username)

    def _create_non_members(self) -> None:
        """Accounts every forum has that are nobody: discobot, staged, never activated, anonymized.

        Created last and without the random generator, so the members of a seed stay as they were.
        discobot is id -2 (plugins/discourse-narrative-bot); staged users come from mail-in and invites;
        `UserAnonymizer` renames an account to anon<hex> with the e-mail <name>@anonymized.invalid.
        """
        state = self.state
        created = self.reference - timedelta(days=799)
        if -2 not in state.users:
            state.create_user(
                "discobot", "discobot", f"discobot_email@{SYSTEM_DOMAIN}", trust_level=4, created_at=created, user_id=-2
            )
        staged = state.create_user(
            "gast.postfach", "Gast Postfach", "postfach@extern.example", staged=True, active=False, created_at=created
        )
        staged.trust_level = 0
        never = state.create_user(
            "nie.aktiviert", "Nie Aktiviert", "nie.aktiviert@extern.example", active=False, created_at=created
        )
        never.trust_level = 0
        anonymous = state.create_user(
            "anon5f3a9c2e", "", "anon5f3a9c2e@anonymized.invalid", created_at=created, trust_level=1
        )
        anonymous.last_seen_at = None

    def _bio(
        self, org: Organisation, chosen: list[dict[str, Any]], fachbereich: str, rng: random.Random
    ) -> tuple[str, str | None]:
        roll = rng.random()
        if roll < 0.08:
            return "", "de"
        if roll < 0.13:
            return ENGLISH_BIO.format(org=org.name, fb=fachbereich, en=chosen[0]["english"]), "en"
        words = rng.sample(chosen[0]["keywords"], 2)
        second = rng.choice(chosen[-1]["keywords"]) if len(chosen) > 1 else words[1]
        template = rng.choice(GERMAN_BIOS)
        text = template.format(
            org=org.name,
            in_org=_in(org.name),
            bei_org=_bei(org.name),
            aus_org=_aus(org.name),
            fb=fachbereich,
            kw=words[0],
            kw2=second,
        )
        return text, rng.choice(("de", "de", None))

    def _create_badges(self) -> None:
        state = self.state
        state.create_badge(
            "Basic User", 3, description="Grundfunktionen freigeschaltet", system=True, icon="fa-user", listable=True
        )
        state.create_badge("Autobiographer", 3, description="Profil ausgefüllt", system=True, icon="fa-user-edit")
        state.create_badge("Welcome", 3, description="Ersten Like erhalten", system=True, icon="fa-heart")
        autobiographer = 2
        for user in list(state.users.values()):
            if user.bio_raw and not user.staged:
                state.grant_badge(
                    user.username, autobiographer, granted_by="system", granted_at=user.created_at + timedelta(days=1)
                )

    def _post_text(self, user: User, interest: dict[str, Any], rng: random.Random) -> str:
        org = self.org_of[user.id].name
        first, second = rng.sample(interest["keywords"], 2)
        parts = [
            rng.choice(GERMAN_OPENERS).format(in_org=_in(org), kw=first),
            rng.choice(GERMAN_MIDDLES).format(kw2=second),
            rng.choice(GERMAN_CLOSERS),
        ]
        return " ".join(p for p in parts if p)

    def _pick_member(self, interest_key: str, rng: random.Random) -> User:
        pool = self.pool[interest_key]
        if pool and rng.random() < 0.8:
            return rng.choice(pool)
        return rng.choice(self.posters)

    def _create_activity(self) -> None:
        rng, state = self.rng, self.state
        if not self.posters:
            return
        category_weights = [c[3] for c in CATEGORIES]
        interest_by_key = {i["key"]: i for i in self.interests}
        topic_count = max(4, int(self.members * 0.3))
        reply_count = int(self.members * 1.5)
        events: list[tuple[datetime, int, str, Any]] = []
        plans = []
        for n in range(topic_count):
            author = rng.choice(self.posters)
            interest = rng.choice(self.interests_of[author.id])
            moment = self.reference - timedelta(days=rng.uniform(1, 360))
            plans.append((author, interest, moment))
            events.append((moment, len(events), "topic", n))
        for _ in range(reply_count):
            topic_index = rng.randrange(topic_count)
            moment = plans[topic_index][2] + timedelta(hours=rng.uniform(0.5, 24 * 20))
            events.append((min(moment, self.reference), len(events), "reply", topic_index))
        events.sort(key=lambda e: (e[0], e[1]))
        topic_ids: dict[int, int] = {}
        used_titles: dict[str, int] = {}
        for moment, _, kind, index in events:
            author, interest, _ = plans[index]
            if kind == "topic":
                title = rng.choice(interest["titles"])
                used_titles[title] = used_titles.get(title, 0) + 1
                if used_titles[title] > 1:
                    title = f"{title} ({self.org_of[author.id].name}, {used_titles[title]})"
                category = self.categories[rng.choices(CATEGORIES, category_weights)[0][0]]
                tags = rng.sample(interest["tags"], min(len(interest["tags"]), rng.choice((1, 2, 3))))
                post = state.create_post(
                    author.username,
                    self._post_text(author, interest, rng),
                    title=title,
                    category=category.id,
                    tags=tags,
                    created_at=moment,
                    check_duplicate=False,
                )
                topic_ids[index] = post.topic_id
                state.topics[post.topic_id].views = rng.randint(5, 400)
            else:
                replier = self._pick_member(interest["key"], rng)
                org = self.org_of[replier.id].name
                keyword = rng.choice(interest_by_key[interest["key"]]["keywords"])
                raw = rng.choice(GERMAN_REPLIES).format(in_org=_in(org), kw=keyword)
                topic = state.topics[topic_ids[index]]
                reply_to = rng.randint(1, topic.highest_post_number) if rng.random() < 0.3 else None
                state.create_post(
                    replier.username,
                    raw,
                    topic_id=topic.id,
                    reply_to_post_number=reply_to,
                    created_at=moment,
                    check_duplicate=False,
                )
        self._create_likes(topic_ids, plans, rng)

    def _create_likes(self, topic_ids: dict[int, int], plans: list[Any], rng: random.Random) -> None:
        state = self.state
        interest_of_topic = {topic_ids[i]: plans[i][1]["key"] for i in topic_ids}
        public = list(state._public_post_ids)
        for _ in range(int(self.members * 3)):
            post = state.posts[rng.choice(public)]
            liker = self._pick_member(interest_of_topic[post.topic_id], rng)
            if liker.id == post.user_id or liker.id in post.likes:
                continue
            moment = min(post.created_at + timedelta(hours=rng.uniform(0.1, 24 * 10)), self.reference)
            state.like(liker.username, post.id, created_at=moment)

    def _create_private_messages(self) -> None:
        rng, state = self.rng, self.state
        for _ in range(max(1, self.members // 50)):
            sender = rng.choice(self.posters)
            interest = self.interests_of[sender.id][0]
            recipient = self._pick_member(interest["key"], rng)
            if recipient.id == sender.id:
                continue
            moment = self.reference - timedelta(days=rng.uniform(1, 90))
            state.create_post(
                sender.username,
                f"Hallo {recipient.name.split()[0]}, ich habe deinen Beitrag zu "
                f"{rng.choice(interest['keywords'])} gelesen. Wollen wir uns mal austauschen?",
                title=f"Austausch zu {interest['label']}",
                archetype="private_message",
                target_recipients=recipient.username,
                created_at=moment,
                check_duplicate=False,
            )

    def _create_ignores(self) -> None:
        rng = self.rng
        for user in self.posters:
            roll = rng.random()
            if roll < 0.05:
                other = rng.choice(self.posters)
                if other.id != user.id and not other.staff:
                    bucket = user.ignored_user_ids if roll < 0.03 else user.muted_user_ids
                    if other.id not in bucket:
                        bucket.append(other.id)


def seed_network(
    state: ForumState,
    members: int = 300,
    organisations_count: int = 12,
    seed: int = 1,
    reference: datetime | None = None,
) -> SeedSummary:
    """Fill an empty state with a deterministic network; returns the ground truth of what was created.

    Activity is dated back from `reference` (default: a fixed moment, so a seed always gives the same
    network; the demo passes "now" so that members count as recently active).
    """
    with state.lock:
        summary = _NetworkSeeder(state, members, organisations_count, seed, reference).run()
        state.seed_summary = summary
        return summary
