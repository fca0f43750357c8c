"""Dates that the sources give only in part: a month, only a year, or a day it came before."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .formatting import date_label, month_label


class DatePrecision(models.TextChoices):
    """How much of a date the sources actually give."""

    DAY = "day", _("Day given")
    MONTH = "month", _("Source gives only the month")
    YEAR = "year", _("Source gives only the year")
    # "By 24/9/2020": the source reports it done on a day without saying when it was.
    BY = "by", _("Source gives only a day by which it happened")


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """A date shown only to the precision the sources give."""
    if value is None:
        return str(_("unknown"))
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return month_label(value)
    if precision == DatePrecision.BY:
        return str(_("by %(date)s") % {"date": date_label(value)})
    return date_label(value)


def partial_date_bounds(
    value: datetime.date, precision: str
) -> tuple[datetime.date | None, datetime.date]:
    """The first and last day a partial date can be; None as the first of "by" a day."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        days = calendar.monthrange(value.year, value.month)[1]
        return value.replace(day=1), value.replace(day=days)
    if precision == DatePrecision.BY:
        return None, value
    return value, value


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
