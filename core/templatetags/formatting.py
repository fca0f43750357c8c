"""The portal's number formatting in templates: `{{ value|number }}`, `{{ value|share }}`.

Loaded as a built-in (settings.TEMPLATES), so every template writes figures the
one way `core.formatting` does.
"""

from django import template

from core import formatting

register = template.Library()


@register.filter
def number(value):
    return formatting.number(value)


@register.filter
def share(value):
    return formatting.share(value)
