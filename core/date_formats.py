"""How dates may be typed, in every language: day first, or ISO; never month first.

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
