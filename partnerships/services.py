"""What the portal asks its users to look at again in an agreement's figures, without
refusing them."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.formatting import number

from .models import KpiTarget


def implausible_targets(targets) -> list[str]:
    """Why saved `targets`, read beside the other targets of their agreements, look wrong.

    A target on the wrong side of its baseline (below it where higher is better, above it
    where lower is better), or a part's target (4G stations) above that of the whole it is
    part of (all stations) in the same agreement. Such a figure may be what was signed, so
    it is told of, never refused: a date outside the agreement's period, which would count
    in no phase, is refused by `KpiTarget.clean`. Each doubt is told once, however many of
    `targets` it concerns.
    """
    doubts = {}
    for target in targets:
        if doubt := _against_baseline(target):
            doubts[doubt] = None
        for part, whole in _parts_and_wholes(target):
            if part.target_value > whole.target_value:
                doubt = _(
                    "The target for %(part)s (%(part_value)s) is above the target for "
                    "%(whole)s (%(whole_value)s), which it is part of."
                ) % {
                    "part": part.kpi.name,
                    "part_value": number(part.target_value),
                    "whole": whole.kpi.name,
                    "whole_value": number(whole.target_value),
                }
                doubts[doubt] = None
    return list(doubts)


def _against_baseline(target: KpiTarget) -> str:
    baseline, value, kpi = target.baseline_value, target.target_value, target.kpi
    if baseline is None:
        return ""
    if kpi.higher_is_better and value < baseline:
        told = _(
            "The target for %(kpi)s (%(target)s) is below its baseline (%(baseline)s), "
            "though higher is better for this KPI."
        )
    elif not kpi.higher_is_better and value > baseline:
        told = _(
            "The target for %(kpi)s (%(target)s) is above its baseline (%(baseline)s), "
            "though lower is better for this KPI."
        )
    else:
        return ""
    return told % {"kpi": kpi.name, "target": number(value), "baseline": number(baseline)}


def _parts_and_wholes(target: KpiTarget):
    """`target` paired with each target of its agreement for the KPI it is part of or for
    a KPI part of it, as (part, whole); only of one kind, since a count is never compared
    with a share."""
    related = (
        KpiTarget.objects.filter(agreement_id=target.agreement_id)
        .filter(Q(kpi_id=target.kpi.parent_id) | Q(kpi__parent_id=target.kpi_id))
        .exclude(pk=target.pk)
        .select_related("kpi")
    )
    for other in related:
        if other.kpi.kind != target.kpi.kind:
            continue
        yield (target, other) if other.kpi_id == target.kpi.parent_id else (other, target)
