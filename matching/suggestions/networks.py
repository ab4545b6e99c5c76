"""Test networks built differently from `synthetic`, so that quality figures cannot be tuned to one generator.

Written from what members of public administrations actually write, not from what the engine
does well: `paraphrased_network` describes the same work focus in many words (inflections,
compounds, abbreviations, synonyms, some English) with noisy tags shared between neighbouring
topics and generic administration words everywhere; `sparse_english_network` has little text,
many English profiles and few tags. `interactions_for` draws replies, likes, mentions and private
messages from the latent groups (with noise and a pull towards colleagues), the weak labels that
calibration learns from. Every generator is seeded: the same arguments give the same network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matching.suggestions.calibration import Interaction
from matching.suggestions.engine import MemberStatus, PairHistory
from matching.suggestions.evaluation import Network
from matching.suggestions.profiles import MemberProfileInput
from matching.suggestions.synthetic import generate_network


@dataclass(frozen=True)
class Topic:
    """A work focus as people phrase it: German variants, English variants, and its forum tags."""

    name: str
    german: tuple[str, ...]
    english: tuple[str, ...]
    tags: tuple[str, ...]


# Neighbouring topics (adjacent in this list) share tags, as forums do.
TOPICS: tuple[Topic, ...] = (
    Topic(
        "Beschaffung",
        (
            "Vergabe",
            "Vergaben",
            "Vergabeverfahren",
            "Vergaberecht",
            "Vergabestelle",
            "VgV",
            "UVgO",
            "Beschaffung",
            "Beschaffungen",
            "Einkauf",
            "Ausschreibung",
            "Ausschreibungen",
            "Rahmenvertrag",
            "Rahmenverträge",
        ),
        ("procurement", "tenders", "tendering", "purchasing", "framework contracts"),
        ("vergabe", "beschaffung", "einkauf", "recht"),
    ),
    Topic(
        "Haushalt",
        (
            "Haushalt",
            "Haushalts",
            "Haushaltsplanung",
            "Doppik",
            "Jahresabschluss",
            "Jahresabschlüsse",
            "Kämmerei",
            "Finanzen",
            "Finanzplanung",
            "Controlling",
            "Kennzahlen",
            "Budgetierung",
        ),
        ("budget", "budgeting", "finance", "accounting", "controlling"),
        ("haushalt", "finanzen", "recht", "controlling"),
    ),
    Topic(
        "Personal",
        (
            "Personalgewinnung",
            "Personalentwicklung",
            "Recruiting",
            "Stellenbesetzung",
            "Stellenbesetzungen",
            "Fachkräftemangel",
            "Ausbildung",
            "Ausbildungsleitung",
            "Azubis",
            "Onboarding",
            "Arbeitgebermarke",
            "Employer Branding",
        ),
        ("recruitment", "hiring", "talent", "onboarding", "employer branding"),
        ("personal", "ausbildung", "controlling", "new-work"),
    ),
    Topic(
        "Arbeitswelt",
        (
            "Homeoffice",
            "mobiles Arbeiten",
            "Telearbeit",
            "Desk-Sharing",
            "Arbeitsplatzkonzepte",
            "Büroflächen",
            "Raumkonzept",
            "Führung auf Distanz",
            "Teamkultur",
            "Kulturwandel",
        ),
        ("remote work", "hybrid work", "workplace", "office space", "leadership"),
        ("new-work", "kultur", "personal", "fuehrung"),
    ),
    Topic(
        "KI",
        (
            "KI",
            "künstliche Intelligenz",
            "KI-Anwendungen",
            "Sprachmodelle",
            "Sprachmodell",
            "LLM",
            "Chatbots",
            "Chatbot",
            "Textgenerierung",
            "Automatisierung",
            "maschinelles Lernen",
        ),
        ("AI", "artificial intelligence", "language models", "LLM", "chatbots", "machine learning"),
        ("ki", "llm", "automatisierung", "daten"),
    ),
    Topic(
        "Daten",
        (
            "Open Data",
            "offene Daten",
            "Datenportal",
            "Datenportale",
            "Datensätze",
            "Datenstrategie",
            "Geodaten",
            "Datenqualität",
            "Dashboards",
            "Datenanalyse",
        ),
        ("open data", "datasets", "data portal", "data strategy", "dashboards"),
        ("daten", "open-data", "geodaten", "automatisierung"),
    ),
    Topic(
        "Bürgerdienste",
        (
            "Bürgerservice",
            "Bürgerbüro",
            "Bürgerämter",
            "Bürgeramt",
            "Terminvergabe",
            "Terminbuchung",
            "Meldewesen",
            "Ausweise",
            "Personalausweise",
            "Servicequalität",
            "Wartezeiten",
        ),
        ("citizen services", "service centre", "appointments", "registration office", "waiting times"),
        ("buergerservice", "meldewesen", "service", "daten"),
    ),
    Topic(
        "Klima",
        (
            "Klimaschutz",
            "Klimaanpassung",
            "Klimaschutzkonzept",
            "Wärmeplanung",
            "kommunale Wärmeplanung",
            "Wärmenetze",
            "Photovoltaik",
            "PV-Anlagen",
            "Energiemanagement",
            "Hitzeschutz",
            "CO2-Bilanz",
        ),
        ("climate protection", "heat planning", "solar", "energy management", "climate adaptation"),
        ("klima", "energie", "service", "nachhaltigkeit"),
    ),
    Topic(
        "Mobilität",
        (
            "Radverkehr",
            "Radwege",
            "Radverkehrskonzept",
            "ÖPNV",
            "Nahverkehr",
            "Verkehrswende",
            "Parkraum",
            "Parkraumbewirtschaftung",
            "Carsharing",
            "Lastenräder",
        ),
        ("cycling", "public transport", "mobility", "parking", "bike lanes"),
        ("mobilitaet", "verkehr", "nachhaltigkeit", "energie"),
    ),
    Topic(
        "Jugend",
        (
            "Jugendhilfe",
            "Jugendamt",
            "Kita",
            "Kitas",
            "Kitaplätze",
            "Kindertagesbetreuung",
            "Schulsozialarbeit",
            "Hilfen zur Erziehung",
            "Kinderschutz",
            "Jugendarbeit",
        ),
        ("youth services", "child care", "daycare", "child protection", "youth work"),
        ("jugend", "kita", "verkehr", "soziales"),
    ),
)

# Generic words every administration uses, whatever the focus.
GENERIC_GERMAN: tuple[str, ...] = (
    "Verwaltung",
    "Stadtverwaltung",
    "Kreisverwaltung",
    "Kommune",
    "Kommunen",
    "Stadt",
    "Kreis",
    "Landkreis",
    "Amt",
    "Fachbereich",
    "Abteilung",
    "Team",
    "Projekt",
    "Projekte",
    "Organisation",
    "Sachgebiet",
    "Dezernat",
)
GENERIC_TAGS: tuple[str, ...] = ("verwaltung", "kommune", "projekt", "austausch", "digitalisierung", "frage")
_GERMAN_BIO = (
    "In der {g} bin ich für {a} zuständig.",
    "Ich arbeite im {g} und kümmere mich um {a} und {b}.",
    "Seit ein paar Jahren mache ich {a} in unserer {g}.",
    "Schwerpunkt: {a}, {b}.",
    "Mein Thema in der {g} ist {a}; gerade beschäftigt mich {b}.",
    "Ich bringe {a} in unserer {g} voran.",
    "Im {g} geht es bei mir vor allem um {a}.",
    "Suche Austausch zu {a} mit anderen {g}.",
)
_ENGLISH_BIO = (
    "I work on {a} in a public administration.",
    "My focus is {a} and {b} in local government.",
    "Looking to exchange ideas on {a} with other municipalities.",
    "I lead a small team for {a}; lately also {b}.",
)


def ours_network(n_members: int, seed: int = 0, n_organisations: int = 12) -> Network:
    """The engine's own generator (`synthetic.generate_network`) with interactions drawn from its groups."""
    network = generate_network(n_members, seed=seed, n_organisations=n_organisations)
    rng = np.random.default_rng(seed + 7919)
    organisations = {p.member_id: p.organisation_id for p in network.profiles}
    interactions = interactions_for(network.groups, organisations, rng, network.today)
    return Network(
        "ours", network.profiles, network.statuses, network.groups, network.today, network.history, interactions
    )


