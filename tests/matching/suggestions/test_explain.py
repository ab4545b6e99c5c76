"""Tests for explanations: shared human-readable terms, strongest first, no stems, no duplicates."""

from matching.suggestions.explain import shared_terms
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
