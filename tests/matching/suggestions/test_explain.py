"""Tests for explanations: shared human-readable terms, strongest first, no stems, no duplicates."""

from matching.suggestions.explain import explanation_text, shared_terms, shared_terms_many
from matching.suggestions.profiles import ColdStart, MemberProfileInput, build_profiles


def build(*members):
    return build_profiles(list(members), cold_start=ColdStart(min_terms=0))


def test_shared_tags_and_words_in_original_spelling():
    profiles = build(
        MemberProfileInput(1, 1, bio="Wir führen die E-Akte ein.", tags=["OZG", "OZG", "Lean-Coffee"]),
        MemberProfileInput(2, 2, bio="E-Akte und Scanprozesse", tags=["OZG", "Lean-Coffee", "kita"]),
        MemberProfileInput(3, 3, bio="Radverkehr", tags=["verkehr"]),
    )
    terms = shared_terms(profiles, 0, 1, limit=5)
    assert set(terms) >= {"OZG", "Lean-Coffee", "E-Akte"}
    assert "kita" not in terms
    assert all(term != term.lower() or term in {"kita"} for term in terms)
    assert shared_terms(profiles, 0, 2) == []


def test_strongest_contribution_comes_first_and_limit_is_respected():
    profiles = build(
        MemberProfileInput(1, 1, tags=["ozg"] * 5 + ["kita"]),
        MemberProfileInput(2, 2, tags=["ozg"] * 5 + ["kita"]),
        MemberProfileInput(3, 3, tags=["kita"]),
    )
    assert shared_terms(profiles, 0, 1, limit=1) == ["OZG"]
    assert shared_terms(profiles, 0, 1, limit=3) == ["OZG", "Kita"]


def test_same_term_in_two_blocks_is_shown_once():
    profiles = build(
        MemberProfileInput(1, 1, bio="Barrierefreiheit", tags=["barrierefreiheit"]),
        MemberProfileInput(2, 2, bio="Barrierefreiheit", tags=["barrierefreiheit"]),
        MemberProfileInput(3, 3, bio="Kita"),
    )
    terms = shared_terms(profiles, 0, 1, limit=5)
    assert [term.casefold() for term in terms] == ["barrierefreiheit"]


def test_compound_part_is_explained_by_its_word():
    profiles = build(
        MemberProfileInput(1, 1, bio="Digitalisierungsstrategie"),
        MemberProfileInput(2, 2, bio="Digitalisierung"),
    )
    assert shared_terms(profiles, 0, 1) == ["Digitalisierung"]


def test_cold_start_explanation_uses_only_own_terms():
    colleagues = [
        MemberProfileInput(i, 7, bio="Klimaschutz Wärmeplanung Photovoltaik Energie Hitzeschutz") for i in (1, 2)
    ]
    profiles = build_profiles(
        [*colleagues, MemberProfileInput(3, 7), MemberProfileInput(4, 8, bio="Klimaschutz Wärmeplanung")],
        cold_start=ColdStart(min_terms=3),
    )
    assert shared_terms(profiles, profiles.row_of(3), profiles.row_of(4)) == []


def test_explanation_text():
    assert explanation_text(["OZG", "E-Akte", "Lean Coffee"]) == "Ihr teilt: OZG, E-Akte, Lean Coffee"
    assert explanation_text(["OZG"], "en") == "You share: OZG"
    assert explanation_text([]) == "Ähnliche Interessen"
    assert explanation_text([], "en") == "Similar interests"


def test_generic_words_and_filler_verbs_are_never_named():
    # The examples: "Ihr teilt: Kommunen, bringe, voran" and "Organisation, Kommunen, bringe".
    profiles = build(
        MemberProfileInput(1, 1, bio="Ich bringe die Wärmeplanung in unseren Kommunen voran. Organisation ist alles."),
        MemberProfileInput(2, 2, bio="Wärmeplanung für Kommunen: ich bringe das voran, Organisation inklusive."),
        MemberProfileInput(3, 3, bio="Kita"),
    )
    assert shared_terms(profiles, 0, 1, limit=5) == ["Wärmeplanung"]


def test_generic_english_and_german_administration_words_are_never_named():
    # "Kreis, administrations, public"
    profiles = build(
        MemberProfileInput(1, 1, bio="Open data for public administrations in our Kreis.", locale="en"),
        MemberProfileInput(2, 2, bio="Public administrations and open data, Kreis level.", locale="en"),
        MemberProfileInput(3, 3, bio="Kita"),
    )
    terms = shared_terms(profiles, 0, 1, limit=5)
    assert {"Kreis", "administrations", "public", "Public"}.isdisjoint(terms)
    assert set(terms) == {"Open", "data"} or set(terms) == {"open", "data"}


