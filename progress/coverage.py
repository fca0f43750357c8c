"""How a figure says as of when and for how many units it stands: one wording, everywhere.

The dashboards, their downloads and the API's progress endpoints all call it,
so an official reads the same "as of Q3/2025 · 7 of 9 provinces reporting" in each.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.quarters import Quarter


def coverage(figures) -> str:
    """As of which quarter a figure stands, and for how many units (DOMAIN.md).

    "as of Q3/2025 · 7 of 9 provinces reporting, 2 carried from Q2/2025" for the
    nation or a region; "2 of 3 former units reporting" for a merged province.
    """
    reference = getattr(figures, "reference_quarter", None) or figures.latest_quarter
    if not reference:
        return ""
    # A unit whose value is too old to count: the value shown is of its last report, not of
    # the reference quarter.
    single = getattr(figures, "units_expected", None) == 1
    if single and not figures.units_reporting and figures.latest_quarter:
        return _("last reported %(quarter)s") % {
            "quarter": Quarter.from_code(figures.latest_quarter)
        }
    parts = [_("as of %(quarter)s") % {"quarter": Quarter.from_code(reference)}]
    expected = getattr(figures, "provinces_expected", None)
    if expected is not None:
        reporting, carried = figures.provinces_reporting, figures.provinces_carried
        parts.append(
            ngettext(
                "%(reporting)s of %(expected)s province reporting",
                "%(reporting)s of %(expected)s provinces reporting",
                expected,
            )
            % {"reporting": reporting, "expected": expected}
        )
    elif not hasattr(figures, "units_expected"):
        # One agreement's figure: its own latest quarter, nothing added up.
        return parts[0]
    else:
        reporting, carried = figures.units_reporting, figures.units_carried
        if figures.units_expected > 1:
            parts.append(
                ngettext(
                    "%(reporting)s of %(expected)s former unit reporting",
                    "%(reporting)s of %(expected)s former units reporting",
                    figures.units_expected,
                )
                % {"reporting": reporting, "expected": figures.units_expected}
            )
    if carried and figures.carried_from:
        carried_from = Quarter.from_code(figures.carried_from)
        # Figures carried from different quarters name the oldest and the newest: "8 carried
        # from Q2/2025" read as all eight, when one of them was Q3/2025's.
        until = getattr(figures, "carried_until", None)
        if until and until != figures.carried_from:
            text = ngettext(
                "%(count)s carried from %(quarter)s to %(until)s",
                "%(count)s carried from %(quarter)s to %(until)s",
                carried,
            ) % {"count": carried, "quarter": carried_from, "until": Quarter.from_code(until)}
        elif carried == 1 and len(parts) == 1:
            text = _("carried from %(quarter)s") % {"quarter": carried_from}
        else:
            text = ngettext(
                "%(count)s carried from %(quarter)s",
                "%(count)s carried from %(quarter)s",
                carried,
            ) % {"count": carried, "quarter": carried_from}
        parts[-1] = f"{parts[-1]}, {text}" if len(parts) > 1 else f"{parts[-1]} · {text}"
    return " · ".join(parts)
