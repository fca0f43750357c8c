"""What the portal asks its users to look at again in an agreement's figures, without
refusing them."""

from collections import defaultdict

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
    beside = _targets_beside(targets)
    for target in targets:
        if doubt := _against_baseline(target):
            doubts[doubt] = None
        for part, whole in _parts_and_wholes(target, beside):
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


def _targets_beside(targets) -> dict[int, list[KpiTarget]]:
    """Every target of the agreements of `targets`, by agreement, read at once: an agreement
    page saves a target for each KPI, and each is compared with the others."""
    beside = defaultdict(list)
    rows = KpiTarget.objects.filter(agreement_id__in={target.agreement_id for target in targets})
    for row in rows.select_related("kpi"):
        beside[row.agreement_id].append(row)
    return beside


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


def _parts_and_wholes(target: KpiTarget, beside: dict[int, list[KpiTarget]]):
    """`target` paired with each target of its agreement (`beside`) for the KPI it is part of
    or for a KPI part of it, as (part, whole); only of one kind, since a count is never
    compared with a share."""
    for other in beside[target.agreement_id]:
        if other.pk == target.pk or other.kpi.kind != target.kpi.kind:
            continue
        if other.kpi_id == target.kpi.parent_id:
            yield target, other
        elif other.kpi.parent_id == target.kpi_id:
            yield other, target
