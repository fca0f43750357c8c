"""The recompute's two shortcuts past the ORM write and read exactly what the ORM would.

`core.bulk.insert` writes rows without preparing each value through its field, and
`core.compiled.rows` runs a query the ORM wrote once with other values in it. Both run
on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Sum

from core import bulk, compiled
from notifications.models import Notification
from progress.models import AgreementProgress, ProvinceProgress, ReportingCompleteness

from .factories import AgreementFactory, KpiFactory, PhaseFactory, ProvinceFactory

HANOI_TIME = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Late in the evening in Hà Nội, so the date differs in UTC.
COMPUTED_AT = datetime.datetime(2026, 10, 31, 23, 45, 12, 345678, tzinfo=HANOI_TIME)


def _insert_figures(province, phase, kpi, **figures):
    """One province's figures on one KPI, written by `bulk.insert`."""
    row = ProvinceProgress(
        province=province, phase=phase, kpi=kpi, computed_at=COMPUTED_AT, **figures
    )
    return bulk.insert(ProvinceProgress, [row])


@pytest.mark.django_db
def test_inserted_rows_read_back_as_written():
    province, phase, kpi = ProvinceFactory(), PhaseFactory(), KpiFactory()
    _insert_figures(
        province,
        phase,
        kpi,
        value=Decimal("1466933.07"),
        attainment=Decimal("87.60"),
        status="at_risk",
        includes_demo=True,
        latest_quarter=20253,
        achieved_on_target=Decimal("0.0001"),
    )
    row = ProvinceProgress.objects.get()
    assert (row.province, row.phase, row.kpi) == (province, phase, kpi)
    assert row.value == Decimal("1466933.07")
    assert row.attainment == Decimal("87.60")
    assert row.achieved_on_target == Decimal("0.0001")
    assert row.numerator is None
    assert row.status == "at_risk"
    assert row.includes_demo is True
    assert row.latest_quarter == 20253
    assert row.computed_at == COMPUTED_AT


@pytest.mark.django_db
def test_dates_are_stored_as_the_day_given():
    agreement, kpi = AgreementFactory(), KpiFactory()
    bulk.insert(
        AgreementProgress,
        [
            AgreementProgress(
                agreement=agreement,
                kpi=kpi,
                target_on=datetime.date(2025, 12, 31),
                computed_at=COMPUTED_AT,
            )
        ],
    )
    row = AgreementProgress.objects.get()
    assert row.target_on == datetime.date(2025, 12, 31)
    assert row.computed_at == COMPUTED_AT


@pytest.mark.django_db
def test_more_rows_than_one_statement_takes_are_all_written():
    provinces = ProvinceFactory.create_batch(3)
    rows = [
        ReportingCompleteness(
            province=province,
            quarter=year * 10 + 1,
            expected=2,
            approved=1,
            computed_at=COMPUTED_AT,
        )
        for province in provinces
        for year in range(1900, 2000)
    ]
    assert bulk.insert(ReportingCompleteness, rows) == 300
    assert ReportingCompleteness.objects.count() == 300
    assert ReportingCompleteness.objects.filter(expected=2, approved=1).count() == 300
    assert bulk.insert(ReportingCompleteness, []) == 0


@pytest.mark.django_db
def test_a_row_given_as_a_mapping_reads_back_as_a_model_row_does():
    """The recompute writes its rows as mappings; a field left out takes its default."""
    province, phase, kpi = ProvinceFactory(), PhaseFactory(), KpiFactory()
    figures = {"value": Decimal("22775.00"), "status": "on_track", "latest_quarter": 20252}
    _insert_figures(province, phase, kpi, **figures)
    other = ProvinceFactory()
    bulk.insert(
        ProvinceProgress,
        [
            {
                "province_id": other.pk,
                "phase_id": phase.pk,
                "kpi_id": kpi.pk,
                "computed_at": COMPUTED_AT,
                **figures,
            }
        ],
    )
    fields = [f.attname for f in ProvinceProgress._meta.concrete_fields if f.attname != "id"]
    as_model, as_mapping = (
        ProvinceProgress.objects.filter(province=unit).values(*fields).get()
        for unit in (province, other)
    )
    assert as_mapping.pop("province_id") == other.pk
    as_model.pop("province_id")
    assert as_mapping == as_model
    assert as_mapping["units_expected"] == 0
    assert as_mapping["includes_demo"] is False


def test_a_field_it_cannot_write_as_given_is_refused():
    with pytest.raises(TypeError):
        bulk.insert(Notification, [Notification()])


def _totals(phase_id):
    return (
        ProvinceProgress.objects.filter(phase_id=phase_id)
        .order_by("kpi_id")
        .values("kpi_id")
        .annotate(total=Sum("value"), rows=Count("pk"), latest=Max("latest_quarter"))
    )


@pytest.mark.django_db
def test_a_compiled_query_answers_as_the_orm_for_each_value():
    first = PhaseFactory(start_year=2014, end_year=2020)
    second = PhaseFactory(start_year=2021, end_year=2025)
    kpis = KpiFactory.create_batch(2)
    provinces = ProvinceFactory.create_batch(2)
    combinations = itertools.product(provinces, (first, second), kpis)
    for index, (province, phase, kpi) in enumerate(combinations):
        _insert_figures(
            province, phase, kpi, value=Decimal(f"{index}.25"), latest_quarter=20251 + index % 4
        )
    for phase in (first, second, first):
        expected = list(_totals(phase.pk))
        assert compiled.rows("test_totals", _totals, phase_id=phase.pk) == expected
        assert all(isinstance(row["total"], Decimal) for row in expected)
    assert compiled.rows("test_totals", _totals, phase_id=-1) == []


@pytest.mark.django_db
def test_a_query_that_does_not_take_the_value_is_refused():
    with pytest.raises(ValueError):
        compiled.rows("test_unmarked", lambda phase_id: _totals(1), phase_id=2)
