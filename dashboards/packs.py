"""The review-conference packs: a province's, an agreement's or the nation's results on paper.

A pack is built from the dashboards' own tables and charts (`services`), for one
phase, and rendered from templates into HTML that WeasyPrint lays out as an A4
PDF. Like the dashboards, it counts approved reports only; it names the quarters
whose reports are still drafts or awaiting review, so nobody reads a missing
figure as a zero.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.quarters import Quarter, year_quarters
from milestones.models import QuarterlyReport, ReportStatus
from partnerships.models import Agreement, Kpi, KpiKind, Phase, SpaceAggregation
from progress.coverage import coverage
from progress.models import AgreementProgress, NationalProgress, ProvinceProgress
from progress.services import overlaps
from provinces.lineage import ProvinceTree, with_predecessors
from provinces.models import Province, current_q

from . import services
from .models import PackBatch, PackBatchStatus
from .services import FIGURE_COLUMNS, Column, Table, figures_row

# The sheets of every pack, in the order WeasyPrint cascades them: the portal's, the
# dashboards' (charts and tables), then the pack's page layout.
STYLESHEETS = ("css/portal.css", "css/dashboards.css", "css/pack.css")
DEFAULT_LANGUAGE = "vi"

logger = logging.getLogger(__name__)


class PackRefused(Exception):
    """A choice that names no pack (an unknown phase or language), said in the reader's words."""


@dataclass
class QuarterStates:
    """Which quarters of a pack's reports count (approved) and which do not yet."""

    approved: list[Quarter] = field(default_factory=list)
    # (quarter, submitted, draft or returned): none of them counts in the figures.
    pending: list[tuple[Quarter, int, int]] = field(default_factory=list)

    @property
    def approved_label(self) -> str:
        if not self.approved:
            return _("no approved report yet")
        if len(self.approved) <= 3:
            return ", ".join(str(quarter) for quarter in self.approved)
        return _("%(first)s to %(last)s (%(count)s quarters)") % {
            "first": self.approved[0],
            "last": self.approved[-1],
            "count": len(self.approved),
        }

    @property
    def pending_label(self) -> str:
        parts = []
        for quarter, submitted, drafts in self.pending:
            counts = []
            if submitted:
                counts.append(_("%(count)s submitted") % {"count": submitted})
            if drafts:
                counts.append(_("%(count)s draft or returned") % {"count": drafts})
            parts.append(f"{quarter} ({', '.join(counts)})")
        return "; ".join(parts)


def quarter_states(agreement_ids, phase: Phase | None) -> QuarterStates:
    """The quarters of these agreements' reports in `phase`: approved ones, and those pending.

    A quarter belongs to the phase whose years hold it (DOMAIN.md): an agreement of
    2020–2025 in the phase 2021–2025 reports 2020's quarters, which count in none of its
    figures, so they are no quarter of its pack either.
    """
    reports = _of_phase(QuarterlyReport.objects.filter(agreement_id__in=agreement_ids), phase)
    counts = defaultdict(lambda: defaultdict(int))
    for row in reports.values("quarter", "status").annotate(count=Count("pk")):
        counts[row["quarter"]][row["status"]] += row["count"]
    states = QuarterStates()
    for code in sorted(counts):
        by_status = counts[code]
        if by_status[ReportStatus.APPROVED]:
            states.approved.append(Quarter.from_code(code))
        drafts = by_status[ReportStatus.DRAFT] + by_status[ReportStatus.RETURNED]
        if by_status[ReportStatus.SUBMITTED] or drafts:
            states.pending.append(
                (Quarter.from_code(code), by_status[ReportStatus.SUBMITTED], drafts)
            )
    return states


@dataclass
class Pack:
    kind: str
    title: str
    subject: str
    phase: Phase | None
    reference_quarter: Quarter | None
    quarters: QuarterStates
    choices: list[tuple[str, str]]
    stem: str
    context: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        phase = self.phase.code if self.phase else "all"
        return f"{self.stem}-{phase}-{translation.get_language()}.pdf"


