"""Tests for TF-IDF profiles: blocks, weights, normalisation, German text, cold start."""

import numpy as np
import pytest

from matching.suggestions.profiles import (
    BLOCKS,
    BlockWeights,
    ColdStart,
    MemberProfileInput,
    build_profiles,
)


def cosine(profiles, a: int, b: int) -> float:
    matrix = profiles.matrix
    return float(matrix[profiles.row_of(a)].multiply(matrix[profiles.row_of(b)]).sum())


def member(member_id: int, organisation_id: int | None = None, **kwargs) -> MemberProfileInput:
    return MemberProfileInput(member_id=member_id, organisation_id=organisation_id, **kwargs)


def test_rows_are_sorted_by_member_id_and_unit_length():
    profiles = build_profiles(
        [
            member(5, 1, bio="Wir arbeiten an der E-Akte."),
            member(2, 2, bio="Open Data und Datenportal."),
            member(9, 3, tags=["ozg"]),
        ]
    )
    assert profiles.member_ids.tolist() == [2, 5, 9]
    norms = np.sqrt(profiles.matrix.multiply(profiles.matrix).sum(axis=1)).A1
    assert np.allclose(norms, 1.0)
    assert profiles.row_of(9) == 2
    assert len(profiles) == 3
    with pytest.raises(KeyError):
        profiles.row_of(3)
    with pytest.raises(KeyError):
        profiles.row_of(100)


def test_duplicate_member_ids_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        build_profiles([member(1, bio="a b"), member(1, bio="c d")])


def test_compound_in_one_profile_matches_its_part_in_another():
    profiles = build_profiles(
        [
            member(1, 1, bio="Ich verantworte die Digitalisierungsstrategie unseres Kreises."),
            member(2, 2, bio="Mich interessiert die Digitalisierung der Bauverwaltung."),
            member(3, 3, bio="Ich koordiniere den Winterdienst und die Grünflächenpflege."),
        ],
        cold_start=ColdStart(min_terms=0),
    )
    assert cosine(profiles, 1, 2) > 0
    assert cosine(profiles, 1, 2) > cosine(profiles, 1, 3)


def test_umlauts_and_sharp_s_spellings_match():
    profiles = build_profiles(
        [
            member(1, 1, bio="Straßenreinigung und Bürgerbüro"),
            member(2, 2, bio="STRASSENREINIGUNG im BÜRGERBÜRO"),
            member(3, 3, bio="Haushalt und Kennzahlen"),
        ],
        cold_start=ColdStart(min_terms=0),
    )
    assert cosine(profiles, 1, 2) == pytest.approx(1.0)
    assert cosine(profiles, 1, 3) == 0.0


def test_english_profile_gets_english_stems_and_matches_english_profile():
    profiles = build_profiles(
        [
            member(1, 1, bio="I am working on open data and the transformation of our services.", locale="en"),
            member(2, 2, bio="We transformed our open datasets with the data team.", locale="en"),
            member(3, 3, bio="Wir arbeiten an der Haushaltsplanung und am Controlling."),
        ],
        cold_start=ColdStart(min_terms=0),
    )
    assert cosine(profiles, 1, 2) > 0
    assert cosine(profiles, 1, 3) == 0.0
    own_labels = {profiles.labels[c] for c in profiles.own[profiles.row_of(1)].indices}
    assert "the" not in own_labels and "and" not in own_labels
    assert "data" in own_labels


def test_empty_profile_without_organisation_is_an_empty_row():
    profiles = build_profiles([member(1, None), member(2, 1, bio="Agile Verwaltung mit Scrum")])
    row = profiles.matrix[profiles.row_of(1)]
    assert row.nnz == 0
    assert profiles.cold_start[profiles.row_of(1)]


def test_all_empty_profiles_build_an_empty_matrix():
    profiles = build_profiles([member(1), member(2, bio="   ")])
    assert profiles.matrix.shape == (2, 0)
    assert profiles.labels == ()


def test_no_members_at_all():
    profiles = build_profiles([])
    assert len(profiles) == 0
    assert profiles.matrix.shape == (0, 0)


def test_cold_start_member_borrows_the_organisation_profile():
    colleagues = [
        member(i, 7, bio="Klimaschutz, Wärmeplanung und Photovoltaik auf Schuldächern", tags=["klima", "energie"])
        for i in range(1, 4)
    ]
    elsewhere = member(10, 8, bio="Wärmeplanung und Klimaschutz in der Gemeinde", tags=["klima"])
    newcomer = member(20, 7)
    profiles = build_profiles(
        [*colleagues, elsewhere, newcomer], cold_start=ColdStart(min_terms=3, organisation_weight=0.3)
    )
    row = profiles.row_of(20)
    assert profiles.cold_start[row]
    assert profiles.own[row].nnz == 0
    assert profiles.matrix[row].nnz > 0
    assert cosine(profiles, 20, 10) > 0


def test_cold_start_keeps_own_terms_first():
    organisation = [member(i, 3, bio="Vergaberecht Beschaffung Ausschreibungen Rahmenverträge") for i in range(1, 4)]
    thin = member(9, 3, tags=["kita"])
    reader = member(10, 4, tags=["kita"])
    profiles = build_profiles([*organisation, thin, reader], cold_start=ColdStart(min_terms=5, organisation_weight=0.3))
    assert profiles.cold_start[profiles.row_of(9)]
    kita_column = profiles.labels.index("kita")
    row = profiles.matrix[profiles.row_of(9)].toarray().ravel()
    assert row[kita_column] == row.max()


