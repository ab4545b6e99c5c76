"""A seeded synthetic network of administrations whose members belong to known latent interest groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matching.suggestions.engine import MemberStatus, PairHistory
from matching.suggestions.profiles import MemberProfileInput


@dataclass(frozen=True)
class Theme:
    """A latent interest group: German words (with compounds), tags, an English vocabulary, a category."""

    name: str
    words: tuple[str, ...]
    tags: tuple[str, ...]
    english: tuple[str, ...]
    category: str
    department: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "Digitalisierung",
        (
            "Digitalisierung",
            "Digitalisierungsstrategie",
            "Onlinezugangsgesetz",
            "OZG",
            "Onlinedienste",
            "Portalverbund",
            "Antragsstrecken",
            "Registermodernisierung",
            "Digitalisierungsprojekte",
            "Nutzerkonto",
        ),
        ("ozg", "digitalisierung", "onlinedienste", "efa"),
        ("digitalisation", "online", "services", "portal"),
        "Digitale Verwaltung",
        "Organisation und IT",
    ),
    Theme(
        "E-Akte",
        (
            "E-Akte",
            "Aktenführung",
            "Dokumentenmanagement",
            "Scanprozesse",
            "Schriftgutverwaltung",
            "Archivierung",
            "Posteingang",
            "Vorgangsbearbeitung",
            "Aktenplan",
            "Signatur",
        ),
        ("e-akte", "dms", "scannen", "archiv"),
        ("records", "documents", "archive", "scanning"),
        "Digitale Verwaltung",
        "Zentrale Dienste",
    ),
    Theme(
        "Agilität",
        (
            "Scrum",
            "Kanban",
            "Retrospektive",
            "Agilität",
            "Sprintplanung",
            "Teamarbeit",
            "Selbstorganisation",
            "Backlog",
            "Produktverantwortung",
            "Iterationen",
        ),
        ("agil", "scrum", "kanban", "retro"),
        ("agile", "scrum", "sprint", "retrospective"),
        "Arbeitsweisen",
        "Organisation und IT",
    ),
    Theme(
        "Prozessmanagement",
        (
            "Prozessmanagement",
            "Prozessoptimierung",
            "Prozessmodellierung",
            "BPMN",
            "Lean",
            "Wertstrom",
            "Verschwendung",
            "Prozesslandkarte",
            "Ablauforganisation",
            "Durchlaufzeiten",
        ),
        ("prozesse", "lean", "bpmn", "lean-coffee"),
        ("process", "lean", "workflow", "modelling"),
        "Arbeitsweisen",
        "Organisation und IT",
    ),
    Theme(
        "Personalgewinnung",
        (
            "Personalgewinnung",
            "Fachkräftemangel",
            "Ausbildung",
            "Nachwuchskräfte",
            "Arbeitgebermarke",
            "Stellenausschreibungen",
            "Bewerbungsverfahren",
            "Onboarding",
            "Personalentwicklung",
            "Quereinstieg",
        ),
        ("personal", "ausbildung", "recruiting", "onboarding"),
        ("recruiting", "talent", "training", "employer"),
        "Personal",
        "Personal",
    ),
    Theme(
        "Open Data",
        (
            "Open Data",
            "Datenportal",
            "Datensätze",
            "Datenstrategie",
            "Datenqualität",
            "Schnittstellen",
            "Metadaten",
            "Datenkompetenz",
            "Visualisierung",
            "Transparenz",
        ),
        ("open-data", "daten", "datenportal", "api"),
        ("data", "open", "datasets", "transparency"),
        "Daten",
        "Statistik und Wahlen",
    ),
    Theme(
        "Bürgerbeteiligung",
        (
            "Bürgerbeteiligung",
            "Beteiligungsverfahren",
            "Bürgerdialog",
            "Partizipation",
            "Beteiligungsplattform",
            "Workshops",
            "Bürgerhaushalt",
            "Jugendbeteiligung",
            "Moderation",
            "Zukunftswerkstatt",
        ),
        ("beteiligung", "partizipation", "buergerdialog"),
        ("participation", "citizens", "engagement", "dialogue"),
        "Stadtgesellschaft",
        "Bürgerservice",
    ),
    Theme(
        "Klimaschutz",
        (
            "Klimaschutz",
            "Klimaanpassung",
            "Klimaschutzkonzept",
            "Energieeinsparung",
            "Photovoltaik",
            "Wärmeplanung",
            "Nachhaltigkeit",
            "Treibhausgase",
            "Hitzeschutz",
            "Klimaneutralität",
        ),
        ("klima", "nachhaltigkeit", "energie", "waermeplanung"),
        ("climate", "energy", "sustainability", "heat"),
        "Umwelt",
        "Umwelt und Klima",
    ),
    Theme(
        "Mobilität",
        (
            "Mobilitätswende",
            "Radverkehr",
            "Verkehrsplanung",
            "Nahverkehr",
            "Parkraummanagement",
            "Carsharing",
            "Radwege",
            "Verkehrssicherheit",
            "Ladeinfrastruktur",
            "Mobilitätskonzept",
        ),
        ("mobilitaet", "radverkehr", "oepnv", "verkehr"),
        ("mobility", "cycling", "transport", "traffic"),
        "Umwelt",
        "Tiefbau und Verkehr",
    ),
    Theme(
        "Wissensmanagement",
        (
            "Wissensmanagement",
            "Wissenstransfer",
            "Wiki",
            "Dokumentation",
            "Einarbeitung",
            "Wissenssicherung",
            "Lernplattform",
            "Erfahrungswissen",
            "Austauschformate",
            "Barcamp",
        ),
        ("wissen", "wiki", "barcamp", "wissenstransfer"),
        ("knowledge", "wiki", "learning", "transfer"),
        "Arbeitsweisen",
        "Personal",
    ),
    Theme(
        "Innovation",
        (
            "Innovationslabor",
            "Design Thinking",
            "Prototypen",
            "Experimentierräume",
            "Innovationsmanagement",
            "Ideenmanagement",
            "Nutzerforschung",
            "Reallabor",
            "Hackathon",
            "Zukunftsthemen",
        ),
        ("innovation", "design-thinking", "hackathon", "labor"),
        ("innovation", "design", "prototype", "lab"),
        "Arbeitsweisen",
        "Verwaltungsführung",
    ),
    Theme(
        "Führung",
        (
            "Führungskultur",
            "New Work",
            "Führungskräfte",
            "Mitarbeitergespräche",
            "Feedbackkultur",
            "Homeoffice",
            "Teamentwicklung",
            "Veränderungsmanagement",
            "Kulturwandel",
            "Coaching",
        ),
        ("fuehrung", "new-work", "kulturwandel", "coaching"),
        ("leadership", "culture", "coaching", "feedback"),
        "Personal",
        "Verwaltungsführung",
    ),
    Theme(
        "Informationssicherheit",
        (
            "Informationssicherheit",
            "Datenschutz",
            "IT-Sicherheit",
            "Grundschutz",
            "Notfallmanagement",
            "Sicherheitskonzept",
            "Phishing",
            "Datenschutzbeauftragte",
            "Verschlüsselung",
            "Awareness",
        ),
        ("datenschutz", "it-sicherheit", "dsgvo", "isms"),
        ("security", "privacy", "protection", "encryption"),
        "Digitale Verwaltung",
        "Organisation und IT",
    ),
    Theme(
        "Künstliche Intelligenz",
        (
            "Künstliche Intelligenz",
            "KI",
            "Sprachmodelle",
            "Chatbots",
            "Automatisierung",
            "Texterkennung",
            "Assistenzsysteme",
            "Algorithmen",
            "Robotic Process Automation",
            "Datenanalyse",
        ),
        ("ki", "chatbot", "automatisierung", "rpa"),
        ("intelligence", "chatbots", "automation", "models"),
        "Daten",
        "Organisation und IT",
    ),
    Theme(
        "Barrierefreiheit",
        (
            "Barrierefreiheit",
            "Leichte Sprache",
            "Inklusion",
            "Bildschirmleser",
            "barrierefreie Dokumente",
            "Verständlichkeit",
            "Teilhabe",
            "Zugänglichkeit",
            "Gebärdensprache",
            "Behindertenbeauftragte",
        ),
        ("barrierefreiheit", "leichte-sprache", "inklusion"),
        ("accessibility", "inclusion", "readability", "participation"),
        "Stadtgesellschaft",
        "Soziales",
    ),
    Theme(
        "Vergabe",
        (
            "Vergaberecht",
            "Beschaffung",
            "Ausschreibungen",
            "Vergabeplattform",
            "Rahmenverträge",
            "Leistungsbeschreibung",
            "Nachhaltige Beschaffung",
            "Vergabestelle",
            "Angebotswertung",
            "Einkaufsgemeinschaft",
        ),
        ("vergabe", "beschaffung", "einkauf"),
        ("procurement", "tenders", "purchasing", "contracts"),
        "Finanzen",
        "Zentrale Dienste",
    ),
    Theme(
        "Haushalt",
        (
            "Haushaltsplanung",
            "Controlling",
            "Kennzahlen",
            "Doppik",
            "Jahresabschluss",
            "Wirkungsorientierung",
            "Haushaltskonsolidierung",
            "Fördermittel",
            "Kostenrechnung",
            "Finanzplanung",
        ),
        ("haushalt", "controlling", "foerdermittel", "kennzahlen"),
        ("budget", "controlling", "funding", "finance"),
        "Finanzen",
        "Finanzen",
    ),
    Theme(
        "Schule",
        (
            "Schulentwicklung",
            "Digitalpakt",
            "Schulträger",
            "Medienentwicklungsplan",
            "Ganztag",
            "Schulsozialarbeit",
            "Bildungsnetzwerk",
            "Lernräume",
            "Schulverwaltung",
            "Tablets",
        ),
        ("schule", "digitalpakt", "bildung", "ganztag"),
        ("schools", "education", "tablets", "learning"),
        "Bildung",
        "Schule und Bildung",
    ),
    Theme(
        "Jugendhilfe",
        (
            "Jugendhilfe",
            "Kinderschutz",
            "Jugendamt",
            "Kitaplätze",
            "Familienberatung",
            "Hilfeplanung",
            "Sozialraum",
            "Fachkräfte",
            "Jugendarbeit",
            "Frühe Hilfen",
        ),
        ("jugendhilfe", "kita", "kinderschutz", "familie"),
        ("youth", "childcare", "families", "welfare"),
        "Soziales",
        "Jugend und Familie",
    ),
    Theme(
        "Stadtplanung",
        (
            "Stadtplanung",
            "Bauleitplanung",
            "Bebauungsplan",
            "Baugenehmigung",
            "Quartiersentwicklung",
            "Innenstadt",
            "Wohnraum",
            "Flächennutzung",
            "Bauantrag",
            "Stadtentwicklung",
        ),
        ("stadtplanung", "bauen", "bauantrag", "quartier"),
        ("planning", "housing", "building", "urban"),
        "Bauen",
        "Planen und Bauen",
    ),
)

GENERAL_WORDS: tuple[str, ...] = (
    "Verwaltung",
    "Kommune",
    "Stadt",
    "Kreis",
    "Team",
    "Projekt",
    "Austausch",
    "Erfahrung",
    "Kolleginnen",
    "Kollegen",
    "Amt",
    "Abteilung",
    "Aufgabe",
    "Thema",
    "Ideen",
    "Netzwerk",
    "Zusammenarbeit",
    "Umsetzung",
    "Praxis",
    "Lösungen",
    "Beispiele",
    "Fragen",
    "Ziele",
    "Leitung",
    "Sachbearbeitung",
    "Rathaus",
    "Service",
    "Alltag",
    "Arbeit",
    "Menschen",
)

# Mostly function words around the slots: real bios vary their wording far more than a few templates would.
_GERMAN_SENTENCES: tuple[str, ...] = (
    "Ich bin für {a} zuständig.",
    "Bei uns geht es um {a} und {b}.",
    "{a} und {b} sind meine Themen.",
    "Ich mache {a}.",
    "Mich interessieren {a} und {b}.",
    "Wir sind dabei, {a} einzuführen.",
    "Ich kümmere mich um {a}, ab und zu auch um {b}.",
    "Im {g} mache ich {a}.",
    "Ich würde gern mehr über {a} wissen.",
    "Mein Schwerpunkt ist {a}.",
    "Wer hat Lust, über {a} zu reden?",
    "Ich bin neu im {g} und mache {a}.",
    "{a}, {b} – das ist mein Alltag.",
    "Ich begleite {a} in meiner {g}.",
)
_TAIL_SENTENCES: tuple[str, ...] = (
    "Ich war bei {t} dabei.",
    "Wir sind in {t}.",
    "Grüße aus {t}!",
    "Ich bin aus {t}, vorher in {u}.",
)
_ENGLISH_SENTENCES: tuple[str, ...] = (
    "I have been working on {a} for {n} years and I am interested in {b}.",
    "Happy to share what we learned about {a} and {b}.",
    "My team focuses on {a} in the city administration.",
)
_TITLES: tuple[str, ...] = (
    "{a}?",
    "{a} in {t}",
    "{a} und {b}",
    "Wer macht {a}?",
    "Frage zu {a}",
    "{a}: wie macht ihr das?",
    "{b} bei {a}",
)
_EXTRA_CATEGORIES: tuple[str, ...] = ("Allgemeines", "Veranstaltungen", "Vorstellungsrunde")


_ONSETS = (
    "Ber",
    "Kal",
    "Mol",
    "Sten",
    "Wir",
    "Hol",
    "Dar",
    "Fel",
    "Lin",
    "Bro",
    "Gra",
    "Tau",
    "Ves",
    "Rum",
    "Zel",
    "Nor",
    "Pas",
    "Kem",
    "Lor",
    "Sat",
)
_MIDDLES = ("a", "e", "i", "o", "u", "en", "er", "in")
_CODAS = (
    "bach",
    "dorf",
    "heim",
    "feld",
    "berg",
    "hof",
    "stedt",
    "rode",
    "hagen",
    "mark",
    "sen",
    "ingen",
    "au",
    "burg",
    "tal",
)


def tail_vocabulary(size: int) -> tuple[str, ...]:
    """Pseudo-German names (places, projects) for the long tail of a real vocabulary, in a fixed order."""
    words = [
        onset + middle + second.lower() + coda
        for onset in _ONSETS
        for middle in _MIDDLES
        for second in _ONSETS
        for coda in _CODAS
    ]
    if size > len(words):
        raise ValueError(f"tail vocabulary is limited to {len(words)} words")
    # A fixed shuffle so the frequent words are not all alike; independent of the network seed.
    order = np.random.default_rng(12345).permutation(len(words))[:size]
    return tuple(words[i] for i in order)


class _Tail:
    """Draws words of a Zipf-distributed long tail, as a real vocabulary has."""

    def __init__(self, rng: np.random.Generator, size: int, exponent: float = 1.05) -> None:
        self.rng = rng
        self.words = tail_vocabulary(size)
        # Zipf-Mandelbrot: the offset keeps even the most frequent name to a small share of members.
        weights = 1.0 / (np.arange(1, size + 1) + 200.0) ** exponent
        self.cdf = np.cumsum(weights) / weights.sum()

    def draw(self) -> str:
        return self.words[int(np.searchsorted(self.cdf, self.rng.random()))] if self.words else "Musterstadt"


@dataclass(frozen=True)
class SyntheticNetwork:
    """A generated network: profiles, statuses, the latent groups (truth), organisation names and a run date."""

    profiles: list[MemberProfileInput]
    statuses: dict[int, MemberStatus]
    groups: dict[int, frozenset[int]]
    organisation_names: dict[int, str]
    today: date
    history: PairHistory


def generate_network(
    n_members: int,
    seed: int = 0,
    n_organisations: int = 12,
    n_groups: int = len(THEMES),
    cold_share: float = 0.1,
    english_share: float = 0.03,
    noise: float = 0.15,
    organisation_affinity: float = 0.5,
    ineligible_share: float = 0.1,
    tail_size: int = 40000,
    today: date = date(2025, 3, 1),
) -> SyntheticNetwork:
    """Generate `n_members` members of `n_organisations` administrations drawn from latent interest groups.

    Each member has a main group and sometimes a second one; their bio, fields, interests, tags,
    titles and liked tags mostly come from those groups' vocabularies, with `noise` from others.
    Organisations favour a few groups (`organisation_affinity`), so same-organisation pairs look
    alike more often than chance, as in real networks. Bios and titles also mention names from a
    Zipf-distributed long tail of `tail_size` words, which gives the vocabulary a realistic breadth.
    The same arguments give the same network.
    """
    if not 1 <= n_groups <= len(THEMES):
        raise ValueError(f"n_groups must be within 1..{len(THEMES)}")
    if n_members < 0 or n_organisations < 1:
        raise ValueError("n_members must be >= 0 and n_organisations >= 1")
    rng = np.random.default_rng(seed)
    tail = _Tail(rng, tail_size)
    themes = THEMES[:n_groups]
    favoured = [rng.choice(n_groups, size=min(3, n_groups), replace=False) for _ in range(n_organisations)]
    # Organisation sizes differ a lot (a county versus a small town): Zipf-like weights.
    size_weights = 1.0 / np.arange(1, n_organisations + 1) ** 0.8
    size_weights /= size_weights.sum()
    profiles: list[MemberProfileInput] = []
    statuses: dict[int, MemberStatus] = {}
    truth: dict[int, frozenset[int]] = {}
    for index in range(n_members):
        member_id = index + 1
        main = int(rng.integers(n_groups))
        member_groups = [main]
        if n_groups > 1 and rng.random() < 0.3:
            member_groups.append(int((main + 1 + rng.integers(n_groups - 1)) % n_groups))
        organisation = _organisation_for(rng, main, favoured, size_weights, organisation_affinity)
        truth[member_id] = frozenset(member_groups)
        profiles.append(
            _profile(
                rng,
                member_id,
                organisation,
                [themes[g] for g in member_groups],
                themes,
                cold_share,
                english_share,
                noise,
                tail,
            )
        )
        statuses[member_id] = _status(rng, n_members, member_id, today, ineligible_share)
    history = _history(rng, n_members, today)
    names = {org: f"Verwaltung {org + 1:02d}" for org in range(n_organisations)}
    return SyntheticNetwork(profiles, statuses, truth, names, today, history)


def _organisation_for(
    rng: np.random.Generator, main: int, favoured: list[np.ndarray], size_weights: np.ndarray, affinity: float
) -> int:
    if rng.random() < affinity:
        candidates = [org for org, groups in enumerate(favoured) if main in groups]
        if candidates:
            weights = size_weights[candidates] / size_weights[candidates].sum()
            return int(rng.choice(candidates, p=weights))
    return int(rng.choice(size_weights.size, p=size_weights))


def _pick(rng: np.random.Generator, own: list[Theme], everyone: tuple[Theme, ...], noise: float, attribute: str) -> str:
    """One word or tag: usually from the member's own groups, sometimes from any group."""
    pool = everyone if rng.random() < noise else own
    theme = pool[int(rng.integers(len(pool)))]
    values = getattr(theme, attribute)
    return values[int(rng.integers(len(values)))]


