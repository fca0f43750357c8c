"""Quarters stored as one sortable integer, YYYYQ (20204 is the fourth quarter of 2020)."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number {self.number} is not 1 to 4")

    @classmethod
    def from_code(cls, code: int) -> Quarter:
        return cls(code // 10, code % 10)

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Accepts 2020Q4, 2020-Q4, Q4/2020, Quý 4/2020 and 20204.

        Q4/2020 and Quý 4/2020 are how the portal writes a quarter (`__str__`), in English
        and in Vietnamese, so a quarter copied from any of its pages reads back.
        """
        # NFC first: a keyboard may send the ý of "Quý" as y and a combining accent.
        cleaned = unicodedata.normalize("NFC", text).strip().upper()
        cleaned = cleaned.replace("QUÝ", "Q").replace("-", "").replace(" ", "")
        if "/" in cleaned and cleaned.startswith("Q"):
            number, year = cleaned[1:].split("/", 1)
            return cls(int(year), int(number))
        if "Q" in cleaned:
            year, number = cleaned.split("Q", 1)
            return cls(int(year), int(number))
        return cls.from_code(int(cleaned))

    @property
    def code(self) -> int:
        return self.year * 10 + self.number

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def index(self) -> int:
        """Quarters since year 0, for differences and trends."""
        return self.year * 4 + self.number - 1

    def __str__(self):
        return _("Q%(number)s/%(year)s") % {"number": self.number, "year": self.year}


def last_completed(today: datetime.date | None = None) -> Quarter:
    """The quarter most recently ended: the one being reported now, and figures are judged at."""
    return Quarter.containing(today or timezone.localdate()).previous()


def year_quarters(first_year: int, last_year: int) -> tuple[int, int]:
    """The codes of the first quarter of `first_year` and of the last of `last_year`."""
    return Quarter(first_year, 1).code, Quarter(last_year, 4).code


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    quarters, current = [], first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def runs_label(quarters) -> str:
    """Quarters as a reader takes them in: each run of consecutive ones as its first and last
    (Q3/2024–Q2/2025), the runs apart by commas."""
    runs: list[tuple[Quarter, Quarter]] = []
    for quarter in sorted(set(quarters)):
        if runs and runs[-1][1].next() == quarter:
            runs[-1] = (runs[-1][0], quarter)
        else:
            runs.append((quarter, quarter))
    return ", ".join(str(first) if first == last else f"{first}–{last}" for first, last in runs)
