"""Status and quarter labels for the dashboard templates; numbers use core's built-in filters."""

from django import template
from django.http import QueryDict

from core.quarters import Quarter
from dashboards.services import display_value

register = template.Library()


@register.filter
def status_label(value):
    return display_value("status", value)


@register.filter
def quarter_label(value):
    return str(Quarter.from_code(value)) if value else "–"


@register.filter
def units_query(query: str, units: str) -> str:
    """The page's query string with another choice of map."""
    data = QueryDict(query, mutable=True)
    data["units"] = units
    return data.urlencode()