def _profile(
    rng: np.random.Generator,
    member_id: int,
    organisation: int,
    own: list[Theme],
    everyone: tuple[Theme, ...],
    cold_share: float,
    english_share: float,
    noise: float,
    tail: _Tail,
) -> MemberProfileInput:
    def word() -> str:
        return _pick(rng, own, everyone, noise, "words")

    def tag() -> str:
        return _pick(rng, own, everyone, noise, "tags")

    def general() -> str:
        return GENERAL_WORDS[int(rng.integers(len(GENERAL_WORDS)))]

    if rng.random() < cold_share:
        # Cold start: a member who has written nothing yet, at most a tag or two from reading.
        return MemberProfileInput(
            member_id=member_id,
            organisation_id=organisation,
            liked_tags=[tag() for _ in range(int(rng.integers(0, 3)))],
        )
    english = rng.random() < english_share
    if english:
        sentences = _ENGLISH_SENTENCES
        bio_words = lambda: _pick(rng, own, everyone, noise, "english")  # noqa: E731
    else:
        sentences = _GERMAN_SENTENCES
        bio_words = word
    bio = " ".join(
        sentences[int(rng.integers(len(sentences)))].format(
            a=bio_words(), b=bio_words(), g=general(), n=int(rng.integers(1, 30))
        )
        for _ in range(int(rng.integers(1, 6)))
    )
    if not english:
        bio += "".join(
            " " + _TAIL_SENTENCES[int(rng.integers(len(_TAIL_SENTENCES)))].format(t=tail.draw(), u=tail.draw())
            for _ in range(int(rng.integers(0, 4)))
        )
    return MemberProfileInput(
        member_id=member_id,
        organisation_id=organisation,
        bio=bio,
        fields={"Arbeitsschwerpunkt": f"{word()}, {word()}", "Fachbereich": own[0].department}
        if rng.random() < 0.7
        else {},
        interests=[word() for _ in range(int(rng.integers(0, 4)))],
        tags=[tag() for _ in range(int(rng.integers(2, 16)))],
        categories=[own[0].category] * int(rng.integers(1, 4)) + [_EXTRA_CATEGORIES[int(rng.integers(3))]],
        topic_titles=[
            _TITLES[int(rng.integers(len(_TITLES)))].format(a=word(), b=word(), t=tail.draw())
            for _ in range(int(rng.integers(0, 4)))
        ],
        liked_tags=[tag() for _ in range(int(rng.integers(0, 8)))],
        locale="en" if english else "de",
    )


