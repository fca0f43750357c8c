"""Status and quarter labels for the dashboard templates, and their tables and charts;
numbers use core's built-in filters."""

from django import template
from django.http import QueryDict

from core.quarters import Quarter
from dashboards import drawing
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


@register.simple_tag(takes_context=True)
def table(context, table):
    """A dashboard's table, with downloads of it under the page's choices."""
    return drawing.table(table, context.get("export_query", ""))


@register.simple_tag
def chart(kind: str, chart: dict):
    """A chart of `dashboards.charts`: "line", "bars", "tile_map", "dumbbell" or "timeline"."""
    return drawing.chart(kind, chart)


@register.simple_tag
def kpi_charts(charts: list[dict]):
    """The chart of each headline KPI of a province's or an agreement's page."""
    return drawing.kpi_charts(charts)
