"""A KPI's kind is fixed once values or targets were entered as it, and "part of" never loops.

One KPI or commitment area is not entered twice under codes or names that the import, the API
and the selectors read as one; every path reads a KPI's code the same way.
"""

import pytest
from django.db import IntegrityError, transaction

from milestones import imports
from partnerships.models import CommitmentArea, Kpi, KpiKind, SpaceAggregation

from .admin_forms import add, change, form_data, page_text
from .api import token_client, url
from .factories import CommitmentAreaFactory, KpiFactory
from .progress_data import agreement_for, catalogue, report, target
from .test_api_permissions import complete_report

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


CODE_TWIN = (
    "Chỉ tiêu “Tổng số trạm BTS” đã mang mã bts_total: các mã chỉ khác nhau về chữ hoa, hoặc "
    "dùng “-” thay cho “_”, được tệp nhập liệu và API coi là một mã."
)


def _new_kpi(**changes) -> dict:
    """The KPI's add page as an administrator fills it in."""
    unsaved = Kpi(
        code="bts_5g",
        name_vi="Trạm BTS 5G",
        name_en="5G BTS stations",
        unit_vi="trạm",
        unit_en="stations",
        kind=KpiKind.COUNT,
        space_aggregation=SpaceAggregation.SUM,
    )
    return form_data(unsaved, **changes)


@pytest.mark.parametrize("code", ["BTS_TOTAL", "bts-total", "Bts-Total"])
def test_it_refuses_a_code_that_differs_only_in_capitals_or_dashes(admin_client, kpis, code):
    response = add(admin_client, Kpi, _new_kpi(code=code))

    assert response.status_code == 200
    assert CODE_TWIN in page_text(response)
    assert not Kpi.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    ("field", "name", "existing"),
    [
        ("name_vi", "TỔNG SỐ TRẠM BTS", "Tổng số trạm BTS"),
        ("name_vi", "Tong so  tram BTS", "Tổng số trạm BTS"),
        ("name_en", "bts STATIONS", "BTS stations"),
        # The import finds a KPI by its name in either language.
        ("name_en", "Tổng số trạm BTS", "Tổng số trạm BTS"),
    ],
)
def test_it_refuses_a_name_that_differs_only_in_capitals_accents_or_spaces(
    admin_client, kpis, field, name, existing
):
    response = add(admin_client, Kpi, _new_kpi(**{field: name}))

    assert response.status_code == 200
    assert (
        f"Chỉ tiêu bts_total đã mang tên “{existing}”: hai tên chỉ khác nhau về chữ hoa, dấu hoặc "
        "khoảng trắng."
    ) in page_text(response)
    assert not Kpi.objects.filter(code="bts_5g").exists()


def test_it_renames_a_kpi_in_capitals_of_its_own(admin_client, kpis):
    bts = kpis["bts_total"]

    response = change(
        admin_client, bts, form_data(bts, code="BTS_TOTAL", name_vi="TỔNG SỐ TRẠM BTS")
    )

    assert response.status_code == 302
    bts.refresh_from_db()
    assert (bts.code, bts.name_vi) == ("BTS_TOTAL", "TỔNG SỐ TRẠM BTS")


def test_the_database_refuses_a_twin_saved_around_the_form(kpis):
    for twin in (
        {"code": "BTS-TOTAL"},
        {"name_vi": "TỔNG SỐ TRẠM BTS"},
        {"name_en": "BTS Stations"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            KpiFactory(**{"code": "bts_5g", "name_vi": "Trạm 5G", "name_en": "5G", **twin})


@pytest.mark.parametrize(
    "name", ["HẠ TẦNG VIỄN THÔNG VÀ VÙNG PHỦ SÓNG", "ha tang vien thong va vung phu song"]
)
def test_it_refuses_a_commitment_area_named_as_another(admin_client, name):
    CommitmentAreaFactory(
        code="telecom-infrastructure",
        name_vi="Hạ tầng viễn thông và vùng phủ sóng",
        name_en="Telecom infrastructure and coverage",
    )
    data = {"code": "telecom", "name_vi": name, "name_en": "Telecoms", "order": "10"}

    response = add(admin_client, CommitmentArea, data)

    assert response.status_code == 200
    assert (
        "Lĩnh vực cam kết telecom-infrastructure đã mang tên “Hạ tầng viễn thông và vùng phủ "
        "sóng”: hai tên chỉ khác nhau về chữ hoa, dấu hoặc khoảng trắng."
    ) in page_text(response)
    assert CommitmentArea.objects.count() == 1


@pytest.mark.parametrize("typed", ["bts_total", "BTS_TOTAL", "bts-total", " Bts-Total "])
def test_every_path_reads_a_code_as_the_same_kpi(staff_laocai, official, laocai, typed):
    bts = laocai.bts_total
    assert imports.Catalogue(staff_laocai).kpi(typed) == bts

    api = token_client(official)
    detail = api.get(url("kpi-detail", typed.strip()))
    assert detail.status_code == 200
    assert detail.json()["code"] == "bts_total"
    targets = api.get(url("target-list"), {"kpi": typed}).json()["results"]
    assert {item["kpi"] for item in targets} == {"bts_total"}

    draft = complete_report(laocai)
    staff = token_client(staff_laocai)
    sent = {"version": draft.version, "values": [{"kpi": typed, "value": "1150"}]}
    response = staff.patch(url("report-detail", draft.pk), sent, format="json")
    assert response.status_code == 200, response.json()
    assert draft.values.get(kpi=bts).value == 1150


def test_the_api_keys_a_refusal_by_the_code_as_the_form_does(staff_laocai, laocai):
    draft = complete_report(laocai)
    sent = {"version": draft.version, "values": [{"kpi": "BTS-TOTAL", "value": "nhiều"}]}

    response = token_client(staff_laocai).patch(url("report-detail", draft.pk), sent, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kpi-bts_total-value"]


def test_the_api_refuses_one_kpi_sent_twice_in_two_spellings(staff_laocai, laocai):
    draft = complete_report(laocai)
    values = [{"kpi": "bts_total", "value": "1150"}, {"kpi": "BTS-TOTAL", "value": "1200"}]

    response = token_client(staff_laocai).patch(
        url("report-detail", draft.pk), {"version": draft.version, "values": values}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kpi-bts_total": ["The KPI bts_total is sent more than once; send each KPI once."]
    }
