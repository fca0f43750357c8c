"""A KPI's kind is fixed once values or targets were entered as it, and "part of" never loops."""

import pytest

from partnerships.models import Kpi, KpiKind, SpaceAggregation

from .admin_forms import change, form_data, page_text
from .progress_data import agreement_for, catalogue, report, target

pytestmark = pytest.mark.django_db

KIND_FIXED = (
    "Chỉ tiêu này đã có số liệu báo cáo hoặc mục tiêu theo loại “Số lượng” nên không thể đổi "
    "loại. Hãy tạo chỉ tiêu mới với loại cần dùng."
)
NO_LOOP = (
    "Một chỉ tiêu không thể là thành phần của chính nó, dù trực tiếp hay qua các chỉ tiêu thành "
    "phần của nó."
)


@pytest.fixture
def kpis(db):
    return catalogue()


def _stored(kpi):
    return Kpi.objects.values("kind", "space_aggregation", "parent_id").get(pk=kpi.pk)


def test_it_keeps_the_kind_of_a_kpi_with_a_target(admin_client, provinces, kpis):
    fibre = kpis["ftth_subscribers"]
    target(agreement_for(provinces.former_lao_cai), fibre, 1_328_000)
    before = _stored(fibre)

    response = change(
        admin_client,
        fibre,
        form_data(fibre, kind=KpiKind.PERCENTAGE, space_aggregation=SpaceAggregation.NONE),
    )

    assert response.status_code == 200
    assert KIND_FIXED in page_text(response)
    assert _stored(fibre) == before


def test_it_keeps_the_kind_of_a_kpi_with_reported_values(admin_client, provinces, kpis):
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_lao_cai), "2024Q4", {bts: 1050})

    response = change(
        admin_client,
        bts,
        form_data(bts, kind=KpiKind.RATIO, space_aggregation=SpaceAggregation.RATIO_OF_SUMS),
    )

    assert response.status_code == 200
    assert KIND_FIXED in page_text(response)
    assert _stored(bts)["kind"] == KpiKind.COUNT


def test_it_lets_the_kind_of_an_unused_kpi_change(admin_client, kpis):
    fibre = kpis["ftth_subscribers"]

    response = change(
        admin_client,
        fibre,
        form_data(fibre, kind=KpiKind.PERCENTAGE, space_aggregation=SpaceAggregation.NONE),
    )

    assert response.status_code == 302
    assert _stored(fibre)["kind"] == KpiKind.PERCENTAGE


def test_it_refuses_a_kpi_part_of_itself(admin_client, kpis):
    bts = kpis["bts_total"]

    response = change(admin_client, bts, form_data(bts, parent=str(bts.pk)))

    assert response.status_code == 200
    assert NO_LOOP in page_text(response)
    assert _stored(bts)["parent_id"] is None


def test_it_refuses_a_loop_of_parts(admin_client, kpis):
    """All stations as part of the 4G stations, which are part of all stations."""
    bts, bts_4g = kpis["bts_total"], kpis["bts_4g"]

    response = change(admin_client, bts, form_data(bts, parent=str(bts_4g.pk)))

    assert response.status_code == 200
    assert NO_LOOP in page_text(response)
    assert _stored(bts)["parent_id"] is None
    assert _stored(bts_4g)["parent_id"] == bts.pk