def test_generic_stadt_verwaltung_projekt_are_never_named():
    profiles = build(
        MemberProfileInput(1, 1, bio="Stadt Verwaltung Projekt Kreis Kommune Organisation Vergaberecht"),
        MemberProfileInput(2, 2, bio="Stadt Verwaltung Projekt Kreis Kommune Organisation Vergaberecht"),
        MemberProfileInput(3, 3, bio="Kita"),
    )
    assert shared_terms(profiles, 0, 1, limit=5) == ["Vergaberecht"]


def test_a_compound_fragment_nobody_wrote_is_never_named():
    # The CLI once showed "Haltigkeitsberichte", a fragment of a compound split that nobody wrote.
    bios = [
        "Nachhaltigkeitsberichte und Nachhaltigkeit",
        "Wir schreiben Nachhaltigkeitsberichte",
        "Haltigkeitsberichteverfahren Berichte Geschäftsberichte",
        "Geschäftsberichte Haushalt",
    ]
    profiles = build(*(MemberProfileInput(i + 1, i + 1, bio=bio) for i, bio in enumerate(bios)))
    for row in range(4):
        for other in range(4):
            if row == other:
                continue
            words = set(bios[row].split()) | set(bios[other].split())
            for term in shared_terms(profiles, row, other, limit=5):
                assert term in words, (row, other, term)
    # A part one of the two wrote as a word may explain the pair.
    assert shared_terms(profiles, 0, 1, limit=5) == ["Nachhaltigkeitsberichte", "Nachhaltigkeit"]
    # Members 2 and 4 share only the part "Berichte" of their compounds; neither wrote it, so nothing is named.
    assert shared_terms(profiles, 1, 3, limit=5) == []
    # Member 3 wrote "Berichte" as a word, so it may explain a pair with member 4.
    assert "Berichte" in shared_terms(profiles, 2, 3, limit=5)


def test_tags_are_shown_by_display_name_not_as_slugs():
    # Raw slugs "llm", "new-work", "buergerservice" appeared on pages.
    profiles = build(
        MemberProfileInput(1, 1, bio="Wir bauen den Bürgerservice um.", tags=["llm", "new-work", "buergerservice"]),
        MemberProfileInput(2, 2, tags=["llm", "new-work", "buergerservice"]),
        MemberProfileInput(3, 3, tags=["kita"]),
    )
    terms = shared_terms(profiles, 0, 1, limit=5)
    assert set(terms) == {"LLM", "New Work", "Bürgerservice"}


def test_terms_in_most_profiles_are_not_named_in_a_large_network():
    members = [MemberProfileInput(i, i, bio=f"Digitalisierung Vorgang{i}x") for i in range(1, 60)]
    members[0] = MemberProfileInput(1, 1, bio="Digitalisierung Radverkehr")
    members[1] = MemberProfileInput(2, 2, bio="Digitalisierung Radverkehr")
    profiles = build(*members)
    assert shared_terms(profiles, 0, 1, limit=5) == ["Radverkehr"]
    assert shared_terms(profiles, 2, 3, limit=5) == []


def test_many_pairs_at_once_equal_one_by_one():
    profiles = build(
        MemberProfileInput(1, 1, bio="E-Akte Scanprozesse", tags=["ozg", "kita"]),
        MemberProfileInput(2, 2, bio="E-Akte und OZG", tags=["ozg"]),
        MemberProfileInput(3, 3, bio="Scanprozesse Kita", tags=["kita"]),
    )
    rows, others = [0, 0, 1, 2], [1, 2, 2, 0]
    together = shared_terms_many(profiles, rows, others, 2)
    assert together == [tuple(shared_terms(profiles, a, b, 2)) for a, b in zip(rows, others)]
    assert together[0] and together[1]


def test_chunked_explanations_equal_one_pass(monkeypatch):
    import matching.suggestions.explain as explain

    profiles = build(
        MemberProfileInput(1, 1, bio="E-Akte Scanprozesse", tags=["ozg", "kita"]),
        MemberProfileInput(2, 2, bio="E-Akte und OZG", tags=["ozg"]),
        MemberProfileInput(3, 3, bio="Scanprozesse Kita", tags=["kita"]),
    )
    rows, others = [0, 0, 1, 2, 1], [1, 2, 2, 0, 0]
    whole = shared_terms_many(profiles, rows, others, 3)
    monkeypatch.setattr(explain, "_CHUNK", 2)
    assert shared_terms_many(profiles, rows, others, 3) == whole
