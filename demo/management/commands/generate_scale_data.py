"""Synthetic data at national scale, for the benchmark and for trying the dashboards under load.

Every row it makes is flagged demo and its agreements' titles start with
SCALE_MARK, so a second run replaces the first and `--clear` removes it all
without touching the seed facts or anyone's reports.
"""

import datetime
import random
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.quarters import Quarter, quarter_range
from milestones.models import KpiValue, QuarterlyReport, ReportStatus
from partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Kpi,
    KpiKind,
    KpiTarget,
    Organisation,
    OrganisationKind,
    Phase,
    SpaceAggregation,
    TimeAggregation,
)
from progress import services as progress
from progress.models import PendingRecompute
from provinces.models import Province

SCALE_MARK = "[Quy mô]"
FIRST_QUARTER = Quarter(2014, 1)
BATCH = 5000
# Of the synthetic KPIs added to reach the requested number, one in five is a
# ratio and one in ten a percentage, as in the real catalogue.
RATIO_EVERY, PERCENTAGE_EVERY = 5, 10


class Command(BaseCommand):
    help = _(
        "Build synthetic demo data at national scale: every province record, 300 agreements, "
        "30 KPIs and 48 quarters of approved values (about 430,000), then recompute progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, default=300)
        parser.add_argument("--kpis", type=int, default=30)
        parser.add_argument("--quarters", type=int, default=48)
        parser.add_argument("--seed", default="generate_scale_data")
        parser.add_argument(
            "--clear", action="store_true", help=_("Only remove the synthetic scale data.")
        )
        parser.add_argument(
            "--no-recompute", action="store_true", help=_("Leave the progress tables alone.")
        )

    def handle(self, *args, **options):
        removed = clear_scale_data()
        if options["clear"]:
            self.stdout.write(_("Removed %(count)s synthetic agreements.") % {"count": removed})
            return
        if options["agreements"] < 1 or options["kpis"] < 1 or options["quarters"] < 1:
            raise CommandError(_("Agreements, KPIs and quarters must be at least 1."))
        if Province.objects.count() < 97:
            call_command("load_provinces", verbosity=0)
        phases = _phases()
        kpis = _kpis(options["kpis"])
        last = FIRST_QUARTER.index() + options["quarters"] - 1
        quarters = quarter_range(FIRST_QUARTER, Quarter(last // 4, last % 4 + 1))
        rng = random.Random(options["seed"])
        quiet = options["verbosity"] == 0
        with transaction.atomic():
            agreements = _agreements(options["agreements"], phases)
            values = _values(agreements, kpis, quarters, rng, quiet, self.stderr)
        progress.refresh_statistics(Agreement, QuarterlyReport, KpiValue, KpiTarget)
        self.stdout.write(
            _("%(agreements)s agreements, %(kpis)s KPIs, %(quarters)s quarters: %(values)s values.")
            % {
                "agreements": len(agreements),
                "kpis": len(kpis),
                "quarters": len(quarters),
                "values": values,
            }
        )
        if not options["no_recompute"]:
            call_command("recompute_progress", verbosity=options["verbosity"])


def clear_scale_data() -> int:
    agreements = Agreement.objects.filter(title__startswith=SCALE_MARK)
    with transaction.atomic():
        KpiValue.objects.filter(report__agreement__in=agreements).delete()
        QuarterlyReport.objects.filter(agreement__in=agreements).delete()
        KpiTarget.objects.filter(agreement__in=agreements).delete()
        PendingRecompute.objects.filter(agreement__in=agreements).delete()
        count = agreements.count()
        organisations = list(
            Organisation.objects.filter(name__startswith=SCALE_MARK).values_list("pk", flat=True)
        )
        agreements.delete()
        Organisation.objects.filter(pk__in=organisations).delete()
    return count


def _phases() -> list[Phase]:
    phases = []
    for start, end in ((2014, 2020), (2021, 2025)):
        phase = Phase.objects.filter(start_year=start, end_year=end).first()
        if phase is None:
            phase = Phase.objects.create(
                code=f"{start}-{end}", name=f"{start}–{end}", start_year=start, end_year=end
            )
        phases.append(phase)
    return phases


def _kpis(count: int) -> list[Kpi]:
    kpis = list(Kpi.objects.order_by("order", "code")[:count])
    order = max([kpi.order for kpi in kpis] + [0])
    number = 0
    while len(kpis) < count:
        number += 1
        code = f"scale_kpi_{number:02d}"
        if number % PERCENTAGE_EVERY == 0:
            kind, space, unit = KpiKind.PERCENTAGE, SpaceAggregation.NONE, "%"
        elif number % RATIO_EVERY == 0:
            kind, space, unit = KpiKind.RATIO, SpaceAggregation.RATIO_OF_SUMS, "thôn"
        else:
            kind, space, unit = KpiKind.COUNT, SpaceAggregation.SUM, "đơn vị"
        kpi, _created = Kpi.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": f"Chỉ tiêu quy mô {number:02d} (minh họa)",
                "name_en": f"Scale indicator {number:02d} (demo)",
                "unit_vi": unit,
                "unit_en": unit,
                "kind": kind,
                "time_aggregation": TimeAggregation.LATEST,
                "space_aggregation": space,
                "order": order + number,
            },
        )
        kpis.append(kpi)
    return kpis


def _agreements(count: int, phases: list[Phase]) -> list[Agreement]:
    provinces = list(Province.objects.order_by("valid_until", "code", "pk"))
    organisations = {}
    for province in provinces:
        organisations[province.pk] = Organisation.objects.create(
            name=f"{SCALE_MARK} UBND {province.full_name} #{province.pk}",
            short_name=f"UBND {province.name}",
            kind=OrganisationKind.PEOPLES_COMMITTEE,
            province=province,
        )
    agreements = []
    for index in range(count):
        province = provinces[index % len(provinces)]
        # A unit formed in 2025 can only have signed in the phase that was running then.
        phase = phases[-1] if province.is_current else phases[(index // len(provinces)) % 2]
        year = 2025 if province.is_current else phase.start_year
        agreements.append(
            Agreement(
                counterparty=organisations[province.pk],
                title=f"{SCALE_MARK} Thỏa thuận {index + 1} – {province.name}",
                kind=AgreementKind.STRATEGIC,
                phase=phase,
                period_start=phase.start_year,
                period_end=phase.end_year,
                signed_on=datetime.date(year, 8, 1) if province.is_current else None,
                status=AgreementStatus.ACTIVE,
                is_demo=True,
                search_text=f"quy mo thoa thuan {index + 1}",
            )
        )
    return Agreement.objects.bulk_create(agreements)


def _values(agreements, kpis, quarters, rng, quiet, stream) -> int:
    """Every agreement reports every quarter: a growing network, approved, with targets."""
    now = timezone.now()
    written = 0
    pending = []
    for agreement in tqdm(agreements, desc=_("Agreements"), disable=quiet, file=stream):
        reports = QuarterlyReport.objects.bulk_create(
            QuarterlyReport(
                agreement=agreement,
                quarter=quarter.code,
                status=ReportStatus.APPROVED,
                is_demo=True,
                reviewed_at=now,
                narrative="Số liệu quy mô tổng hợp (minh họa).",
            )
            for quarter in quarters
        )
        starts = {kpi.pk: rng.uniform(0.2, 0.6) for kpi in kpis}
        sizes = {kpi.pk: rng.randint(200, 5000) for kpi in kpis}
        pending_targets = [_target(agreement, kpi, sizes[kpi.pk], rng) for kpi in kpis]
        KpiTarget.objects.bulk_create(pending_targets)
        for step, report in enumerate(reports):
            share = step / max(1, len(reports) - 1)
            for kpi in kpis:
                level = min(1.0, starts[kpi.pk] + (0.45 + rng.uniform(-0.05, 0.05)) * share)
                pending.append(_reading(report, kpi, level, sizes[kpi.pk]))
        if len(pending) >= BATCH:
            KpiValue.objects.bulk_create(pending, batch_size=BATCH)
            written += len(pending)
            pending = []
    KpiValue.objects.bulk_create(pending, batch_size=BATCH)
    return written + len(pending)


def _reading(report, kpi, level: float, size: int) -> KpiValue:
    if kpi.kind == KpiKind.RATIO:
        numerator = Decimal(int(size * level))
        return KpiValue(
            report=report,
            kpi=kpi,
            numerator=numerator,
            denominator=Decimal(size),
            value=(numerator * 100 / size).quantize(Decimal("0.01")),
        )
    if kpi.kind == KpiKind.PERCENTAGE:
        return KpiValue(report=report, kpi=kpi, value=Decimal(str(round(100 * level, 1))))
    return KpiValue(report=report, kpi=kpi, value=Decimal(int(size * 10 * level)))


def _target(agreement, kpi, size: int, rng) -> KpiTarget:
    """A target the trend reaches, nearly reaches or misses, so every status appears."""
    goal = rng.uniform(0.8, 1.1)
    if kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE):
        value = Decimal(str(round(min(100.0, 100 * goal), 1)))
    else:
        value = Decimal(int(size * 10 * goal))
    return KpiTarget(
        agreement=agreement,
        kpi=kpi,
        target_value=value,
        target_on=datetime.date(agreement.period_end, 12, 31),
        is_demo=True,
        note="Chỉ tiêu quy mô tổng hợp (minh họa).",
    )
