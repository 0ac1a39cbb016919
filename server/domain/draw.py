"""The pick's draw, pure: the same rows, seed and rules always give the same pick (README, "The pick", which says
it in words so anyone can re-run it by hand).

For a seed S (an integer written in decimal):

1. Each theme's rows are put in order of sha256(f"{S}:{reference}") as lowercase hex, smallest first.
2. The themes are put in order of sha256(f"{S}:theme:{theme}"), smallest first: the theme order.
3. How many primaries: a fixed count, or a share of the list's rows rounded down, at least `min`, at most `max`.
4. How many of them each theme gets (the allocation):
   - round_robin: round after round over the themes in the theme order, one each, skipping themes with no rows
     left, so no theme gets a second before every theme has one;
   - proportional: each theme's quota is places x (its rows / all rows); it gets its quota rounded down, and the
     places left go one each to the largest remainders (ties: the earlier theme in the theme order). When there are
     at least as many places as themes, a theme left with none takes 1 place from the theme with the most (ties:
     the later theme in the theme order), until every theme has one.
5. Each theme's first rows (in its own order) fill its places, and the picked references are listed round after
   round over the themes in the theme order.
6. Reserves: the same allocation over the rows left, for the reserve count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

ALLOCATIONS = ("round_robin", "proportional")


class HasTheme(Protocol):
    @property
    def reference(self) -> str: ...

    @property
    def theme(self) -> str: ...


@dataclass(frozen=True)
class Size:
    """A share of the long list's rows, rounded down, kept between `min` and `max`."""

    share: float
    min: int
    max: int

    def count(self, rows: int) -> int:
        # Decimal from the share as written: 0.29 x 100 is 29, where the float product is 28.999...
        wanted = int(Decimal(str(self.share)) * rows)
        return max(self.min, min(self.max, wanted))

    def as_dict(self) -> dict[str, float]:
        return {"share": self.share, "min": self.min, "max": self.max}


def key(seed: int, value: str) -> str:
    return hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()


def theme_order(seed: int, themes: Sequence[str]) -> list[str]:
    return sorted(themes, key=lambda theme: key(seed, f"theme:{theme}"))


def round_robin(order: list[str], available: dict[str, int], places: int) -> dict[str, int]:
    """One place a theme a round, in the theme order, skipping themes with no rows left."""
    given = dict.fromkeys(order, 0)
    left = min(places, sum(available.values()))
    while left:
        for theme in order:
            if left and given[theme] < available[theme]:
                given[theme] += 1
                left -= 1
    return given


def proportional(order: list[str], available: dict[str, int], places: int) -> dict[str, int]:
    """Largest remainders over each theme's share of the rows; every theme one place when places allow."""
    present = [theme for theme in order if available[theme]]
    total = sum(available[theme] for theme in present)
    places = min(places, total)
    given = dict.fromkeys(order, 0)
    if not places:
        return given
    quota = {theme: Fraction(places * available[theme], total) for theme in present}
    for theme in present:
        given[theme] = int(quota[theme])
    left = places - sum(given.values())
    # Largest remainder first; sorted() keeps the theme order among equal remainders.
    for theme in sorted(present, key=lambda t: quota[t] - given[t], reverse=True)[:left]:
        given[theme] += 1
    if places >= len(present):
        for theme in present:
            if given[theme] == 0:
                # The theme with the most places, the later in the theme order on a tie, gives one up.
                donor = max(reversed(present), key=lambda t: given[t])
                given[donor] -= 1
                given[theme] = 1
    return given


def draw[R: HasTheme](
    rows: Sequence[R], seed: int, primary: int, reserve: int, allocation: str
) -> tuple[list[R], list[R]]:
    """The picked rows, primaries then reserves."""
    by_theme: dict[str, list[R]] = {}
    for row in rows:
        by_theme.setdefault(row.theme, []).append(row)
    for theme_rows in by_theme.values():
        theme_rows.sort(key=lambda row: key(seed, row.reference))
    order = theme_order(seed, list(by_theme))
    allot = proportional if allocation == "proportional" else round_robin
    picked = []
    for places in (primary, reserve):
        given = allot(order, {theme: len(by_theme[theme]) for theme in order}, places)
        picked.append(_in_rounds(order, by_theme, given))
    return picked[0], picked[1]


def _in_rounds[R: HasTheme](order: list[str], by_theme: dict[str, list[R]], given: dict[str, int]) -> list[R]:
    """Each theme's first rows for its places, listed round after round in the theme order; taken off `by_theme`."""
    taken: list[R] = []
    counts = dict(given)
    while any(counts.values()):
        for theme in order:
            if counts[theme]:
                taken.append(by_theme[theme].pop(0))
                counts[theme] -= 1
    return taken
