"""Reading quarters, numbers and dates as people type them, for the API and the bulk import.

Only the parsing lives here; whether a value is acceptable (negative counts,
numerators above denominators…) is decided by `Kpi.reading_errors` and the
report services, so a rule gives the same message on every path.
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .date_formats import DATE_INPUT_FORMATS
from .formatting import month_label
from .quarters import Quarter

FIRST_YEAR, LAST_YEAR = 1990, 2100

# Thousands as grouped in writing: 1.480 or 1,480. A first group from 0 (0.125) groups no
# thousands in any language: it is a decimal, never 125.
_GROUPED = re.compile(r"^[1-9]\d{0,2}([.,])\d{3}(\1\d{3})*$", re.ASCII)
# What a number is once its separators are resolved: ASCII digits and one point. Python's
# Decimal also takes 1_480, 1e3 and other scripts' digits (１４８０), which nobody means.
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_DIGITS = re.compile(r"^-?\d+$", re.ASCII)
_FRACTION = re.compile(r"^(-?\d*)\.(\d*?)0*$", re.ASCII)


def parse_quarter(text) -> Quarter:
    """A quarter written as 2021Q4, 2021-Q4, Q4/2021, Quý 4/2021 or 20214, between 1990 and 2100."""
    try:
        quarter = Quarter.parse(str(text))
    except (ValueError, TypeError):
        quarter = None
    if quarter is None or not FIRST_YEAR <= quarter.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a quarter as year and number, such as 2021Q4 or Q4/2021."), code="quarter"
        )
    return quarter


def quarter_label(code: int) -> str:
    """The machine form of a quarter, 2021Q4, used in the API and the import files."""
    quarter = Quarter.from_code(code)
    return f"{quarter.year}Q{quarter.number}"


def _canonical_number(text: str) -> str:
    """Turn 1.234,5 / 1,234.5 / 1 234 into 1234.5, resolving 1.234 by the active language.

    A single separator followed by exactly three digits is read as a thousands
    separator in Vietnamese and as a decimal point in English, but three zeros after the
    language's decimal point (133,000 in Vietnamese) are refused: see `_either_number`.
    Anything else that Python would read as a number (1_480, 1e3, １４８０) is refused.
    """
    sign, cleaned = _sign_and_body(text)
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    else:
        grouped = _GROUPED.match(cleaned)
        separator = grouped.group(1) if grouped else None
        if separator and (
            cleaned.count(separator) > 1 or separator == get_format("THOUSAND_SEPARATOR")
        ):
            cleaned = cleaned.replace(separator, "")
        else:
            grouping = _grouping_read_as_decimal(cleaned)
            if grouping and grouping[1] == "000":
                raise ValidationError(
                    _either_number(text.strip(), sign + grouping[0]), code="ambiguous"
                )
            cleaned = cleaned.replace(",", ".")
    if not _PLAIN.match(cleaned):
        raise ValidationError(_DECIMAL_FIELD.error_messages["invalid"], code="invalid")
    return _without_closing_zeros(sign + cleaned)


def _sign_and_body(text: str) -> tuple[str, str]:
    """The minus sign of a typed number ("" for none or +) and the rest, spaces taken out."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned[:1] in ("+", "-"):
        return cleaned[0].replace("+", ""), cleaned[1:]
    return "", cleaned


def _grouping_read_as_decimal(body: str) -> tuple[str, str] | None:
    """1.480 in English, 1,480 in Vietnamese, as ("1", "480"): thousands grouped as the other
    language groups them, which this language reads as a decimal point and three decimals.

    None for anything else.
    """
    grouped = _GROUPED.match(body)
    if grouped is None:
        return None
    separator = grouped.group(1)
    if body.count(separator) > 1 or separator == get_format("THOUSAND_SEPARATOR"):
        return None
    whole, decimals = body.split(separator)
    return whole, decimals