def language_of(requested: str | None) -> str:
    """The pack's language: the one asked for, else the reader's, else Vietnamese."""
    languages = dict(settings.LANGUAGES)
    if requested:
        if requested not in languages:
            raise PackRefused(
                _("There is no pack in the language “%(code)s”; choose one of: %(codes)s.")
                % {"code": requested, "codes": ", ".join(languages)}
            )
        return requested
    active = translation.get_language() or DEFAULT_LANGUAGE
    return active if active in languages else DEFAULT_LANGUAGE


def phase_of(code: str | None, default: Phase | None) -> Phase | None:
    if not code:
        return default
    phase = Phase.objects.filter(code=code).first()
    if phase is None:
        raise PackRefused(_("There is no phase “%(code)s”.") % {"code": code})
    return phase


def default_phase(province: Province, tree: ProvinceTree | None = None) -> Phase | None:
    """The dashboards' phase when the province (or a unit merged into it) has an agreement
    in it, else the latest phase it has one in."""
    phases = Phase.objects.filter(
        agreements__counterparty__province_id__in=with_predecessors([province.pk], tree)
    ).distinct()
    latest = services.latest_phase()
    if latest is not None and phases.filter(pk=latest.pk).exists():
        return latest
    return phases.order_by("-start_year").first() or latest