def _status(
    rng: np.random.Generator, n_members: int, member_id: int, today: date, ineligible_share: float
) -> MemberStatus:
    flags = rng.random(6)
    share = ineligible_share / 5
    ignored = frozenset({int(rng.integers(1, n_members + 1))}) if rng.random() < 0.02 and n_members > 1 else frozenset()
    return MemberStatus(
        consented=bool(flags[0] >= share * 2),
        active=bool(flags[1] >= share / 2),
        suspended=bool(flags[2] < share / 2),
        silenced=bool(flags[3] < share / 2),
        staged=bool(flags[4] < share / 2),
        last_seen=today - timedelta(days=int(rng.integers(0, 240))),
        groups=frozenset({"staff"}) if flags[5] < share / 2 else frozenset(),
        ignored_ids=ignored - {member_id},
    )


def _history(rng: np.random.Generator, n_members: int, today: date) -> PairHistory:
    """Some earlier suggestions (recent and old), rejections, acceptances and ignored pairs."""
    if n_members < 2:
        return PairHistory()
    count = max(1, n_members // 5)
    a = rng.integers(1, n_members + 1, size=count)
    b = rng.integers(1, n_members + 1, size=count)
    days = rng.integers(0, 365, size=count)
    kinds = rng.random(count)
    suggested = [(int(x), int(y), today - timedelta(days=int(d))) for x, y, d in zip(a, b, days) if x != y]
    rejected = [(int(x), int(y)) for x, y, kind in zip(a, b, kinds) if x != y and kind < 0.1]
    accepted = [(int(x), int(y)) for x, y, kind in zip(a, b, kinds) if x != y and 0.1 <= kind < 0.3]
    ignored = [(int(x), int(y)) for x, y, kind in zip(a, b, kinds) if x != y and kind >= 0.6]
    return PairHistory(suggested=suggested, rejected=rejected, accepted=accepted, ignored=ignored)