def _either_number(typed: str, whole: str) -> str:
    """Why 133,000 in Vietnamese (133.000 in English) is refused, for every number alike.

    Nobody writes three closing zeros to mean a whole 133, but the other language's
    thousands look just so: read as 133, a copied 133,000 would silently be a thousandth of
    what was meant. What is read here does not know which KPI it is for, so a percentage
    typed 50,000 is refused too, told how to write 50.
    """
    # The English text names English; each translation names its own language and decimal
    # separator (Vietnamese: the comma), as %(grouped)s is written with its grouping.
    return _(
        "%(typed)s could be %(small)s or %(large)s: in English, “.” is the decimal point; "
        "for %(small)s, write %(small)s; for %(large)s, write %(grouped)s or %(plain)s."
    ) % {
        "typed": typed,
        "small": whole,
        "large": f"{whole}\u00a0000",
        "grouped": f"{whole}{get_format('THOUSAND_SEPARATOR')}000",
        "plain": f"{whole}000",
    }


def _grouping_hint(typed: str) -> str:
    """How to write the thousands meant when `typed` groups them as the other language does
    (1.569 in English), after a refusal of its reading (1.569, too many decimals); "" when
    it does not."""
    sign, body = _sign_and_body(typed)
    grouping = _grouping_read_as_decimal(body)
    if grouping is None:
        return ""
    whole, rest = sign + grouping[0], grouping[1]
    # The English text names English; each translation names its own language and decimal
    # separator (Vietnamese: the comma), as %(grouped)s is written with its grouping.
    return _(
        "in English, “.” is the decimal point; for %(number)s, write %(grouped)s or %(plain)s"
    ) % {
        "number": f"{whole}\u00a0{rest}",
        "grouped": f"{whole}{get_format('THOUSAND_SEPARATOR')}{rest}",
        "plain": whole + rest,
    }


def thousands_hint(value: Decimal) -> str:
    """How to write the thousands a whole count read as a fraction may have meant: 1.48 read
    from "1.480" on an English page (the point is a decimal point there) was 1 480 with the
    Vietnamese grouping; "" for a value that no such reading gives (0.5, 1.4805), and for
    one decimal (12.5), more likely a fraction typed as such than 12 500."""
    exponent = value.normalize().as_tuple().exponent
    if value < 1 or exponent not in (-2, -3):
        return ""
    whole, fraction = f"{value:.3f}".split(".")
    return _grouping_hint(f"{whole}{get_format('DECIMAL_SEPARATOR')}{fraction}")


def _too_many_decimals(typed: str, number: Decimal, limit: int) -> str:
    """The refusal of a number with more than `limit` decimals, quoting it as typed (a number
    from a spreadsheet cell as the language writes it), rather than Django's bare "Ensure
    that there are no more than 2 decimal places", which says nothing of 1.569 in English
    being read as one and a bit."""
    values = {"typed": typed or input_number(number), "max": limit}
    if hint := _grouping_hint(typed):
        message = ngettext(
            "%(typed)s has more than %(max)s decimal place: %(hint)s.",
            "%(typed)s has more than %(max)s decimal places: %(hint)s.",
            limit,
        )
        return message % {**values, "hint": hint}
    message = ngettext(
        "%(typed)s has more than %(max)s decimal place.",
        "%(typed)s has more than %(max)s decimal places.",
        limit,
    )
    return message % values


def _without_closing_zeros(text: str) -> str:
    """1.480 is exactly 1.48: zeros closing a fraction are no decimal places the limit of
    two should refuse. Only zeros go; 1.485 keeps its 5 and is refused, never rounded."""
    fraction = _FRACTION.match(text)
    if fraction is None:
        return text
    whole, decimals = fraction.groups()
    if whole in ("", "-"):
        whole += "0"
    return f"{whole}.{decimals}" if decimals else whole


def parse_number(value) -> Decimal | None:
    """A number from a spreadsheet cell or typed text; empty means no value.

    Text is read, and refused, as the entry form reads it (`NumberField`).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(_DECIMAL_FIELD.error_messages["invalid"], code="invalid")
    if isinstance(value, float):
        # Spreadsheet arithmetic leaves binary noise (0.30000000000000004).
        value = Decimal(format(value, ".15g"))
    elif isinstance(value, int | Decimal):
        value = Decimal(_without_closing_zeros(str(value)))
    else:
        value = str(value)
    return _DECIMAL_FIELD.clean(value)


def input_number(value) -> str | None:
    """A stored number as a user would type it: no grouping, no trailing zeros."""
    if value is None:
        return None
    # normalize() writes 10 as 1E+1; numberformat spells such a Decimal out in full.
    return numberformat.format(
        value.normalize(),
        get_format("DECIMAL_SEPARATOR"),
        grouping=0,
        thousand_sep="",
        use_l10n=True,
    )


class NumberInput(forms.TextInput):
    """Text, not type=number: browsers refuse 79.500 and 91,7 in a number input, and
    Chromium in Vietnamese turns 12,5 into 125 there without a word.

    A stored number shows as `input_number` writes it, so 12,5 in Vietnamese.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return input_number(value)
        return super().format_value(value)


