"""Building approved quarterly figures for the progress and dashboard tests."""

import datetime

from core.quarters import Quarter
from milestones.models import ReportStatus
from partnerships.models import Kpi, KpiKind, Organisation, SpaceAggregation, TimeAggregation
from progress.models import (
    AgreementProgress,
    NationalProgress,
    ProvinceProgress,
    ReportingCompleteness,
)

from .factories import (
    AgreementFactory,
    KpiFactory,
    KpiTargetFactory,
    KpiValueFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
)


def catalogue() -> dict[str, Kpi]:
    """The headline KPIs of each kind, with the catalogue's codes."""
    bts = KpiFactory(
        code="bts_total",
        name_en="BTS stations",
        name_vi="Tổng số trạm BTS",
        is_headline=True,
        order=1,
    )
    return {
        "bts_total": bts,
        "bts_4g": KpiFactory(
            code="bts_4g",
            name_en="4G BTS stations",
            name_vi="Trạm BTS 4G",
            parent=bts,
            is_headline=True,
            order=2,
        ),
        "ftth_subscribers": KpiFactory(
            code="ftth_subscribers",
            name_en="FTTH subscribers",
            name_vi="Thuê bao FTTH",
            unit_en="subscribers",
            is_headline=True,
            order=3,
        ),
        "villages_fibre": KpiFactory(
            code="villages_fibre",
            ratio=True,
            name_en="Villages reached by fibre",
            name_vi="Thôn, bản có cáp quang",
            is_headline=True,
            order=4,
        ),
        "level4_services_pct": KpiFactory(
            code="level4_services_pct",
            percentage=True,
            name_en="Level-4 public services",
            name_vi="Dịch vụ công mức độ 4",
            is_headline=True,
            order=5,
        ),
        "new_subscribers": KpiFactory(
            code="new_subscribers",
            name_en="New subscribers",
            name_vi="Thuê bao phát triển mới",
            kind=KpiKind.COUNT,
            time_aggregation=TimeAggregation.SUM,
            space_aggregation=SpaceAggregation.SUM,
            order=6,
        ),
    }


def agreement_for(province, start=2021, end=2025, **kwargs):
    phase = PhaseFactory(start_year=start, end_year=end)
    organisation = Organisation.objects.filter(province=province).first() or OrganisationFactory(
        province=province,
        name=f"UBND tỉnh {province.name} {province.pk}",
        short_name=f"UBND {province.name}",
    )
    kwargs.setdefault("signed_on", datetime.date(start, 4, 29))
    return AgreementFactory(counterparty=organisation, phase=phase, **kwargs)


def report(agreement, quarter: str, values: dict, status=ReportStatus.APPROVED, is_demo=False):
    """One report with its readings: `{kpi: value}` or `{ratio_kpi: (numerator, denominator)}`."""
    report = QuarterlyReportFactory(
        agreement=agreement, quarter=Quarter.parse(quarter).code, status=status, is_demo=is_demo
    )
    for kpi, reading in values.items():
        if kpi.kind == KpiKind.RATIO:
            numerator, denominator = reading
            KpiValueFactory(
                report=report, kpi=kpi, value=None, numerator=numerator, denominator=denominator
            )
        else:
            KpiValueFactory(report=report, kpi=kpi, value=reading)
    return report


def target(agreement, kpi, value, **kwargs):
    return KpiTargetFactory(agreement=agreement, kpi=kpi, target_value=value, **kwargs)


def province_row(province, kpi, phase_start=2021):
    """A province's stored figures on a KPI in the phase starting that year."""
    return ProvinceProgress.objects.get(province=province, kpi=kpi, phase__start_year=phase_start)


def national_row(kpi, phase_start=2021):
    return NationalProgress.objects.get(kpi=kpi, phase__start_year=phase_start)


COMPUTED_TABLES = (AgreementProgress, ProvinceProgress, NationalProgress, ReportingCompleteness)


def snapshot():
    """Every computed row, without ids and times, so two rebuilds can be compared."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("id", "computed_at")))
            for row in model.objects.values()
        )
        for model in COMPUTED_TABLES
    }
