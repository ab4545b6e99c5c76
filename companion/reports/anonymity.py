"""k-anonymity of the report: no figure about fewer than k people, and none derivable from a total.

The rule, applied to every table of the report:

1. Organisations with fewer than k members are never named: they are pooled into one group
   ("smaller organisations"). A figure that names a group smaller than k — that pool, when it is
   itself smaller than k — is hidden.
2. A figure about 1 to k-1 people is hidden (0 is shown: it is about nobody).
3. Complementary suppression: a table's cells are one *line* whose total is published. When the
   hidden cells of a line together concern fewer than k people, the smallest shown cells are hidden
   as well until they do, so the remainder "total minus the shown cells" is always about k people or
   more. A total that itself concerns fewer than k people is hidden (rule 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from companion.reports.figures import Cell

SMALL = -1


@dataclass(frozen=True)
class Shown:
    """A figure as published: its value, or None when it is hidden."""

    value: float | None

    @property
    def hidden(self) -> bool:
        return self.value is None


def pool_map(org_size: Mapping[int, int], k: int) -> dict[int, int]:
    """Each organisation's group: itself with k or more members, else the pool of smaller ones (SMALL)."""
    return {org: (org if size >= k else SMALL) for org, size in org_size.items()}


def group_sizes(org_size: Mapping[int, int], k: int) -> dict[int, int]:
    """Members per group after pooling the small organisations."""
    sizes: dict[int, int] = {}
    for org, group in pool_map(org_size, k).items():
        sizes[group] = sizes.get(group, 0) + org_size[org]
    return sizes


def too_small(people: int, k: int) -> bool:
    """Rule 2: a figure about 1 to k-1 people."""
    return 0 < people < k


def protect(cells: Sequence[Cell], k: int, *, named_small: Sequence[bool] | None = None) -> list[Shown]:
    """Apply rules 1-3 to one line of cells whose total is published."""
    hidden = [too_small(len(cell.people), k) for cell in cells]
    if named_small is not None:
        hidden = [h or small for h, small in zip(hidden, named_small)]

    def remainder() -> int:
        return len(frozenset().union(*(c.people for c, h in zip(cells, hidden) if h)))

    while 0 < remainder() < k:
        candidates = [i for i, cell in enumerate(cells) if not hidden[i] and cell.people]
        if not candidates:
            break
        smallest = min(candidates, key=lambda i: (len(cells[i].people), cells[i].value, i))
        hidden[smallest] = True
    return [Shown(None if h else cell.value) for cell, h in zip(cells, hidden)]


def protect_total(cell: Cell, k: int) -> Shown:
    """A single published figure (a total): hidden when it concerns 1 to k-1 people."""
    return Shown(None if too_small(len(cell.people), k) else cell.value)


def protect_share(part: Cell, whole: Cell, k: int) -> Shown:
    """A share part/whole: hidden when the whole is smaller than k or the part concerns 1 to k-1 people."""
    if len(whole.people) < k or too_small(len(part.people), k):
        return Shown(None)
    return Shown(part.value / whole.value if whole.value else 0.0)
