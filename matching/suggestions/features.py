"""Raw feature counts of member profiles: every distinct token analysed once, counting done by scikit-learn."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from matching.text.analysis import (
    PART_WEIGHT,
    TermAnalyzer,
    load_generic_words,
    load_stopwords,
    normalize,
    tag_key,
    tokenize,
)

LANGUAGES: tuple[str, ...] = ("de", "en")
_UMLAUTS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))
_VOWELS = re.compile(r"[aeiouyäöü]")


@dataclass(frozen=True)
class BlockInput:
    """One block's raw material: a name, one document per member, and whether it is text or labels."""

    index: int
    documents: Sequence[object]
    is_text: bool
    key_of: Callable[[str], str] = tag_key


@dataclass(frozen=True)
class RawFeatures:
    """Per-member feature counts, the block of each column, labels, and who wrote each text feature as a word."""

    counts: sp.csr_matrix
    blocks: np.ndarray
    labels: tuple[str, ...]
    explain_labels: tuple[str | None, ...]
    written: sp.csr_matrix


def _strip_labels(labels: object) -> list[str]:
    return [label.strip() for label in labels if label.strip()]  # type: ignore[attr-defined]


def _count(documents: Sequence[object], analyzer: Callable) -> tuple[sp.csr_matrix, list[str]]:
    """Documents x distinct tokens counts with CountVectorizer; the tokens in column order."""
    vectorizer = CountVectorizer(analyzer=analyzer, lowercase=False, dtype=np.float64)
    try:
        counts = vectorizer.fit_transform(documents)
    except ValueError:  # scikit-learn refuses an empty vocabulary
        return sp.csr_matrix((len(documents), 0)), []
    return counts.tocsr(), list(vectorizer.get_feature_names_out())


