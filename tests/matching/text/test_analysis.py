"""Tests for German-first text analysis: tokens, stop words, stems, compounds, umlauts, English."""

from matching.text.analysis import (
    PART_WEIGHT,
    TermAnalyzer,
    detect_language,
    language_of_locale,
    load_stopwords,
    normalize,
    tag_key,
    tokenize,
)


def stems(analyzer: TermAnalyzer, token: str, language: str = "de") -> set[str]:
    return {stem for stem, _, _ in analyzer.features(token, language)}


def test_tokenize_keeps_hyphenated_words_and_drops_numbers():
    assert tokenize("Die E-Akte kommt 2025 – im OZG-Kontext!") == ["Die", "E-Akte", "kommt", "im", "OZG-Kontext"]


def test_tokenize_composes_decomposed_umlauts():
    decomposed = "Bu\u0308rger"
    assert tokenize(decomposed) == ["Bürger"]


def test_normalize_folds_case_and_sharp_s():
    assert normalize("Straße") == normalize("STRASSE") == "strasse"


def test_tag_key_tolerates_spelling_variants():
    assert tag_key("E-Akte") == tag_key("e_akte") == tag_key("eakte")
    assert tag_key("Bürgerbeteiligung") == tag_key("buergerbeteiligung")
    assert tag_key("Lean Coffee") == tag_key("lean-coffee")


def test_stopword_lists_are_loaded_from_package_data():
    german = load_stopwords("de")
    english = load_stopwords("en")
    assert {"und", "der", "für", "über"} <= german
    assert {"the", "and", "with"} <= english
    assert not any(word.startswith("#") for word in german | english)


def test_stopwords_have_no_features():
    analyzer = TermAnalyzer()
    assert analyzer.features("und", "de") == ()
    assert analyzer.features("Über", "de") == ()
    assert analyzer.features("the", "en") == ()
    assert analyzer.features("x", "de") == ()


def test_inflected_forms_share_a_stem():
    analyzer = TermAnalyzer()
    assert stems(analyzer, "Verwaltungen") & stems(analyzer, "Verwaltung")
    assert stems(analyzer, "Strategien") & stems(analyzer, "Strategie")


def test_umlauts_and_sharp_s_match_their_plain_spellings():
    analyzer = TermAnalyzer()
    assert stems(analyzer, "Straße") == stems(analyzer, "Strasse")
    assert stems(analyzer, "Ärzte") == stems(analyzer, "Arzt")


def test_compound_shares_a_feature_with_its_known_part():
    analyzer = TermAnalyzer(["digitalisierung"])
    compound = analyzer.features("Digitalisierungsstrategie", "de")
    simple = stems(analyzer, "Digitalisierung")
    shared = [feature for feature in compound if feature[0] in simple]
    assert shared, compound
    assert shared[0][1] == PART_WEIGHT
    assert shared[0][2] == "Digitalisierung"
    labels = [label for _, _, label in compound]
    assert "Strategie" in labels


def test_compound_is_split_at_a_known_head():
    analyzer = TermAnalyzer(["beteiligung"])
    labels = [label for _, _, label in analyzer.features("Bürgerbeteiligung", "de")]
    assert labels[0] == "Bürgerbeteiligung"
    assert "Beteiligung" in labels
    assert "Bürger" in labels


def test_linking_s_is_removed_between_parts():
    analyzer = TermAnalyzer(["haushalt", "steuerung"])
    labels = [label for _, _, label in analyzer.features("Haushaltssteuerung", "de")]
    assert labels[1:] == ["Haushalt", "Steuerung"]


def test_derivational_suffix_is_not_a_compound_part():
    analyzer = TermAnalyzer(["digital"])
    assert [label for _, _, label in analyzer.features("Digitalisierung", "de")] == ["Digitalisierung"]


def test_unknown_words_are_not_split():
    analyzer = TermAnalyzer()
    assert len(analyzer.features("Straßenverkehrsamt", "de")) == 1


def test_short_words_are_not_split_even_when_parts_are_known():
    analyzer = TermAnalyzer(["haus", "tier"])
    assert len(analyzer.features("Haustier", "de")) == 1


def test_hyphenated_word_adds_its_meaningful_parts():
    analyzer = TermAnalyzer()
    labels = [label for _, _, label in analyzer.features("E-Akte", "de")]
    assert labels == ["E-Akte", "Akte"]


def test_english_words_are_stemmed_in_english_and_not_split():
    analyzer = TermAnalyzer(["data"])
    assert stems(analyzer, "transformation", "en") == {"transform"}
    assert stems(analyzer, "datasets", "en") == {"dataset"}


def test_features_are_cached_per_language():
    analyzer = TermAnalyzer()
    assert analyzer.features("working", "en") is analyzer.features("working", "en")
    assert analyzer.features("working", "de") != analyzer.features("working", "en")


def test_detect_language():
    assert detect_language(["i", "work", "with", "the", "team"]) == "en"
    assert detect_language(["ich", "arbeite", "mit", "dem", "team"]) == "de"
    assert detect_language(["ozg"], default="en") == "en"
    assert detect_language([], default="de") == "de"


def test_language_of_locale():
    assert language_of_locale("en_GB") == "en"
    assert language_of_locale("de") == "de"
    assert language_of_locale(None) == "de"


def test_modifier_keeps_its_form_when_no_shorter_known_word_exists():
    analyzer = TermAnalyzer(["beratung"])
    labels = [label for _, _, label in analyzer.features("Quartiersberatung", "de")]
    assert labels[1:] == ["Beratung", "Quartiers"]


def test_parts_of_a_lower_case_compound_stay_lower_case():
    analyzer = TermAnalyzer(["beratung", "quartier"])
    labels = [label for _, _, label in analyzer.features("quartiersberatung", "de")]
    assert labels == ["quartiersberatung", "quartier", "beratung"]
