"""Seeded synthetic sign-ups for tests and benchmarks: unequal organisations, sparse availability, topic clusters."""

from __future__ import annotations

import numpy as np

from matching.circles.model import SignUp, Slot

DEFAULT_BLOCKS = ("vormittag", "mittag", "nachmittag")
DEFAULT_SLOTS: tuple[Slot, ...] = tuple(Slot(day, block) for day in range(5) for block in DEFAULT_BLOCKS)

_TOPICS = [
    "digitalisierung",
    "personal",
    "onlinezugang",
    "beschaffung",
    "klimaschutz",
    "bauamt",
    "buergerservice",
    "datenschutz",
    "innovation",
    "fuehrung",
    "agile",
    "wissensmanagement",
    "social_media",
    "verkehr",
    "jugendamt",
    "finanzen",
    "open_data",
    "ki",
    "prozesse",
    "nachwuchs",
]


def synthetic_signups(
    n: int,
    seed: int = 0,
    *,
    organisations: int | None = None,
    slots: tuple[Slot, ...] = DEFAULT_SLOTS,
    slots_per_member: tuple[int, int] = (2, 4),
    host_share: float = 0.35,
    no_org_share: float = 0.03,
    keep_apart_share: float = 0.03,
    mode_shares: tuple[float, float, float] = (0.6, 0.25, 0.15),
    first_member_id: int = 1,
) -> list[SignUp]:
    """Generate ``n`` sign-ups; organisation sizes follow a Zipf-like law, slots have skewed popularity."""
    rng = np.random.default_rng(seed)
    org_count = organisations if organisations is not None else max(3, round(np.sqrt(n) * 1.2))
    org_weights = 1.0 / np.arange(1, org_count + 1) ** 1.1
    org_weights /= org_weights.sum()
    slot_weights = rng.gamma(1.0, 1.0, len(slots)) + 0.05
    slot_weights /= slot_weights.sum()
    vocab = [f"{topic}_{i}" for topic in _TOPICS for i in range(12)]
    topic_terms = np.arange(len(vocab)).reshape(len(_TOPICS), 12)
    ids = np.arange(first_member_id, first_member_id + n)
    signups = []
    for member_id in ids:
        org = None if rng.random() < no_org_share else int(rng.choice(org_count, p=org_weights)) + 1
        topics = rng.choice(len(_TOPICS), size=int(rng.integers(1, 3)), replace=False)
        terms: set[str] = set()
        for topic in topics:
            terms.update(vocab[t] for t in rng.choice(topic_terms[topic], size=int(rng.integers(3, 7)), replace=False))
        terms.update(vocab[t] for t in rng.choice(len(vocab), size=int(rng.integers(0, 3)), replace=False))
        low, high = slots_per_member
        chosen = rng.choice(
            len(slots), size=min(len(slots), int(rng.integers(low, high + 1))), replace=False, p=slot_weights
        )
        mode = str(rng.choice(["either", "online", "onsite"], p=list(mode_shares)))
        apart: frozenset[int] = frozenset()
        if rng.random() < keep_apart_share and n > 1:
            other = int(rng.choice(ids))
            if other != member_id:
                apart = frozenset({other})
        signups.append(
            SignUp(
                member_id=int(member_id),
                organisation_id=org,
                interests=frozenset(terms),
                availability=frozenset(slots[j] for j in chosen),
                willing_to_host=bool(rng.random() < host_share),
                mode_preference=mode,
                keep_apart=apart,
            )
        )
    return signups