def raw_features(n: int, blocks: Sequence[BlockInput], default_languages: np.ndarray) -> RawFeatures:
    """Count stems and compound parts in text blocks and spelling-tolerant keys in label blocks.

    `default_languages` holds True for members whose locale is English (used when their words do not tell).
    """
    text_blocks = [block for block in blocks if block.is_text]
    label_blocks = [block for block in blocks if not block.is_text]
    # One shared vocabulary of distinct tokens over all text blocks.
    token_ids: dict[str, int] = {}
    per_block: list[sp.csr_matrix] = []
    for block in text_blocks:
        counts, tokens = _count(block.documents, tokenize)
        mapping = np.array([token_ids.setdefault(token, len(token_ids)) for token in tokens], dtype=np.int64)
        per_block.append(sp.csr_matrix((counts.data, mapping[counts.indices], counts.indptr), shape=(n, 0)))
    tokens = list(token_ids)
    n_tokens = len(tokens)
    per_block = [sp.csr_matrix((m.data, m.indices, m.indptr), shape=(n, n_tokens)) for m in per_block]
    keys = [normalize(token) for token in tokens]
    english = _english_members(per_block, keys, default_languages, n, n_tokens)
    analyzer = TermAnalyzer(keys)

    stems: dict[str, int] = {}
    part_labels: dict[int, str] = {}
    mappings: dict[str, tuple[sp.csr_matrix, sp.csr_matrix]] = {}
    for language in LANGUAGES:
        rows_of_language = english if language == "en" else ~english
        used = np.zeros(n_tokens, dtype=bool)
        for matrix in per_block:
            used |= np.asarray((matrix[rows_of_language] != 0).sum(axis=0)).ravel() > 0
        entries: list[tuple[int, int, float]] = []
        for token_index in np.flatnonzero(used):
            for position, (stem, weight, label) in enumerate(analyzer.features(tokens[token_index], language)):
                stem_id = stems.setdefault(stem, len(stems))
                entries.append((int(token_index), stem_id, weight))
                if position and stem_id not in part_labels:
                    part_labels[stem_id] = label
        mappings[language] = _mapping(entries, n_tokens)
    n_stems = len(stems)
    mappings = {lang: tuple(_widen(m, n_stems) for m in pair) for lang, pair in mappings.items()}
    selectors = {
        "en": sp.diags(english.astype(np.float64)).tocsr(),
        "de": sp.diags((~english).astype(np.float64)).tocsr(),
    }

    columns: list[sp.csr_matrix] = []
    written_columns: list[sp.csr_matrix] = []
    column_blocks: list[np.ndarray] = []
    labels: list[str] = []
    explain: list[str | None] = []
    stem_labels = _stem_labels(per_block, mappings, selectors, tokens, n_stems)
    generic_stems = _generic_stems(analyzer)
    stem_strings = np.array(list(stems), dtype=object)
    for block, matrix in zip(text_blocks, per_block):
        features = sp.csr_matrix((n, n_stems))
        written = sp.csr_matrix((n, n_stems))
        for language, (weighted, full) in mappings.items():
            selected = selectors[language] @ matrix
            features = features + selected @ weighted
            written = written + selected @ full
        used_stems = np.unique(features.indices)
        columns.append(features[:, used_stems])
        written_columns.append((written[:, used_stems] > 0).astype(np.float32))
        column_blocks.append(np.full(used_stems.size, block.index, dtype=np.int8))
        for stem_id in used_stems:
            word = stem_labels[stem_id]
            labels.append(word if word is not None else part_labels.get(int(stem_id), str(stem_strings[stem_id])))
            explain.append(None if word is None or stem_strings[stem_id] in generic_stems else word)

    capitalised = _capitalised_spellings(tokens, per_block)
    known_keys = set(keys)
    generic_keys = {tag_key(word) for language in LANGUAGES for word in load_generic_words(language)}
    for block in label_blocks:
        counts, raw_labels = _count(block.documents, _strip_labels)
        key_ids: dict[str, int] = {}
        mapping = np.array([key_ids.setdefault(block.key_of(label), len(key_ids)) for label in raw_labels], np.int64)
        keep_keys = [key for key in key_ids if key]
        matrix = sp.csr_matrix((counts.data, mapping[counts.indices], counts.indptr), shape=(n, len(key_ids)))
        matrix.sum_duplicates()
        totals = np.asarray(counts.sum(axis=0)).ravel()
        chosen: dict[int, tuple[float, str]] = {}
        for label_index, key_index in enumerate(mapping):
            candidate = (-totals[label_index], raw_labels[label_index])
            if key_index not in chosen or candidate < chosen[key_index]:
                chosen[key_index] = candidate
        order = np.array([key_ids[key] for key in keep_keys], dtype=np.int64)
        columns.append(matrix[:, order])
        written_columns.append(sp.csr_matrix((n, order.size), dtype=np.float32))
        column_blocks.append(np.full(order.size, block.index, dtype=np.int8))
        for key_index in order:
            label = chosen[int(key_index)][1]
            shown = capitalised.get(tag_key(label)) if label == label.lower() else None
            labels.append(shown or label)
            explain.append(None if tag_key(label) in generic_keys else shown or display_tag(label, known_keys))

    if columns:
        counts_matrix = sp.hstack(columns, format="csr")
        written_matrix = sp.hstack(written_columns, format="csr")
        blocks_array = np.concatenate(column_blocks)
    else:
        counts_matrix = sp.csr_matrix((n, 0))
        written_matrix = sp.csr_matrix((n, 0), dtype=np.float32)
        blocks_array = np.zeros(0, dtype=np.int8)
    return RawFeatures(counts_matrix, blocks_array, tuple(labels), tuple(explain), written_matrix)


def _english_members(
    per_block: list[sp.csr_matrix], keys: list[str], default_english: np.ndarray, n: int, n_tokens: int
) -> np.ndarray:
    """Per member: True for English, by counting stop words unique to each language (ties: the locale)."""
    german_only = load_stopwords("de") - load_stopwords("en")
    english_only = load_stopwords("en") - load_stopwords("de")
    votes = np.array([(key in english_only) - (key in german_only) for key in keys], dtype=np.float64)
    balance = np.zeros(n)
    for matrix in per_block:
        balance += matrix @ votes if n_tokens else 0.0
    return (balance > 0) | ((balance == 0) & np.asarray(default_english, dtype=bool))