def test_cold_start_can_be_switched_off():
    profiles = build_profiles(
        [member(1, 5, bio="Scrum Kanban Retrospektive Backlog Sprintplanung Agilität"), member(2, 5)],
        cold_start=ColdStart(min_terms=3, organisation_weight=0.0),
    )
    assert profiles.matrix[profiles.row_of(2)].nnz == 0


def test_cold_start_without_rich_colleagues_leaves_row_as_is():
    profiles = build_profiles([member(1, 5, tags=["ki"]), member(2, 5)], cold_start=ColdStart(min_terms=3))
    assert profiles.matrix[profiles.row_of(2)].nnz == 0
    assert profiles.matrix[profiles.row_of(1)].nnz == 1


def test_tags_repeat_as_weight_and_share_spelling_variants():
    profiles = build_profiles(
        [
            member(1, 1, tags=["E-Akte", "E-Akte", "E-Akte", "ozg"]),
            member(2, 2, tags=["e-akte"]),
            member(3, 3, tags=["ozg"]),
        ],
        cold_start=ColdStart(min_terms=0),
    )
    assert cosine(profiles, 1, 2) > cosine(profiles, 1, 3) > 0
    assert "E-Akte" in profiles.labels


def test_block_weight_zero_switches_block_off():
    inputs = [member(1, 1, tags=["ozg"], bio="Haushalt"), member(2, 2, tags=["ozg"], bio="Jugendhilfe")]
    with_tags = build_profiles(inputs, cold_start=ColdStart(min_terms=0))
    without_tags = build_profiles(inputs, BlockWeights(tags=0.0), ColdStart(min_terms=0))
    assert cosine(with_tags, 1, 2) > 0
    assert cosine(without_tags, 1, 2) == 0.0
    assert BLOCKS.index("tags") not in set(without_tags.blocks.tolist())


def test_block_weights_shift_similarity():
    inputs = [
        member(1, 1, tags=["ozg"], categories=["Finanzen"]),
        member(2, 2, tags=["ozg"], categories=["Soziales"]),
    ]
    tag_heavy = build_profiles(inputs, BlockWeights(tags=5.0, categories=0.5), ColdStart(min_terms=0))
    tag_light = build_profiles(inputs, BlockWeights(tags=0.5, categories=5.0), ColdStart(min_terms=0))
    assert cosine(tag_heavy, 1, 2) > cosine(tag_light, 1, 2)


def test_negative_or_infinite_weights_are_rejected():
    with pytest.raises(ValueError, match="tags"):
        BlockWeights(tags=-1.0)
    with pytest.raises(ValueError, match="text"):
        BlockWeights(text=float("inf"))


def test_fields_interests_titles_and_liked_tags_all_contribute():
    base = member(1, 1, bio="")
    cases = {
        "fields": dict(fields={"Arbeitsschwerpunkt": "Bauleitplanung"}),
        "interests": dict(interests=["Bauleitplanung"]),
        "topic_titles": dict(topic_titles=["Bauleitplanung digital?"]),
        "liked_tags": dict(liked_tags=["bauleitplanung"]),
        "categories": dict(categories=["Bauen"]),
    }
    for name, kwargs in cases.items():
        profiles = build_profiles(
            [
                member(1, 1, **kwargs),
                member(2, 2, **kwargs),
                base.__class__(member_id=3, organisation_id=3, bio="Kita"),
            ],
            cold_start=ColdStart(min_terms=0),
        )
        assert cosine(profiles, 1, 2) == pytest.approx(1.0), name


def test_labels_show_original_spelling_not_stems():
    profiles = build_profiles(
        [member(1, 1, bio="Verwaltungen Verwaltung Verwaltung"), member(2, 2, bio="Verwaltung")],
        cold_start=ColdStart(min_terms=0),
    )
    assert "Verwaltung" in profiles.labels
    assert "verwalt" not in profiles.labels


def test_profiles_do_not_depend_on_input_order():
    inputs = [
        member(3, 1, bio="Scrum und Kanban im Jugendamt", tags=["agil"]),
        member(1, 2, bio="Kanban in der Kämmerei", tags=["agil", "haushalt"]),
        member(2, 1, bio="Haushaltsplanung mit Kennzahlen"),
    ]
    forward = build_profiles(inputs)
    backward = build_profiles(list(reversed(inputs)))
    assert (forward.matrix != backward.matrix).nnz == 0
    assert forward.labels == backward.labels


def test_blank_tags_are_ignored():
    profiles = build_profiles([member(1, 1, tags=["  ", "--", "ozg"]), member(2, 2, tags=["ozg"])])
    assert [profiles.labels[c] for c in profiles.own[0].indices] == ["ozg"]


def test_tag_labels_take_the_spelling_members_write_in_their_texts():
    from matching.suggestions.profiles import (
        BlockWeights,
        ColdStart,
        MemberProfileInput,
        build_profiles,
    )

    members = [
        MemberProfileInput(member_id=1, bio="Wir setzen das OZG um und führen die E-Akte ein.", tags=["ozg", "e-akte"]),
        MemberProfileInput(member_id=2, bio="OZG-Umsetzung im Bürgerbüro", tags=["ozg", "open-data"]),
    ]
    profiles = build_profiles(members, BlockWeights(), ColdStart())
    tag_labels = {label for label, block in zip(profiles.labels, profiles.blocks) if block == 3}
    assert "OZG" in tag_labels and "ozg" not in tag_labels
    assert "open-data" in tag_labels  # nobody wrote it differently, so the tag stays as it is
