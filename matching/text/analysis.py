"""German-first text analysis for profiles: tokens, stop words, stems and compound parts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import snowballstemmer

_DATA_DIR = Path(__file__).resolve().parent / "data"
# Letters and digits, optionally joined by hyphens ("E-Akte", "Open-Data-Portal").
_TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_TAG_STRIP_RE = re.compile(r"[^0-9a-z]+")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

# Compounds shorter than this are rarely worth splitting and split badly.
MIN_COMPOUND_LENGTH = 10
# Neither part of a split compound may be shorter than this.
MIN_PART_LENGTH = 4
# An unknown remainder of a split must be at least this long to count as a word.
MIN_STANDALONE_PART_LENGTH = 6
# A remainder starting like this is a suffix ("Digital|isierung"), not a word.
_DERIVATIONAL_STARTS = (
    "ier",
    "isier",
    "ung",
    "heit",
    "keit",
    "lich",
    "isch",
    "ation",
    "ität",
    "ismus",
    "schaft",
    "ig",
    "bar",
)
# Weight of a compound part relative to the whole word.
PART_WEIGHT = 0.5
# German linking elements ("Fugenelemente") that may end the left part.
_LINKING_ELEMENTS = ("s", "es", "n", "en")
# Modifiers with these endings always take a linking "s" in a compound.
_S_LINKING_SUFFIXES = ("ung", "heit", "keit", "ion", "tät", "schaft", "ling", "tum")


@cache
def load_stopwords(language: str) -> frozenset[str]:
    """The stop words of a language ("de" or "en") from the package data."""
    text = (_DATA_DIR / f"stopwords_{language}.txt").read_text("utf-8")
    words = (line.strip() for line in text.splitlines())
    return frozenset(normalize(word) for word in words if word and not word.startswith("#"))


@cache
def load_generic_words(language: str) -> frozenset[str]:
    """Generic administration words of a language that never explain a match (package data)."""
    text = (_DATA_DIR / f"generic_{language}.txt").read_text("utf-8")
    words = (line.strip() for line in text.splitlines())
    return frozenset(normalize(word) for word in words if word and not word.startswith("#"))


def normalize(text: str) -> str:
    """Unicode-compose and case-fold a string so "Straße", "STRASSE" and "straße" compare equal."""
    return unicodedata.normalize("NFC", text).casefold()


def tokenize(text: str) -> list[str]:
    """The word tokens of a text in their original spelling, without pure numbers."""
    composed = unicodedata.normalize("NFC", text)
    return [token for token in _TOKEN_RE.findall(composed) if not token.isdigit()]


def tag_key(tag: str) -> str:
    """A spelling-tolerant key for a tag: "E-Akte", "e_akte" and "eakte" share one key."""
    return _TAG_STRIP_RE.sub("", normalize(tag).translate(_TRANSLITERATION))


def detect_language(keys: Iterable[str], default: str = "de") -> str:
    """Guess "de" or "en" for normalised tokens by counting stop words unique to each language."""
    german_only = load_stopwords("de") - load_stopwords("en")
    english_only = load_stopwords("en") - load_stopwords("de")
    german = english = 0
    for key in keys:
        german += key in german_only
        english += key in english_only
    if english > german:
        return "en"
    if german > english:
        return "de"
    return default


def language_of_locale(locale: str | None) -> str:
    """The analysis language for a forum locale: English for "en*", German otherwise."""
    return "en" if locale and locale.lower().startswith("en") else "de"


class TermAnalyzer:
    """Turns tokens into weighted stem features, splitting German compounds against known words."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        """Create an analyzer that splits compounds into parts found among `known_words` (normalised)."""
        self._known = frozenset(word for word in known_words if len(word) >= MIN_PART_LENGTH)
        self._stemmers = {
            "de": snowballstemmer.stemmer("german"),
            "en": snowballstemmer.stemmer("english"),
        }
        self._stopwords = {"de": load_stopwords("de"), "en": load_stopwords("en")}
        self._cache: dict[tuple[str, str], tuple[tuple[str, float, str], ...]] = {}

    def stem(self, key: str, language: str) -> str:
        """The Snowball stem of a normalised word in the given language."""
        return self._stemmers[language].stemWord(key)

    def is_stopword(self, key: str, language: str) -> bool:
        """Whether a normalised word is a stop word in the given language."""
        return key in self._stopwords[language]

    def features(self, token: str, language: str) -> tuple[tuple[str, float, str], ...]:
        """The (stem, weight, human-readable label) features of one token; empty for stop words."""
        cached = self._cache.get((token, language))
        if cached is None:
            cached = self._compute_features(token, language)
            self._cache[(token, language)] = cached
        return cached

    def _compute_features(self, token: str, language: str) -> tuple[tuple[str, float, str], ...]:
        key = normalize(token)
        if len(key) < 2 or self.is_stopword(key, language):
            return ()
        features: list[tuple[str, float, str]] = [(self.stem(key, language), 1.0, token)]
        if "-" in key:
            parts = self._hyphen_parts(token)
        elif language == "de" and len(key) >= MIN_COMPOUND_LENGTH:
            parts = self._compound_parts(token)
        else:
            parts = []
        seen = {features[0][0]}
        for part in parts:
            part_key = normalize(part)
            if self.is_stopword(part_key, language):
                continue
            stem = self.stem(part_key, language)
            if stem not in seen:
                seen.add(stem)
                features.append((stem, PART_WEIGHT, part))
        return tuple(features)

    @staticmethod
    def _hyphen_parts(token: str) -> list[str]:
        # "E-Akte" -> "Akte"; one-letter parts like "E" mean nothing alone.
        return [part for part in token.split("-") if len(part) >= 3]

    def _compound_parts(self, token: str) -> list[str]:
        """The known head and modifier of a German compound, in original spelling, or nothing."""
        key = normalize(token)
        if len(key) != len(token):
            # Case folding changed the length (e.g. "ß" -> "ss"): work on the folded form.
            token = key
        parts: list[str] = []
        prefix_end = self._longest_known_prefix(key)
        if prefix_end:
            rest = token[prefix_end:]
            rest = self._strip_linking(rest, key[:prefix_end])
            if self._plausible_part(rest):
                parts.append(token[:prefix_end])
                parts.append(_capitalise_like(rest, token))
        suffix_start = self._longest_known_suffix(key)
        if suffix_start:
            head = _capitalise_like(token[suffix_start:], token)
            modifier = self._strip_linking_end(token[:suffix_start])
            if self._plausible_part(modifier):
                for part in (head, modifier):
                    if part not in parts:
                        parts.append(part)
        return parts

    def _plausible_part(self, part: str) -> bool:
        """Whether an unknown remainder of a split looks like a word, not a derivational suffix."""
        lowered = part.casefold()
        if lowered in self._known:
            return True
        return len(lowered) >= MIN_STANDALONE_PART_LENGTH and not lowered.startswith(_DERIVATIONAL_STARTS)

    def _longest_known_prefix(self, key: str) -> int:
        for end in range(len(key) - MIN_PART_LENGTH, MIN_PART_LENGTH - 1, -1):
            if key[:end] in self._known:
                return end
        return 0

    def _longest_known_suffix(self, key: str) -> int:
        for start in range(MIN_PART_LENGTH, len(key) - MIN_PART_LENGTH + 1):
            if key[start:] in self._known:
                return start
        return 0

    def _strip_linking(self, rest: str, left: str) -> str:
        """Drop a linking element at the start of the remainder when what follows is a known word."""
        lowered = rest.casefold()
        if lowered in self._known:
            return rest
        for element in _LINKING_ELEMENTS:
            if lowered.startswith(element) and lowered[len(element) :] in self._known:
                return rest[len(element) :]
        # After "-ung", "-heit", "-keit", ... German always links with "s": "Digitalisierung|s|strategie".
        # No German word starts with "ss", so a doubled "s" is a linking "s" plus the next word.
        if lowered.startswith("s") and (left.endswith(_S_LINKING_SUFFIXES) or lowered.startswith("ss")):
            return rest[1:]
        return rest

    def _strip_linking_end(self, modifier: str) -> str:
        """Drop a linking element at the end of a modifier when the shorter form is a known word."""
        lowered = modifier.casefold()
        if lowered in self._known:
            return modifier
        for element in _LINKING_ELEMENTS:
            if lowered.endswith(element) and lowered[: -len(element)] in self._known:
                return modifier[: -len(element)]
        return modifier


def _capitalise_like(part: str, whole: str) -> str:
    """Capitalise a compound part when the whole compound was capitalised (German nouns)."""
    if whole[:1].isupper() and part[:1].islower():
        return part[:1].upper() + part[1:]
    return part
