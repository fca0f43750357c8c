"""Dates that the sources give only in part: a month, or only a year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .formatting import date_label, month_label


class DatePrecision(models.TextChoices):
    """How much of a date the sources actually give."""

    DAY = "day", _("Day known")
    MONTH = "month", _("Month known")
    YEAR = "year", _("Year known")


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """A date shown only to the precision the sources give."""
    if value is None:
        return str(_("unknown"))
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return month_label(value)
    return date_label(value)


def validate_partial_date(value: datetime.date | None, precision: str, field: str):
    """A partial date is stored as the first day of its month or year."""
    if value is None:
        return
    if precision == DatePrecision.MONTH and value.day != 1:
        raise ValidationError(
            {field: _("A date known only to the month must be stored as the month's first day.")}
        )
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        raise ValidationError(
            {field: _("A date known only to the year must be stored as 1 January.")}
        )