def paraphrased_network(n_members: int, seed: int = 0, n_organisations: int = 12) -> Network:
    """Paraphrased focus descriptions, noisy neighbour-shared tags, generic words everywhere, some English."""
    rng = np.random.default_rng(seed)
    return _network("paraphrased", rng, n_members, n_organisations, english_share=0.15, text_scale=1.0, tag_noise=0.45)


def sparse_english_network(n_members: int, seed: int = 0, n_organisations: int = 12) -> Network:
    """Little text per member and many English profiles; a few tags."""
    rng = np.random.default_rng(seed)
    return _network("sparse_english", rng, n_members, n_organisations, english_share=0.6, text_scale=0.3, tag_noise=0.3)


def _network(
    name: str,
    rng: np.random.Generator,
    n_members: int,
    n_organisations: int,
    english_share: float,
    text_scale: float,
    tag_noise: float,
) -> Network:
    today = date(2026, 6, 1)
    profiles: list[MemberProfileInput] = []
    statuses: dict[int, MemberStatus] = {}
    groups: dict[int, frozenset[int]] = {}
    organisations = rng.integers(n_organisations, size=n_members)
    for index in range(n_members):
        member_id = index + 1
        main = int(rng.integers(len(TOPICS)))
        own = [main] + ([int(rng.integers(len(TOPICS)))] if rng.random() < 0.2 else [])
        groups[member_id] = frozenset(own)
        english = rng.random() < english_share
        profiles.append(_member(rng, member_id, int(organisations[index]), own, english, text_scale, tag_noise))
        statuses[member_id] = MemberStatus(consented=rng.random() > 0.05, last_seen=today - timedelta(days=10))
    interactions = interactions_for(groups, {p.member_id: p.organisation_id for p in profiles}, rng, today)
    return Network(name, profiles, statuses, groups, today, PairHistory(), interactions)


