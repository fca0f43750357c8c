"""The officials' monthly summary of a province or of the whole country.

The figures are the dashboards' own (dashboards.services): the same at-risk list
and the same reporting completeness an official sees on the page, never a copy of
their rules. What changed is measured against the summary the same person was
last sent, whose figures its notice keeps (`Notification.snapshot`).

The review pack of the same scope (dashboards.packs: the province's, or the national
one) is attached when the mail is sent, in the reader's language, with the figures of
that moment.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from functools import partial

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import month_label, share
from dashboards import packs
from dashboards.services import at_risk_table, completeness_table, data_version, latest_phase
from milestones.models import QuarterlyReport
from partnerships.models import Kpi, Phase
from progress.models import SLIPPING, AgreementProgress
from provinces.access import Role
from provinces.lineage import ProvinceTree, with_predecessors
from provinces.models import Province

from . import services
from .models import Kind, Notification

APPROVED_LISTED = 10
# A summary's pack stays in the cache this long at most (its key changes with the figures).
PACK_CACHE_SECONDS = 3600


def scope_key(province: Province | None) -> str:
    return str(province.pk) if province else "nation"


def _scope_label(province: Province | None) -> str:
    return province.name if province else _("the whole country")


def at_risk(province: Province | None, tree: ProvinceTree | None = None):
    """The dashboards' list of agreements with KPIs slipping, in the latest phase: off track or
    at risk while their period runs, not achieved once it has ended (`SLIPPING`)."""
    scope = AgreementProgress.objects.filter(status__in=SLIPPING)
    phase = latest_phase()
    if phase:
        scope = scope.filter(agreement__phase=phase)
    if province:
        scope = scope.filter(
            agreement__counterparty__province_id__in=with_predecessors([province.pk], tree)
        )
    return at_risk_table(scope, list(Kpi.objects.order_by("order", "code")))


def completeness(province: Province | None, found: dict) -> dict:
    """The national page's reporting completeness (`found`, its `completeness_table`, of the
    phase it opens on: a quarter can hold reports of two phases' agreements): the country's
    totals, or the province's row."""
    if province is None:
        return {
            "quarter": found["quarter"],
            **found["totals"],
            "share": found["approved_share"],
        }
    href = reverse("dashboards:province-dashboard", args=[province.slug])
    row = next((row for row in found["table"].rows if row["province_href"] == href), None)
    if row is None:
        return {"quarter": found["quarter"]}
    expected = row["expected"]
    return {
        "quarter": found["quarter"],
        **row,
        "share": Decimal(row["approved"] * 100) / expected if expected else None,
    }


def changes_since(
    previous: Notification | None,
    now: dict,
    province: Province | None,
    tree: ProvinceTree | None = None,
):
    """What moved since the person's last summary of the same scope; None for a first one."""
    if previous is None or previous.snapshot.get("scope") != now["scope"]:
        return None
    before, after = previous.snapshot.get("at_risk", {}), now["at_risk"]
    approved = QuarterlyReport.objects.approved().filter(reviewed_at__gt=previous.created_at)
    if province:
        approved = approved.filter(
            agreement__counterparty__province_id__in=with_predecessors([province.pk], tree)
        )
    approved = approved.select_related("agreement").order_by("reviewed_at", "pk")
    return {
        "since": previous.created_at,
        "newly_slipping": [title for href, title in after.items() if href not in before],
        "recovered": [title for href, title in before.items() if href not in after],
        "approved_count": approved.count(),
        "approved": list(approved[:APPROVED_LISTED]),
        "share_before": previous.snapshot.get("share"),
    }


def _snapshot(province, table, figures) -> dict:
    return {
        "scope": scope_key(province),
        "at_risk": {row["agreement_href"]: row["agreement"] for row in table.rows},
        "share": None if figures.get("share") is None else float(figures["share"]),
    }


def _subject(province, today, count):
    return ngettext(
        "Monthly summary of %(scope)s, %(month)s: %(count)d agreement slipping",
        "Monthly summary of %(scope)s, %(month)s: %(count)d agreements slipping",
        count,
    ) % {"scope": _scope_label(province), "month": month_label(today), "count": count}


def _context(province, today, figures, changes, pack_attached: bool, tree) -> dict:
    before = changes["share_before"] if changes else None
    return {
        "scope_label": _scope_label(province),
        "month": month_label(today),
        "at_risk": at_risk(province, tree),
        "completeness": figures,
        "share": "" if figures.get("share") is None else share(figures["share"]),
        "share_before": "" if before is None else share(before),
        "changes": changes,
        "pack_attached": pack_attached,
    }


