"""How dates are written and typed, in every language: day first, never month first.

Shown, a date has one style per language: 01/07/2025 in Vietnamese (two-digit day
and month, as official documents write them), 1 Jul 2025 in English, which no
reader can take for 7 January. The locale format modules (config/formats) read
the display formats below, so Django's `date` filter and core.formatting agree.

Vietnamese and English users of the portal alike write 05/02/2026 for 5 February.
Django's English (and its fallback for Vietnamese) would read it month first, and
swap day and month without a word; these formats are the only ones accepted, by
the forms and the admin (config/formats), the import (core.parsing) and the API
(REST_FRAMEWORK in the settings). Plain constants, so the settings can read them.
"""

DATE_INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
DATETIME_INPUT_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
)
# What a refusal shows as the form to follow.
DATE_EXAMPLE = "05/02/2026"

# Shown: the display formats of each language, in Django's date-format syntax.
DISPLAY_FORMATS = {
    "vi": {
        "DATE_FORMAT": "d/m/Y",
        "SHORT_DATE_FORMAT": "d/m/Y",
        "DATETIME_FORMAT": "H:i d/m/Y",
        "SHORT_DATETIME_FORMAT": "H:i d/m/Y",
        "YEAR_MONTH_FORMAT": r"\t\há\n\g n/Y",
    },
    "en": {
        "DATE_FORMAT": "j M Y",
        "SHORT_DATE_FORMAT": "j M Y",
        "DATETIME_FORMAT": "j M Y, H:i",
        "SHORT_DATETIME_FORMAT": "j M Y, H:i",
        "YEAR_MONTH_FORMAT": "F Y",
    },
}