def _member(
    rng: np.random.Generator,
    member_id: int,
    organisation: int,
    own: list[int],
    english: bool,
    text_scale: float,
    tag_noise: float,
) -> MemberProfileInput:
    def phrase() -> str:
        topic = TOPICS[own[int(rng.integers(len(own)))]]
        pool = topic.english if english else topic.german
        return pool[int(rng.integers(len(pool)))]

    def generic() -> str:
        return GENERIC_GERMAN[int(rng.integers(len(GENERIC_GERMAN)))]

    def tag() -> str:
        draw = rng.random()
        if draw < tag_noise / 2:
            return GENERIC_TAGS[int(rng.integers(len(GENERIC_TAGS)))]
        # Otherwise a tag of any topic (noise) or of one's own.
        topic = TOPICS[int(rng.integers(len(TOPICS)))] if draw < tag_noise else TOPICS[own[int(rng.integers(len(own)))]]
        return topic.tags[int(rng.integers(len(topic.tags)))]

    sentences = _ENGLISH_BIO if english else _GERMAN_BIO
    n_sentences = max(0, int(rng.poisson(3 * text_scale)))
    bio = " ".join(
        sentences[int(rng.integers(len(sentences)))].format(a=phrase(), b=phrase(), g=generic())
        for _ in range(n_sentences)
    )
    has_field = rng.random() < 0.6 * text_scale + 0.1
    return MemberProfileInput(
        member_id=member_id,
        organisation_id=organisation,
        bio=bio,
        fields={"Arbeitsschwerpunkt": f"{phrase()}, {generic()}"} if has_field else {},
        interests=[phrase() for _ in range(int(rng.integers(0, 3)))],
        tags=[tag() for _ in range(int(rng.integers(0, int(8 * text_scale) + 3)))],
        categories=["Allgemeines"] * int(rng.integers(0, 2)),
        topic_titles=[f"{phrase()}?" for _ in range(int(rng.integers(0, 2)))],
        liked_tags=[tag() for _ in range(int(rng.integers(0, 4)))],
        locale="en" if english else "de",
    )


def interactions_for(
    groups: dict[int, frozenset[int]],
    organisations: dict[int, int | None],
    rng: np.random.Generator,
    today: date,
    per_member: float = 3.0,
    noise: float = 0.25,
    colleague_share: float = 0.25,
) -> list[Interaction]:
    """Replies, likes, mentions and PMs over the past year: mostly within a latent group, some with
    colleagues of the same organisation whatever their topic, some at random."""
    members = sorted(groups)
    if len(members) < 2:
        return []
    by_group: dict[int, list[int]] = {}
    by_organisation: dict[int | None, list[int]] = {}
    for member_id in members:
        for group in groups[member_id]:
            by_group.setdefault(group, []).append(member_id)
        by_organisation.setdefault(organisations.get(member_id), []).append(member_id)
    kinds = ("reply", "like", "mention", "pm")
    result: list[Interaction] = []
    for member_id in members:
        for _ in range(int(rng.poisson(per_member))):
            draw = rng.random()
            if draw < noise:
                pool = members
            elif draw < noise + colleague_share:
                pool = by_organisation[organisations.get(member_id)]
            else:
                own = sorted(groups[member_id])
                pool = by_group[own[int(rng.integers(len(own)))]]
            other = pool[int(rng.integers(len(pool)))]
            if other == member_id:
                continue
            when = today - timedelta(days=int(rng.integers(1, 366)))
            result.append(Interaction(member_id, other, when, kinds[int(rng.integers(len(kinds)))]))
    return result
