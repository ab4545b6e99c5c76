"""Tests for the synthetic network generator: seeded, shaped as asked, German text, latent truth."""

import pytest

from matching.suggestions.synthetic import THEMES, generate_network


def test_same_seed_same_network_and_different_seed_differs():
    a = generate_network(60, seed=5)
    b = generate_network(60, seed=5)
    c = generate_network(60, seed=6)
    assert a.profiles == b.profiles and a.statuses == b.statuses and a.groups == b.groups
    assert a.profiles != c.profiles


def test_shape_of_the_network():
    network = generate_network(400, seed=1, n_organisations=7, n_groups=5)
    assert len(network.profiles) == 400
    assert [p.member_id for p in network.profiles] == list(range(1, 401))
    assert set(network.statuses) == set(network.groups) == set(range(1, 401))
    assert {p.organisation_id for p in network.profiles} <= set(range(7))
    assert set(network.organisation_names) == set(range(7))
    assert all(groups <= set(range(5)) and groups for groups in network.groups.values())
    assert any(len(groups) == 2 for groups in network.groups.values())


def test_profiles_are_mostly_german_with_some_english_and_cold_members():
    network = generate_network(600, seed=2)
    bios = [p.bio for p in network.profiles]
    assert sum(" und " in bio or " für " in bio or " mich " in bio for bio in bios) > 300
    assert any(p.locale == "en" for p in network.profiles)
    cold = [p for p in network.profiles if not p.bio]
    assert 20 < len(cold) < 120
    assert all(not p.tags and not p.topic_titles for p in cold)


def test_members_talk_about_their_latent_groups():
    network = generate_network(300, seed=3, noise=0.0, cold_share=0.0)
    for profile in network.profiles:
        own_tags = {tag for g in network.groups[profile.member_id] for tag in THEMES[g].tags}
        assert set(profile.tags) <= own_tags


def test_history_and_statuses_include_things_to_avoid():
    network = generate_network(500, seed=4)
    assert network.history.suggested and network.history.rejected and network.history.ignored
    assert any(not s.consented for s in network.statuses.values())
    assert any(s.ignored_ids for s in network.statuses.values())


def test_tiny_and_invalid_networks():
    assert generate_network(1, seed=0).history.suggested == ()
    assert generate_network(0, seed=0).profiles == []
    with pytest.raises(ValueError):
        generate_network(10, n_groups=0)
    with pytest.raises(ValueError):
        generate_network(10, n_organisations=0)


def test_tail_vocabulary_is_fixed_and_bounded():
    from matching.suggestions.synthetic import tail_vocabulary

    assert tail_vocabulary(50) == tail_vocabulary(50)
    assert len(set(tail_vocabulary(1000))) == 1000
    with pytest.raises(ValueError, match="limited"):
        tail_vocabulary(10**7)
