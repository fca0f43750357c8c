"""The dashboards' tables and charts, drawn by Jinja2 templates (`templates/jinja2/dashboards/`).

A merged province's page writes about 10,000 values, nearly all of them in its
tables and charts, and Django's template engine spends 5 to 15 µs on each: more
than half of the page's render. Jinja2 compiles a template to Python, and writes
a value in well under a microsecond, escaping it as Django does (`autoescape`, and
`__html__` for text marked safe). The pages around the tables and charts stay
Django templates, and write them with the tags of `dashboards.templatetags`.

The Jinja2 templates hold no text of their own to translate: `labels` gives
theirs, translated here, where `makemessages` finds them.
"""

import jinja2
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


class Environment(jinja2.Environment):
    """Jinja2 as the dashboards use it: a name is looked up in a dict before as an attribute.

    Their tables and charts are dicts of numbers and text (`dashboards.charts`), as
    their Django templates were; Jinja2 would otherwise try the attribute first and
    fail, thousands of times a page.
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def labels() -> dict[str, str]:
    """The words of the tables and charts, in the active language."""
    return {
        "download": _("Download"),
        "csv_comma": _("CSV (decimal comma)"),
        "csv_comma_title": _(
            "For Excel set to Vietnamese: 65,26 and columns separated by semicolons"
        ),
        "csv_point": _("CSV (decimal point)"),
        "csv_point_title": _(
            "For other spreadsheets and tools: 65.26 and columns separated by commas"
        ),
        "demo": _("DEMO"),
        "demo_title": _("Includes synthetic demonstration figures"),
        "nothing": _("Nothing to show for these choices yet."),
        "charts_note": _("The table under the charts gives their figures."),
        "line": _("Quarterly approved values against the target."),
        "line_empty": _("No approved values yet."),
        "line_target": _("Dashed line: target."),
        "line_projection": _("Dotted line: projection to the end of the period."),
        "target": _("Target"),
        "projected": _("Projected"),
        "bars": _("Share of each target reached, in per cent."),
        "bars_target": _("target"),
        "no_data": _("no data"),
        "tile_map": _("Provinces placed roughly where they lie, by status."),
        "dumbbell": _("Each province's figure in the two phases."),
        "timeline": _("Each agreement's period, and when it was signed."),
        "timeline_empty": _("No agreements."),
        "phase": _("Phase"),
        "signed": _("Signed"),
    }


def draw(template: str, **context) -> SafeString:
    """`template` (under `templates/jinja2/`) rendered with `context`, as safe HTML."""
    page = engines["jinja2"].get_template(template)
    # Jinja2 escaped every value it wrote (autoescape).
    return mark_safe(page.render({**context, "labels": labels()}))


def table(table, export_query: str = "") -> SafeString:
    return draw("dashboards/table.html", table=table, export_query=export_query)


def chart(kind: str, chart: dict) -> SafeString:
    return draw(f"dashboards/charts/{kind}.html", chart=chart)


def kpi_charts(charts: list[dict]) -> SafeString:
    return draw("dashboards/kpi_charts.html", kpi_charts=charts)
