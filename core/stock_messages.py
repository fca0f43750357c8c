"""Django's and Django REST framework's own messages, worded again for the portal's users.

A translation in this project's catalogue (locale/) takes precedence over the one
Django or DRF ships, so marking their messages here lets locale/vi and locale/en
say them as an official would, with an example where a user has to retype
something. Nothing calls these: makemessages reads the marks.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STOCK_MESSAGES = (
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Enter a number."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Please correct the error below."),
    gettext_noop("Please correct the errors below."),
    gettext_noop("Auth Token"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
)
