# Django's Vietnamese formats leave numbers ungrouped; officials read 46.495, not 46495.
NUMBER_GROUPING = 3
# Day/month/year with slashes is how Vietnamese documents write dates (17/9/2014).
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
YEAR_MONTH_FORMAT = r"\t\há\n\g n/Y"
