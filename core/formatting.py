"""How the portal writes numbers and dates: the one place for both, in the active language.

Vietnamese groups thousands with a dot and writes decimals with a comma (46.495;
91,7); English the other way round. Figures round half up rather than being cut.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format

MISSING = "–"


def number(value, decimals: int | None = None) -> str:
    """A number in the active language's format: 46.495 in Vietnamese, 46,495 in English.

    Whole values show no decimals and others up to two, without a trailing zero
    (95,5, not 95,50), unless `decimals` says otherwise.
    """
    if value is None:
        return MISSING
    value = Decimal(value)
    if decimals is None:
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        decimals = min(2, max(0, -rounded.normalize().as_tuple().exponent))
    # Django's formatting cuts extra decimals off; a figure must round (91.67 → 91.7).
    value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def share(value) -> str:
    """A share in per cent, to one decimal, the sign written close: 97,7% (97.7% in English)."""
    if value is None:
        return MISSING
    return f"{number(value, 1)}%"


def plain_number(value):
    """A number for a spreadsheet: an int when whole, a float otherwise, None when missing."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def date_label(value: datetime.date | None) -> str:
    return "" if value is None else date_format(value, "SHORT_DATE_FORMAT")


def month_label(value: datetime.date) -> str:
    return date_format(value, "YEAR_MONTH_FORMAT")


def datetime_label(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