def write_monthly_summaries(today: datetime.date) -> list[Notification]:
    """One summary a month for each official who asked, the first day the job runs that month."""
    key = today.strftime("%Y-%m")
    told = Notification.objects.filter(kind=Kind.MONTHLY_SUMMARY, key=key).values_list(
        "recipient_id", flat=True
    )
    people = (
        services.people_with_roles((Role.OFFICIAL, Role.ADMIN))
        .exclude(pk__in=told)
        .filter(notification_preference__monthly_summary=True)
        .select_related("notification_preference__summary_province")
    )
    figures_of = {}
    written = []
    # One tree for every summary written now: each would otherwise read the provinces again.
    tree = ProvinceTree()
    phase = latest_phase()
    # The same condition as review_pack's, at the time of writing.
    pack_attached = phase is not None
    # The country's table, counted once, and only on a day someone is owed a summary: each
    # province's summary reads its own row of it.
    national = None
    for person in people:
        province = person.notification_preference.summary_province
        if scope_key(province) not in figures_of:
            national = national or completeness_table(phase=phase)
            table, figures = at_risk(province, tree), completeness(province, national)
            figures_of[scope_key(province)] = (figures, _snapshot(province, table, figures))
        figures, snapshot = figures_of[scope_key(province)]
        previous = (
            Notification.objects.filter(recipient=person, kind=Kind.MONTHLY_SUMMARY)
            .order_by("-created_at")
            .first()
        )
        changes = changes_since(previous, snapshot, province, tree)
        link = (
            reverse("dashboards:province-dashboard", args=[province.slug])
            if province
            else reverse("dashboards:home")
        )
        notice = services.write(
            person,
            Kind.MONTHLY_SUMMARY,
            key,
            partial(_subject, province, today, len(snapshot["at_risk"])),
            "monthly_summary",
            # The at-risk list names KPIs in the reader's language: built again inside it.
            partial(_context, province, today, figures, changes, pack_attached, tree),
            link,
            snapshot=snapshot,
        )
        if notice:
            written.append(notice)
    return written


def review_pack(notice: Notification) -> tuple[str, bytes] | None:
    """The summary's review pack as (file name, PDF): its province's, or the national one.

    None before any phase has figures, or when the province is gone. A province's pack
    holds the narratives of the reports its recipient may open, as the pack page does for
    them; recipients of one scope and language who may open the same ones get the same
    pack while the figures stand, so it is laid out once (a national pack, which holds no
    narrative, takes seconds) and kept in the cache under the data's version and the
    reports whose narratives it prints.
    """
    scope = notice.snapshot.get("scope", "nation")
    # The national pack names no province's lineage.
    tree = None if scope == "nation" else ProvinceTree()
    province, phase = _pack_scope(scope, tree)
    readable = None
    narratives = ""
    if province is not None and phase is not None:
        # The key's narratives are the pack's own: it is laid out from this answer.
        readable = packs.readable_narratives(
            packs.province_agreements(province, phase, tree).values("pk"),
            phase,
            notice.recipient,
        )
        narratives = ",".join(str(report.pk) for report in readable[0])
    key = (
        "summary-pack:"
        + hashlib.sha256(
            f"{scope}|{notice.language}|{data_version()}|{narratives}".encode()
        ).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _build_review_pack(province, phase, notice, tree, readable) or ()
        cache.set(key, found, PACK_CACHE_SECONDS)
    return found or None


def _pack_scope(scope: str, tree: ProvinceTree | None) -> tuple[Province | None, Phase | None]:
    """The province of a summary's pack (None for the national one) and its phase."""
    if scope == "nation":
        return None, latest_phase()
    province = Province.objects.filter(pk=scope).first()
    return province, packs.default_phase(province, tree) if province else None


def _build_review_pack(
    province, phase, notice: Notification, tree: ProvinceTree | None, readable
) -> tuple[str, bytes] | None:
    if phase is None:
        return None
    with translation.override(notice.language):
        if province is None:
            pack = packs.national_pack(phase)
        else:
            pack = packs.province_pack(
                province, phase, notice.recipient, tree=tree, readable=readable
            )
        return pack.filename, packs.render_pdf(pack)
