"""The engine beats scikit-learn TF-IDF, tags-only and random on three differently built networks."""

import pytest

from matching.suggestions.evaluation import evaluate, member_text, tags_only
from matching.suggestions.networks import ours_network, paraphrased_network, sparse_english_network
from matching.suggestions.profiles import MemberProfileInput
from matching.suggestions.rules import default_rules

MAKERS = {"ours": ours_network, "paraphrased": paraphrased_network, "sparse_english": sparse_english_network}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_engine_wins_on_every_network_without_violations_or_repeats(name):
    network = MAKERS[name](500, seed=1)
    rules = default_rules()
    results, calibration = evaluate(network, rules, seed=1)
    engine = results["engine"]["precision"]
    for baseline in ("sklearn_tfidf", "tags_only", "random"):
        assert engine > results[baseline]["precision"], (name, baseline, results)
    for method, figures in results.items():
        assert figures["violations"] == 0, (name, method)
        assert figures["repeats"] == 0, (name, method)
    assert calibration.status == "calibrated"


def test_networks_are_deterministic_and_differ_from_each_other():
    first = paraphrased_network(50, seed=3)
    assert first == paraphrased_network(50, seed=3)
    assert first.profiles != paraphrased_network(50, seed=4).profiles
    english = sum(p.locale == "en" for p in sparse_english_network(300, seed=3).profiles)
    assert english > 120
    assert len(first.interactions) > 0 and all(i.member_id != i.other_id for i in first.interactions)


def test_the_baseline_reads_all_of_a_members_text_and_tags_only_keeps_only_tags():
    member = MemberProfileInput(1, bio="Bio", fields={"f": "Feld"}, interests=["Int"], tags=["tag"], liked_tags=["lt"])
    assert member_text(member).split() == ["Bio", "Feld", "Int", "tag", "lt"]
    rules = tags_only(default_rules())
    assert rules.weight_tags == 1.0 and rules.weight_text == 0.0 and rules.weight_liked_tags == 0.0
