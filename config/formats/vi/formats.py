# Django's Vietnamese formats leave numbers ungrouped; officials read 46.495, not 46495.
NUMBER_GROUPING = 3
# Day/month/year with slashes is how Vietnamese documents write dates (17/9/2014).
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = r"\t\há\n\g n/Y"
# Typed dates are read day first, never month first: see core/date_formats.py.
from core.date_formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: E402, F401