def _choices(phase: Phase | None, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    language = dict(settings.LANGUAGES)[translation.get_language()]
    return [
        *extra,
        (_("Phase"), phase.name if phase else _("none")),
        (_("Language"), str(language)),
    ]


def _baseline(kpi: Kpi, row: ProvinceProgress) -> Decimal | None:
    """A roll-up's baseline, where the rules keep one that adds up (progress/rules.py)."""
    if not row.units_with_target:
        return None
    if kpi.kind == KpiKind.RATIO:
        if not row.denominator_on_target:
            return None
        return row.baseline_on_target * 100 / row.denominator_on_target
    if kpi.space_aggregation == SpaceAggregation.NONE:
        return None
    return row.baseline_on_target


def _kpi_table(rows) -> Table:
    """Each KPI of a province with its baseline, target, value, share of the way and status."""
    return Table(
        "kpis",
        _("Results by KPI"),
        [
            Column("kpi", _("KPI")),
            Column("baseline", _("Baseline"), "figure"),
            *FIGURE_COLUMNS,
            Column("units", _("Units that reached their target")),
            Column("coverage", _("As of and coverage")),
        ],
        [figures_row(row.kpi, row, baseline=_baseline(row.kpi, row)) for row in rows],
    )


def _of_phase(reports, phase: Phase | None):
    """The reports of the phase's quarters (a quarter belongs to the phase whose years hold it)."""
    if phase is None:
        return reports
    return reports.filter(quarter__range=year_quarters(phase.start_year, phase.end_year))


def readable_narratives(agreement_ids, phase: Phase | None, reader) -> tuple[list, int]:
    """Each agreement's latest approved report of the phase with a narrative that `reader`
    may open, and how many agreements' narratives are left out for them.

    Reports are not public (`QuarterlyReport.objects.restrict`): a staff user of another
    province may not read one, and a pack must not print what its report page refuses.
    """
    written = _of_phase(
        QuarterlyReport.objects.approved()
        .filter(agreement_id__in=agreement_ids)
        .exclude(narrative=""),
        phase,
    )
    latest = {}
    for report in (
        written.restrict(reader)
        .select_related("agreement__counterparty__province", "source")
        .order_by("agreement_id", "quarter")
    ):
        latest[report.agreement_id] = report
    withheld = (
        written.exclude(agreement_id__in=list(latest)).values("agreement_id").distinct().count()
    )
    return sorted(latest.values(), key=lambda r: r.agreement.period_start), withheld


def _narratives(readable: tuple[list, int]) -> dict:
    """The pack's narratives, from what `readable_narratives` found."""
    reports, withheld = readable
    return {
        "narratives": [
            {
                "agreement": services._agreement_label(report.agreement),
                "quarter": Quarter.from_code(report.quarter),
                "text": report.narrative,
                "source": report.source,
                "demo": report.is_demo,
            }
            for report in reports
        ],
        "narratives_withheld": withheld,
    }


def sources_table(agreement_ids, phase: Phase | None = None) -> Table:
    """The articles the approved figures of the phase's quarters were drawn from, by quarter."""
    rows = [
        {
            "quarter": report.quarter,
            "agreement": services._agreement_label(report.agreement),
            "code": report.source.code,
            "title": report.source.title,
            "publisher": report.source.publisher,
            "url": report.source.url,
        }
        for report in _of_phase(
            QuarterlyReport.objects.approved().filter(
                agreement_id__in=agreement_ids, source__isnull=False
            ),
            phase,
        )
        .select_related("agreement__counterparty__province", "source")
        .order_by("quarter", "agreement_id")
    ]
    return Table(
        "sources",
        _("Sources of the reported figures"),
        [
            Column("quarter", _("Quarter"), "quarter"),
            Column("agreement", _("Agreement")),
            Column("code", _("Source")),
            Column("title", _("Title")),
            Column("publisher", _("Publisher")),
            Column("url", _("Address")),
        ],
        rows,
    )


def province_agreements(province: Province, phase: Phase | None, tree: ProvinceTree | None = None):
    """The agreements of a province's pack: its own and its former units', of the phase."""
    return Agreement.objects.filter(
        counterparty__province_id__in=with_predecessors([province.pk], tree), phase=phase
    )


def province_pack(
    province: Province,
    phase: Phase | None,
    reader,
    *,
    tree: ProvinceTree | None = None,
    readable: tuple[list, int] | None = None,
) -> Pack:
    """`reader` is whom the pack is for: it holds only the narratives they may read.

    A caller that has already asked `readable_narratives` for them, for this province and
    phase, passes its answer as `readable`, and one that holds a `ProvinceTree`, that tree.
    """
    tree = tree or ProvinceTree()
    lineage = tree.with_predecessors([province.pk])
    former = list(
        Province.objects.filter(pk__in=lineage - {province.pk}).order_by("sort_key", "name")
    )
    agreements = list(
        province_agreements(province, phase, tree)
        .with_state()
        .select_related("counterparty__province", "phase")
        .order_by("period_start", "signed_on", "pk")
    )
    ids = [agreement.pk for agreement in agreements]
    if readable is None:
        readable = readable_narratives(ids, phase, reader)
    rows = list(
        ProvinceProgress.objects.filter(province=province, phase=phase)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code")
    )
    reference = max((row.reference_quarter or 0 for row in rows), default=0)
    _series, kpi_charts = services.kpi_series(agreements, province=province)
    tables = {
        table.key: table
        for table in (
            services.agreements_table(agreements, province, by_unit=True),
            services.participants_table(agreements),
            _kpi_table(rows),
            services.commitments_table(agreements),
            services.milestones_table(agreements),
            services.completeness_history(province, phase=phase),
            sources_table(ids, phase),
        )
    }
    title = _("Cooperation results of %(province)s with VNPT, %(phase)s") % {
        "province": province.proper_name,
        "phase": phase.name if phase else "",
    }
    return Pack(
        kind="province",
        title=title,
        subject=province.proper_name,
        phase=phase,
        reference_quarter=Quarter.from_code(reference) if reference else None,
        quarters=quarter_states(ids, phase),
        choices=_choices(phase, (_("Province"), province.name)),
        stem=f"bao-cao-tinh-{province.slug}",
        context={
            "province": province,
            "former": former,
            "tables": tables,
            "kpi_charts": kpi_charts,
            **_narratives(readable),
            "has_demo": any(table.has_demo for table in tables.values())
            or any(chart["demo"] for chart in kpi_charts),
        },
    )


def agreement_pack(agreement: Agreement, phase: Phase | None, reader) -> Pack:
    """The agreement's pack in `phase`: its own, or any other its period shares a year with.

    An agreement of 2017–2022 counts in 2014–2020 for its quarters up to 2020 and in
    2021–2025 for the rest (progress.services.overlaps), so either phase names a pack of
    it, holding that phase's quarters; a phase it shares no year with names none.
    `reader` is whom the pack is for: it holds only the narratives they may read.
    """
    phase = phase or agreement.phase
    period = {"period_start": agreement.period_start, "period_end": agreement.period_end}
    if not overlaps(period, phase):
        raise PackRefused(
            _("This agreement runs %(period)s and counts in no quarter of the phase %(asked)s.")
            % {"period": agreement.period_label, "asked": phase.name}
        )
    page = services.agreement_dashboard(agreement)
    ids = [agreement.pk]
    reference = AgreementProgress.objects.filter(agreement=agreement).aggregate(
        latest=Max("latest_quarter")
    )["latest"]
    tables = page["tables"]
    low, high = year_quarters(phase.start_year, phase.end_year)
    tables["reports"].rows = [
        row for row in tables["reports"].rows if low <= row["quarter"] <= high
    ]
    tables["sources"] = sources_table(ids, phase)
    title = _("Cooperation results of the agreement: %(title)s") % {"title": agreement.title}
    return Pack(
        kind="agreement",
        title=title,
        subject=agreement.title,
        phase=phase,
        reference_quarter=Quarter.from_code(reference) if reference else None,
        quarters=quarter_states(ids, phase),
        choices=_choices(phase, (_("Agreement"), agreement.title)),
        stem=f"bao-cao-thoa-thuan-{agreement.pk}",
        context={
            **page,
            **_narratives(readable_narratives(ids, phase, reader)),
            "has_demo": agreement.is_demo
            or any(table.has_demo for table in tables.values())
            or any(chart["demo"] for chart in page["kpi_charts"]),
        },
    )


def ranking_table(kpi: Kpi, phase: Phase) -> Table:
    """Every current province on one KPI, the furthest along first; those without data last."""
    rows = list(
        ProvinceProgress.objects.filter(current_q("province__"), phase=phase, kpi=kpi)
        .select_related("province")
        .order_by("province__sort_key")
    )
    rows.sort(
        key=lambda row: (
            row.attainment is None,
            -(row.attainment or 0),
            row.value is None,
            -(row.value or 0),
        )
    )
    return Table(
        f"rank-{kpi.code}",
        services._label(kpi),
        [
            Column("rank", _("Rank"), "int"),
            Column("province", _("Province")),
            *FIGURE_COLUMNS,
            Column("coverage", _("As of and coverage")),
        ],
        [
            figures_row(
                kpi,
                row,
                rank=index,
                province=row.province.name,
                coverage=coverage(row),
            )
            for index, row in enumerate(rows, start=1)
        ],
    )


def national_pack(phase: Phase | None) -> Pack:
    kpis = list(Kpi.objects.select_related("parent").order_by("order", "code"))
    headline = [kpi for kpi in kpis if kpi.is_headline] or kpis
    rankings = [ranking_table(kpi, phase) for kpi in headline] if phase else []
    reference = (
        NationalProgress.objects.filter(phase=phase).aggregate(latest=Max("reference_quarter"))[
            "latest"
        ]
        if phase
        else None
    )
    completeness = services.completeness_table(phase=phase)
    at_risk = services.at_risk_table(AgreementProgress.objects.filter(agreement__phase=phase), kpis)
    ids = Agreement.objects.filter(phase=phase).values("pk")
    return Pack(
        kind="national",
        title=_("Cooperation results of VNPT with the provinces, %(phase)s")
        % {"phase": phase.name if phase else ""},
        subject=_("All provinces"),
        phase=phase,
        reference_quarter=Quarter.from_code(reference) if reference else None,
        quarters=quarter_states(ids, phase),
        choices=_choices(phase),
        stem="bao-cao-quoc-gia",
        context={
            "rankings": rankings,
            "completeness": completeness,
            "tables": {"at_risk": at_risk, "completeness": completeness["table"]},
            "has_demo": any(table.has_demo for table in (*rankings, at_risk)),
        },
    )


def render_html(pack: Pack) -> str:
    return render_to_string(f"dashboards/pack/{pack.kind}.html", {"pack": pack, **pack.context})


def render_pdf(pack: Pack) -> bytes:
    """The pack as an A4 PDF, laid out by WeasyPrint from the same templates and charts."""
    # Imported here: WeasyPrint loads Pango when imported, which only the packs need.
    from weasyprint import CSS, HTML

    stylesheets = [CSS(filename=finders.find(path)) for path in STYLESHEETS]
    return HTML(string=render_html(pack)).write_pdf(stylesheets=stylesheets)


# Packs of every province of a phase --------------------------------------------------------


def batch_provinces(phase: Phase, tree: ProvinceTree) -> list[Province]:
    """The current provinces with an agreement in `phase`, their own or a former unit's."""
    signed = set(
        Agreement.objects.filter(phase=phase).values_list("counterparty__province_id", flat=True)
    )
    return [
        province
        for province in Province.objects.current().order_by("sort_key", "name")
        if tree.with_predecessors([province.pk]) & signed
    ]


def build_batch(batch_id: int, attempt: int = 1) -> PackBatch:
    """Build every province's pack of the batch into one ZIP archive, counting progress.

    A province whose pack fails is listed with its reason, in the batch and in the
    archive, and the others are still built; a failure of the job itself (the
    archive cannot be stored) raises, for the task to record and retry.
    """
    batch = PackBatch.objects.select_related("phase", "requested_by").get(pk=batch_id)
    # The packs hold what the administrator who asked may read; an archive whose asker is
    # gone holds no narrative rather than everyone's.
    reader = batch.requested_by or AnonymousUser()
    # One tree for every province of the batch: each pack would read the provinces again.
    tree = ProvinceTree()
    provinces = batch_provinces(batch.phase, tree)
    batch.status, batch.attempt, batch.error = PackBatchStatus.RUNNING, attempt, ""
    batch.total, batch.built, batch.failures = len(provinces), 0, []
    batch.save(update_fields=["status", "attempt", "error", "total", "built", "failures"])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        translation.override(batch.language),
    ):
        for province in provinces:
            try:
                pack = province_pack(province, batch.phase, reader, tree=tree)
                archive.writestr(pack.filename, render_pdf(pack))
            except Exception as exc:
                logger.exception("Pack of %s failed", province.slug)
                batch.failures.append(
                    {"province": province.name, "error": f"{type(exc).__name__}: {exc}"}
                )
            batch.built += 1
            batch.save(update_fields=["built", "failures"])
        if batch.failures:
            archive.writestr(
                "0-loi.txt" if batch.language == "vi" else "0-failures.txt",
                "\n".join(_("%(province)s: %(error)s") % failure for failure in batch.failures),
            )
    name = f"goi-bao-cao-{batch.phase.code}-{batch.language}-{batch.pk}.zip"
    batch.archive.save(name, ContentFile(buffer.getvalue()), save=False)
    batch.status, batch.finished_at = PackBatchStatus.DONE, timezone.now()
    batch.save(update_fields=["archive", "status", "finished_at"])
    return batch


def batch_failed(batch_id: int, exc: Exception, final: bool) -> None:
    """Say why the job failed; it is retried unless this was its last attempt."""
    PackBatch.objects.filter(pk=batch_id).update(
        status=PackBatchStatus.FAILED,
        error=(
            _("%(error)s. No more retries: ask for the packs again.")
            if final
            else _("%(error)s. It will be retried.")
        )
        % {"error": f"{type(exc).__name__}: {exc}"},
    )