class NumberField(forms.DecimalField):
    """A number field of a form that reads what people type as the import does.

    79.500 and 79 500 are seventy-nine thousand five hundred in Vietnamese; 91,7 is
    a decimal; see `_canonical_number`. More decimals than the field takes are refused
    here, before Django's DecimalValidator would, quoting what was typed
    (`_too_many_decimals`).
    """

    widget = NumberInput

    def to_python(self, value):
        typed = value.strip() if isinstance(value, str) else ""
        number = super().to_python(_canonical_number(typed) if typed else value)
        if (
            number is not None
            and number.is_finite()
            and self.decimal_places is not None
            and -number.as_tuple().exponent > self.decimal_places
        ):
            raise ValidationError(
                _too_many_decimals(typed, number, self.decimal_places), code="max_decimal_places"
            )
        return number


# The same limits as the entry form's number fields, so the same refusals.
_DECIMAL_FIELD = NumberField(max_digits=16, decimal_places=2)


def plain_whole_number(text: str) -> bool:
    """Whether `text` is a whole number as people type one in a whole-number field: digits,
    perhaps a minus sign, nothing else (no 10.0, no grouped 1.000, no 1_0)."""
    return bool(_DIGITS.match(text.strip()))


class WholeNumberField(forms.IntegerField):
    """A whole number of a form (a percentage, a version) in plain digits.

    Django's IntegerField reads what int() reads: 1_0 as 10, ١٠ and １０ too, and 10.0;
    the value saved would not be the one typed.
    """

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not plain_whole_number(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


# Each form dates are typed in (core.date_formats), as its day, month and year in digits.
_DATE_PARTS = {"%d": r"(?P<day>\d{1,2})", "%m": r"(?P<month>\d{1,2})", "%Y": r"(?P<year>\d{4})"}


def _date_pattern(input_format: str) -> re.Pattern:
    pattern = re.escape(input_format)
    for directive, part in _DATE_PARTS.items():
        pattern = pattern.replace(directive, part)
    return re.compile(pattern, re.ASCII)


_TYPED_DATES = tuple(_date_pattern(input_format) for input_format in DATE_INPUT_FORMATS)


def impossible_date_refusal(value) -> str | None:
    """Why `value`, typed as a day, month and year in one of the forms dates are typed in,
    names no day of the calendar (31/02/2021); None for anything else.

    The one rule for the forms, the admin, the import and the API: the user followed the
    form, so "type day/month/year" would send them looking for a mistake they did not
    make. A month above 12 (12/31/2030, typed month first) is the form not followed.
    """
    if not isinstance(value, str):
        return None
    typed = value.strip()
    match = next(filter(None, (pattern.fullmatch(typed) for pattern in _TYPED_DATES)), None)
    if match is None:
        return None
    day, month, year = (int(match[part]) for part in ("day", "month", "year"))
    if not 1 <= month <= 12 or year < datetime.MINYEAR:
        return None
    days = calendar.monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    return _("%(typed)s is no date: %(month)s has %(days)s days.") % {
        "typed": typed,
        "month": month_label(datetime.date(year, month, 1)),
        "days": days,
    }


class DateField(forms.DateField):
    """A date field of every form and of the admin: typed day first (`DATE_INPUT_FORMATS`),
    and a day its month does not have refused as such (`impossible_date_refusal`)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if refusal := impossible_date_refusal(value):
                raise ValidationError(refusal, code="no_such_date") from None
            raise


_DATE_FIELD = DateField(input_formats=DATE_INPUT_FORMATS)


def parse_date(value) -> datetime.date | None:
    """A date from a spreadsheet cell, or typed as 2021-12-31 or 31/12/2021."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _DATE_FIELD.clean(str(value).strip())
