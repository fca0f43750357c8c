"""Following a stored link from row to row: a province's successor, an agreement's
predecessor, a KPI's parent.

Each model's clean() refuses a loop, but rows written around it (an update, an old
import, an admin's edit in two tabs) may already go round one, and a page or a
recompute following them must still answer. So every walk stops at a row it has met.
"""

from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

Row = TypeVar("Row", bound=Hashable)


def walk(start: Row | None, step: Callable[[Row], Row | None]) -> Iterator[Row]:
    """`start` and each row `step` leads to from it, in order, until none or one met before."""
    seen = set()
    while start is not None and start not in seen:
        seen.add(start)
        yield start
        start = step(start)
