"""The one lineage of the provinces: which units are current, which merged into which.

On 2025-07-01 the 63 provincial units were merged into 34. A former unit keeps
its own record with `valid_until` set and `successor` naming what it became
part of; a current unit has no `valid_until` (`models.current_q`). Which units
merged into which, at any depth, is answered here.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from core.links import walk

from .models import Province

logger = logging.getLogger(__name__)


class ProvinceTree:
    """Who merged into whom, from one query over the 97 province records."""

    def __init__(self):
        self.successor = dict(Province.objects.values_list("pk", "successor_id"))
        self.predecessors = defaultdict(list)
        for province_id, successor_id in self.successor.items():
            if successor_id:
                self.predecessors[successor_id].append(province_id)
        # Province.clean refuses a loop, but rows written around it must still never hang
        # a page: every walk below stops at a unit it has seen, and the loop is logged.
        # Every chain ends at a unit merged into nothing or on a loop, so one pass down from
        # the former finds whether any loop is there; only then are its units looked for.
        if len(self.with_predecessors(self.roots())) < len(self.successor):
            logger.error("The merger record loops through provinces %s", sorted(self.cycles()))

    def cycles(self) -> set[int]:
        """The units on a loop of successors (each merged, at some depth, into itself)."""
        looped = set()
        for province_id in self.successor:
            chain = self.chain(province_id)
            if self.successor.get(chain[-1]) in chain:
                looped.update(chain[chain.index(self.successor[chain[-1]]) :])
        return looped

    def chain(self, province_id: int) -> list[int]:
        """The province and every unit it became part of, oldest first."""
        return list(walk(province_id, self.successor.get))

    def beside(self, chain: list[int]) -> set[int]:
        """The units merged into the provinces of `chain` that are not on it themselves."""
        return {child for pk in chain for child in self.predecessors[pk]} - set(chain)

    def roots(self) -> list[int]:
        """The units that merged into nothing: the current provinces."""
        return [pk for pk, successor in self.successor.items() if successor is None]

    def ancestors_map(self) -> dict[int, list[int]]:
        """For each unit: itself and every unit it became part of (whose totals it feeds)."""
        return {pk: self.chain(pk) for pk in self.successor}

    def bottom_up(self) -> list[int]:
        """Province ids ordered so that merged units come before what they merged into."""
        height = {}

        def measure(pk):
            if pk not in height:
                height[pk] = 0  # a unit met again on a loop adds no height
                height[pk] = 1 + max((measure(child) for child in self.predecessors[pk]), default=0)
            return height[pk]

        return sorted(self.successor, key=lambda pk: (measure(pk), pk))

    def with_predecessors(self, province_ids) -> set[int]:
        """The given units and every former unit merged into them, at any depth."""
        found = set(province_ids)
        frontier = list(found)
        while frontier:
            frontier = {child for pk in frontier for child in self.predecessors[pk]} - found
            found.update(frontier)
        return found


def with_predecessors(province_ids, tree: ProvinceTree | None = None) -> set[int]:
    """The given units and every former unit merged into them, at any depth.

    Each tree is a query over every province: a caller asking again and again, in a loop,
    passes the one it holds. It holds it for that work only, never across requests: kept
    longer, a tree would miss a merger recorded meanwhile.
    """
    return (tree or ProvinceTree()).with_predecessors(province_ids)
