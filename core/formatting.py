"""How the portal writes numbers and dates: the one place for both, in the active language.

Vietnamese groups thousands with a dot and writes decimals with a comma (46.495;
91,7); English the other way round. Figures round half up rather than being cut.
"""

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    if value.is_zero():
        value = value.copy_abs()  # -0,004 rounds to 0, not to -0
    # Python writes 46,495.5; the language's separators replace its two in one pass. This
    # writes what Django's number_format does (tests/test_number_format.py) in a fifth of
    # the time, which counts on a page of thousands of figures.
    return f"{value:,.{decimals}f}".translate(_separators(get_language()))


@functools.cache
def _separators(language: str | None) -> dict:
    """The language's separators as a translation table; both languages group by three."""
    return str.maketrans(
        {
            ",": get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            ".": get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        }
    )


def share(value) -> str:
    """A share in per cent, to one decimal, the sign written close: 97,7% (97.7% in English)."""
    if value is None:
        return MISSING
    return f"{number(value, 1)}%"


def points(value) -> str:
    """A difference of two shares, in percentage points to one decimal: 22,4 điểm % (22.4 pp).

    Written as a share it would read as a share of something (22,4% of what?).
    """
    if value is None:
        return MISSING
    return _("%(points)s pp") % {"points": number(value, 1)}


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


# A refusal names this many of the rows it concerns, and counts them all.
NAMED_IN_A_REFUSAL = 5


def first_few(names) -> str:
    """Names as a refusal lists them: the first few, then an ellipsis for the rest."""
    names = list(names)
    listed = "; ".join(names[:NAMED_IN_A_REFUSAL])
    return listed + " …" if len(names) > NAMED_IN_A_REFUSAL else listed