def _mapping(entries: list[tuple[int, int, float]], n_tokens: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Token -> stem matrices: all features with their weights, and the token's own word (weight 1) alone."""
    if not entries:
        empty = sp.csr_matrix((n_tokens, 0))
        return empty, empty
    tokens = np.array([e[0] for e in entries], dtype=np.int64)
    stems = np.array([e[1] for e in entries], dtype=np.int64)
    weights = np.array([e[2] for e in entries], dtype=np.float64)
    shape = (n_tokens, int(stems.max()) + 1)
    weighted = sp.csr_matrix((weights, (tokens, stems)), shape=shape)
    whole = weights == 1.0
    # A token's first feature is the whole word; a part of weight 1 never occurs (PART_WEIGHT < 1).
    assert PART_WEIGHT < 1.0
    full = sp.csr_matrix((np.ones(int(whole.sum())), (tokens[whole], stems[whole])), shape=shape)
    return weighted, full


def _widen(matrix: sp.csr_matrix, columns: int) -> sp.csr_matrix:
    matrix = matrix.tocsr()
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns))


def _stem_labels(
    per_block: list[sp.csr_matrix],
    mappings: dict[str, tuple[sp.csr_matrix, sp.csr_matrix]],
    selectors: dict[str, sp.csr_matrix],
    tokens: list[str],
    n_stems: int,
) -> list[str | None]:
    """Per stem the most used whole word that has it (ties: alphabetical), None when it only occurs as a part."""
    totals = sp.csr_matrix((n_stems, len(tokens)))
    for language, (_, full) in mappings.items():
        used = np.zeros(len(tokens))
        for matrix in per_block:
            used += np.asarray((selectors[language] @ matrix).sum(axis=0)).ravel()
        totals = totals + (sp.diags(used) @ full).T.tocsr() if len(tokens) else totals
    coo = totals.tocoo()
    result: list[str | None] = [None] * n_stems
    if coo.nnz:
        rank = np.empty(len(tokens), dtype=np.int64)
        rank[np.argsort(np.array(tokens, dtype=object), kind="stable")] = np.arange(len(tokens))
        order = np.lexsort((rank[coo.col], -coo.data, coo.row))
        rows, cols = coo.row[order], coo.col[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        for stem_id, token_index in zip(rows[first], cols[first]):
            result[int(stem_id)] = tokens[int(token_index)]
    return result


def _generic_stems(analyzer: TermAnalyzer) -> set[str]:
    """The stems of the generic administration words in both languages."""
    return {
        analyzer.stem(word, language)
        for word_language in LANGUAGES
        for word in load_generic_words(word_language)
        for language in LANGUAGES
    }


def _capitalised_spellings(tokens: list[str], per_block: list[sp.csr_matrix]) -> dict[str, str]:
    """For each tag key, the most used spelling with capitals members wrote in their texts ("OZG" for "ozg")."""
    if not tokens:
        return {}
    totals = np.zeros(len(tokens))
    for matrix in per_block:
        totals += np.asarray(matrix.sum(axis=0)).ravel()
    best: dict[str, tuple[float, str]] = {}
    for token, total in zip(tokens, totals):
        if token == token.lower():
            continue
        key = tag_key(token)
        candidate = (-float(total), token)
        if key not in best or candidate < best[key]:
            best[key] = candidate
    return {key: spelling for key, (_, spelling) in best.items()}


def display_tag(label: str, known_words: set[str] | frozenset[str] = frozenset()) -> str:
    """A forum tag slug as people write it: "llm" -> "LLM", "new-work" -> "New Work", "e-akte" -> "E-Akte".

    Labels with capitals or spaces are kept. An "ae/oe/ue" becomes an umlaut only when members wrote
    that word ("buergerservice" -> "Bürgerservice"), since "Steuer" or "aktuell" must stay as they are.
    """
    if label != label.lower() or " " in label:
        return label
    parts = [part for part in re.split(r"[-_]+", label) if part]
    if not parts:
        return label
    restored = []
    for part in parts:
        umlauted = part
        for plain, umlaut in _UMLAUTS:
            umlauted = umlauted.replace(plain, umlaut)
        restored.append(umlauted if umlauted != part and umlauted in known_words else part)

    def word(part: str) -> str:
        if len(part) <= 3 or not _VOWELS.search(part):
            return part.upper()  # short slugs are acronyms: ozg, llm, dms, ki
        return part[:1].upper() + part[1:]

    if len(restored) == 1:
        return word(restored[0])
    joiner = "-" if any(len(part) == 1 for part in restored) else " "
    return joiner.join(part.upper() if len(part) == 1 else part[:1].upper() + part[1:] for part in restored)
